"""make bench, against the peers a user would pick instead, in one run on one
machine: ratios, not absolute figures, are what carry over.

Servers (started here, on 127.0.0.1): nginx serving the documented
authenticate body at once, and tests/bench/delay_server answering after
50 ms (a portal far away). Each row runs in every round, rounds interleaved;
the table gives each row's median.

usage: peers.py BUILD_DIR [ROUNDS]
       peers.py BUILD_DIR --rss sync|async URL CALLS  (one memory row, run by the first)"""

import asyncio
import base64
import hashlib
import hmac
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

import gamegate

BUILD = sys.argv[1]
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 5
SEQUENTIAL = 15000      # calls per sequential row of a C-speed client (about 1 s)
SLOW = 3000             # calls per row of the pure-Python clients
RSS_CALLS = int(os.environ.get("BENCH_RSS_CALLS", "1000000"))
IN_FLIGHT = 1000        # calls at once in the concurrent rows
CONCURRENT = 5000       # calls per concurrent row
VERIFY = 100000         # callbacks verified per row
KEY = "748e63d7-c48c-418c-aa25-80456de2b98c"
TOKEN = "9f2c6a1d4e8b7c3a5f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988"
BODY = '{"success":true,"username":"LordSmatchington","user_id":1480702}'
PATH = "/api/authenticate.json?user_id=1480702&game_auth_token=%s&api_key=%s" % (TOKEN, KEY)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(workdir):
    port = free_port()
    conf = os.path.join(workdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""worker_processes 1; daemon off; master_process off;
error_log %(d)s/nginx.err; pid %(d)s/nginx.pid;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 1000000;
  client_body_temp_path %(d)s; proxy_temp_path %(d)s; fastcgi_temp_path %(d)s;
  uwsgi_temp_path %(d)s; scgi_temp_path %(d)s;
  server { listen 127.0.0.1:%(p)d;
    location / { default_type application/json; return 200 '%(b)s'; } } }
""" % {"d": workdir, "p": port, "b": BODY})
    process = subprocess.Popen(["/usr/sbin/nginx", "-c", conf, "-p", workdir],
                               stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, "http://127.0.0.1:%d" % port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start")


def start_delay_server():
    process = subprocess.Popen([os.path.join(BUILD, "delay_server"), "50"],
                               stdout=subprocess.PIPE, text=True)
    port = int(process.stdout.readline().split()[-1])
    return process, "http://127.0.0.1:%d" % port


def c_loop(*args):
    out = subprocess.run([os.path.join(BUILD, "loop")] + [str(a) for a in args],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[1] == "0", "failed calls in %s" % (args,)
    return float(out[0])


def per_second(count, work):
    start = time.perf_counter()
    work()
    return count / (time.perf_counter() - start)


# --- sequential rows, against nginx ----------------------------------------

def gamegate_python(base):
    with gamegate.Client(kongregate={"base_url": base, "api_key": KEY}) as client:
        call = client.kongregate.authenticate
        return per_second(SEQUENTIAL, lambda: [
            call(user_id=1480702, game_auth_token=TOKEN)["username"] for _ in range(SEQUENTIAL)])


def pycurl_json(base):
    import pycurl
    curl = pycurl.Curl()
    curl.setopt(pycurl.URL, base + PATH)

    def work():
        for _ in range(SEQUENTIAL):
            buffer = io.BytesIO()
            curl.setopt(pycurl.WRITEDATA, buffer)
            curl.perform()
            json.loads(buffer.getvalue())["username"]
    return per_second(SEQUENTIAL, work)


def requests_session(base):
    import requests
    with requests.Session() as session:
        return per_second(SLOW, lambda: [
            session.get(base + PATH).json()["username"] for _ in range(SLOW)])


def httpx_client(base):
    import httpx
    with httpx.Client() as client:
        return per_second(SLOW, lambda: [
            client.get(base + PATH).json()["username"] for _ in range(SLOW)])


def urllib3_pool(base):
    import urllib3
    pool = urllib3.PoolManager()
    return per_second(SLOW, lambda: [
        json.loads(pool.request("GET", base + PATH).data)["username"]
        for _ in range(SLOW)])


# --- concurrent rows, against the 50 ms server ------------------------------

def aiohttp_rows(base):
    import aiohttp

    async def main():
        connector = aiohttp.TCPConnector(limit=IN_FLIGHT)
        async with aiohttp.ClientSession(connector=connector) as session:
            gate = asyncio.Semaphore(IN_FLIGHT)

            async def one():
                async with gate:
                    async with session.get(base + PATH) as response:
                        (await response.json(content_type=None))["username"]
            start = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(CONCURRENT)))
            return CONCURRENT / (time.perf_counter() - start)
    return asyncio.run(main())


def httpx_async(base):
    import httpx

    async def main():
        limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            gate = asyncio.Semaphore(IN_FLIGHT)

            async def one():
                async with gate:
                    (await client.get(base + PATH)).json()["username"]
            start = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(CONCURRENT)))
            return CONCURRENT / (time.perf_counter() - start)
    return asyncio.run(main())


def gamegate_async(base):
    async def main():
        async with gamegate.AsyncClient(kongregate={"base_url": base, "api_key": KEY},
                                        max_connections=IN_FLIGHT) as client:
            gate = asyncio.Semaphore(IN_FLIGHT)

            async def one():
                async with gate:
                    (await client.kongregate.authenticate(
                        user_id=1480702, game_auth_token=TOKEN))["username"]
            start = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(CONCURRENT)))
            return CONCURRENT / (time.perf_counter() - start)
    return asyncio.run(main())


def gamegate_threads(base):
    with gamegate.Client(kongregate={"base_url": base, "api_key": KEY},
                         max_connections=IN_FLIGHT) as client:
        each = CONCURRENT // IN_FLIGHT

        def work():
            for _ in range(each):
                client.kongregate.authenticate(user_id=1480702, game_auth_token=TOKEN)
        threads = [threading.Thread(target=work) for _ in range(IN_FLIGHT)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return each * IN_FLIGHT / (time.perf_counter() - start)


def drivers(mode, base):
    """A raw libcurl multi loop with IN_FLIGHT transfers: curl_multi_poll (as
    gamegate's I/O thread drives) or curl_multi_socket_action on epoll (as a
    host's event loop would). Calls per second, and CPU microseconds per call."""
    out = subprocess.run([os.path.join(BUILD, "drivers"), mode, base + PATH,
                          str(CONCURRENT * 4), str(IN_FLIGHT)],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[4] == "0", "failed calls in the %s driver" % mode
    rate, cpu = float(out[1]), float(out[2]) + float(out[3])
    return rate, cpu / (CONCURRENT * 4) * 1e6


def wrk(base):
    out = subprocess.run(["wrk", "-t2", "-c%d" % IN_FLIGHT, "-d3s", base + PATH],
                         capture_output=True, text=True, check=True).stdout
    return float(next(line.split()[1] for line in out.splitlines()
                      if line.startswith("Requests/sec")))


# --- callback verification ---------------------------------------------------

def signed_order(order_id=12345):
    payload = json.dumps({"algorithm": "HMAC-SHA256", "event": "item_order_placed",
                          "game_id": 10000, "buyer_id": 765, "recipient_id": 765,
                          "order_id": order_id, "order_info": "sword"}).encode()
    encoded = base64.urlsafe_b64encode(payload).rstrip(b"=")
    mac = hmac.new(KEY.encode(), encoded, hashlib.sha256).digest()
    return (base64.urlsafe_b64encode(mac).rstrip(b"=") + b"." + encoded).decode()


def stdlib_verify(signed_request, key):
    """What a game would write by hand: hmac, base64, json, a constant-time compare."""
    signature, _, encoded = signed_request.partition(".")
    expected = base64.urlsafe_b64encode(
        hmac.new(key.encode(), encoded.encode(), hashlib.sha256).digest()).rstrip(b"=")
    if not hmac.compare_digest(expected, signature.encode()):
        raise ValueError("bad signature")
    payload = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    if payload.get("algorithm") != "HMAC-SHA256":
        raise ValueError("bad algorithm")
    return payload


def verify_python(signed):
    return per_second(VERIFY, lambda: [gamegate.verify_callback(signed, KEY)
                                       for _ in range(VERIFY)])


LEDGER = 20000  # distinct orders per ledger row: every one a first delivery


def verify_ledger(store, workdir):
    """A client's verify_callback, each order new: the signature, the payload
    and the ledger's atomic first-delivery record in the store."""
    if store == "sqlite":
        path = os.path.join(workdir, "ledger-%d.db" % time.monotonic_ns())
        store = "sqlite://" + path
    bodies = ["signed_request=" + signed_order(order) for order in range(LEDGER)]
    with gamegate.Client(kongregate={"api_key": KEY}, session={"store": store}) as client:
        start = time.perf_counter()
        firsts = sum(client.verify_callback(body)["first_delivery"] for body in bodies)
        rate = LEDGER / (time.perf_counter() - start)
    assert firsts == LEDGER
    return rate


def verify_stdlib(signed):
    return per_second(VERIFY, lambda: [stdlib_verify(signed, KEY) for _ in range(VERIFY)])


# --- memory over many calls ---------------------------------------------------

def resident_kib():
    with open("/proc/self/status") as f:
        return int(next(line.split()[1] for line in f if line.startswith("VmRSS:")))


def rss_child(mode, base, calls):
    """Runs in a process of its own: RSS after a warm-up, and after calls more."""
    key = {"base_url": base, "api_key": KEY}
    if mode == "sync":
        with gamegate.Client(kongregate=key) as client:
            def batch(n):
                for _ in range(n):
                    client.kongregate.authenticate(user_id=1480702, game_auth_token=TOKEN)
            batch(20000)
            before = resident_kib()
            batch(calls)
            print(before, resident_kib())
        return

    async def main():
        async with gamegate.AsyncClient(kongregate=key, max_connections=64) as client:
            async def worker(n):
                for _ in range(n):
                    await client.kongregate.authenticate(user_id=1480702, game_auth_token=TOKEN)

            async def batch(n):
                await asyncio.gather(*(worker(n // 64) for _ in range(64)))
            await batch(20000)
            before = resident_kib()
            await batch(calls)
            print(before, resident_kib())
    asyncio.run(main())


def rss_row(mode, base):
    out = subprocess.run([sys.executable, __file__, BUILD, "--rss", mode, base, str(RSS_CALLS)],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    workdir = tempfile.mkdtemp(prefix="gamegate-bench-")
    nginx, fast = start_nginx(workdir)
    delay, far = start_delay_server()
    signed = signed_order()
    rows = [
        ("raw libcurl C loop", lambda: c_loop("curl", fast, SEQUENTIAL)),
        ("gamegate C", lambda: c_loop("gamegate", fast, SEQUENTIAL)),
        ("pycurl + json", lambda: pycurl_json(fast)),
        ("gamegate Python", lambda: gamegate_python(fast)),
        ("requests.Session", lambda: requests_session(fast)),
        ("httpx.Client", lambda: httpx_client(fast)),
        ("urllib3", lambda: urllib3_pool(fast)),
        ("aiohttp, %d in flight" % IN_FLIGHT, lambda: aiohttp_rows(far)),
        ("httpx.AsyncClient, %d in flight" % IN_FLIGHT, lambda: httpx_async(far)),
        ("gamegate async, %d in flight" % IN_FLIGHT, lambda: gamegate_async(far)),
        ("gamegate, %d threads, one client" % IN_FLIGHT, lambda: gamegate_threads(far)),
        ("wrk, %d connections" % IN_FLIGHT, lambda: wrk(far)),
        ("libcurl multi_poll loop, %d in flight" % IN_FLIGHT, lambda: drivers("poll", far)),
        ("libcurl socket_action+epoll, %d in flight" % IN_FLIGHT,
         lambda: drivers("socket", far)),
        ("verify: gamegate C", lambda: c_loop("verify", VERIFY, "signed_request=" + signed)),
        ("verify: gamegate Python", lambda: verify_python(signed)),
        ("verify: standard library", lambda: verify_stdlib(signed)),
        ("verify + ledger in memory: Python", lambda: verify_ledger("memory", workdir)),
        ("verify + ledger in SQLite: Python", lambda: verify_ledger("sqlite", workdir)),
    ]
    figures = {name: [] for name, _ in rows}
    cpu = {}
    try:
        for _ in range(ROUNDS):
            for name, run in rows:
                figure = run()
                if isinstance(figure, tuple):
                    figure, cpu_us = figure
                    cpu.setdefault(name, []).append(cpu_us)
                figures[name].append(figure)
        memory = [(mode, rss_row(mode, fast)) for mode in ("sync", "async")] \
            if RSS_CALLS else []
    finally:
        nginx.terminate()
        delay.terminate()
    m = {name: median(values) for name, values in figures.items()}
    ratios = {
        "gamegate C": ("raw libcurl C loop",),
        "gamegate Python": ("pycurl + json", "raw libcurl C loop", "requests.Session",
                            "httpx.Client"),
        "gamegate async, %d in flight" % IN_FLIGHT: ("aiohttp, %d in flight" % IN_FLIGHT,
                                                     "wrk, %d connections" % IN_FLIGHT),
        "verify: gamegate Python": ("verify: standard library",),
    }
    print("bench: peers, median of %d interleaved rounds (calls per second; sequential rows "
          "against nginx, %d in flight against a server answering after 50 ms)"
          % (ROUNDS, IN_FLIGHT))
    for name, _ in rows:
        against = ", ".join("%.2fx %s" % (m[name] / m[other], other)
                            for other in ratios.get(name, ()))
        if name in cpu:
            against = "%.1f us CPU per call" % median(cpu[name])
        print("bench:   %-42s %10.0f/s  %s" % (name, m[name], against))
    for mode, (before, after) in memory:
        print("bench: gamegate Python %-5s: RSS %d KiB after a warm-up of 20000 calls, %d KiB "
              "after %d more (%+d KiB)" % (mode, before, after, RSS_CALLS, after - before))


if __name__ == "__main__":
    if sys.argv[2:3] == ["--rss"]:
        rss_child(sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        main()
