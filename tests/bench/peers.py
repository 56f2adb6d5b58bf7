"""make bench, against the peers a user would pick instead, in one run on one
machine: ratios, not absolute figures, are what carry over.

Servers (started here, on 127.0.0.1): nginx serving the documented
authenticate body at once, and tests/bench/delay_server answering after
50 ms (a portal far away). Each row runs in every round, rounds interleaved;
the table gives each row's median.

usage: peers.py BUILD_DIR [ROUNDS]"""

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
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
SEQUENTIAL = 3000       # calls per sequential row
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
        return per_second(SEQUENTIAL, lambda: [
            session.get(base + PATH).json()["username"] for _ in range(SEQUENTIAL)])


def httpx_client(base):
    import httpx
    with httpx.Client() as client:
        return per_second(SEQUENTIAL, lambda: [
            client.get(base + PATH).json()["username"] for _ in range(SEQUENTIAL)])


def urllib3_pool(base):
    import urllib3
    pool = urllib3.PoolManager()
    return per_second(SEQUENTIAL, lambda: [
        json.loads(pool.request("GET", base + PATH).data)["username"]
        for _ in range(SEQUENTIAL)])


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


def wrk(base):
    out = subprocess.run(["wrk", "-t2", "-c%d" % IN_FLIGHT, "-d3s", base + PATH],
                         capture_output=True, text=True, check=True).stdout
    return float(next(line.split()[1] for line in out.splitlines()
                      if line.startswith("Requests/sec")))


# --- callback verification ---------------------------------------------------

def signed_order():
    payload = json.dumps({"algorithm": "HMAC-SHA256", "event": "item_order_placed",
                          "game_id": 10000, "buyer_id": 765, "recipient_id": 765,
                          "order_id": 12345, "order_info": "sword"}).encode()
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


def verify_stdlib(signed):
    return per_second(VERIFY, lambda: [stdlib_verify(signed, KEY) for _ in range(VERIFY)])


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
        ("verify: gamegate C", lambda: c_loop("verify", VERIFY, "signed_request=" + signed)),
        ("verify: gamegate Python", lambda: verify_python(signed)),
        ("verify: standard library", lambda: verify_stdlib(signed)),
    ]
    figures = {name: [] for name, _ in rows}
    try:
        for _ in range(ROUNDS):
            for name, run in rows:
                figures[name].append(run())
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
        print("bench:   %-36s %10.0f/s  %s" % (name, m[name], against))


if __name__ == "__main__":
    main()
