"""make bench: the session stores beside redis-benchmark on the same Redis.

One thread and one connection each: gamegate's remember (a sealed SET) and
lookup (a GET, then opening the seal) against `redis-benchmark -c 1 -t
set,get`, and the ledger's first-delivery check (SET NX PX), in interleaved
rounds; the SQLite and in-process stores beside them."""

import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))

from test_fleet import Redis  # noqa: E402

COUNT = 20000


def gamegate_row(binary, url):
    out = subprocess.run([binary, url, str(COUNT)], capture_output=True, text=True, check=True)
    words = out.stdout.split()
    return {words[i]: float(words[i + 1]) for i in range(1, len(words), 2)}


def redis_benchmark(port):
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-c", "1", "-n", str(COUNT),
                          "-t", "set,get", "--csv"], capture_output=True, text=True,
                         check=True).stdout
    return {row[0]: float(row[1]) for row in csv.reader(io.StringIO(out)) if row[0] != "test"}


def main():
    binary, rounds = sys.argv[1], int(sys.argv[2])
    if not shutil.which("redis-server") or not shutil.which("redis-benchmark"):
        print("bench: stores: redis-server or redis-benchmark missing; skipped")
        return
    directory = tempfile.mkdtemp(prefix="gamegate-bench-")
    redis = Redis(directory, durable=False)
    urls = {"memory": "memory", "sqlite": "sqlite://" + os.path.join(directory, "s.db"),
            "redis tcp": redis.url("tcp"), "redis unix": redis.url("unix")}
    figures = {}
    try:
        for _ in range(rounds):
            for name, url in urls.items():
                for what, value in gamegate_row(binary, url).items():
                    figures.setdefault((name, what), []).append(value)
            for what, value in redis_benchmark(redis.port).items():
                figures.setdefault(("redis-benchmark", what), []).append(value)
            redis.command("FLUSHALL")
    finally:
        redis.stop()
        shutil.rmtree(directory, ignore_errors=True)
    m = {key: statistics.median(values) for key, values in figures.items()}
    print("bench: session stores, one thread, one connection, %d operations, median of %d "
          "interleaved rounds (operations per second)" % (COUNT, rounds))
    for name in urls:
        line = "bench:   %-11s remember %8.0f/s  lookup %8.0f/s  first-delivery check %8.0f/s" % (
            name, m[(name, "remember")], m[(name, "lookup")], m[(name, "deliver")])
        if name == "redis tcp":
            line += "  (%.2fx SET, %.2fx GET of redis-benchmark)" % (
                m[(name, "remember")] / m[("redis-benchmark", "SET")],
                m[(name, "lookup")] / m[("redis-benchmark", "GET")])
        print(line)
    print("bench:   %-11s SET %13.0f/s  GET %11.0f/s  (-c 1, the same Redis over TCP)" % (
        "redis-benchmark", m[("redis-benchmark", "SET")], m[("redis-benchmark", "GET")]))


if __name__ == "__main__":
    main()
