"""Fixtures: a sandbox process for the whole session, reset before each test,
its seed data, and clients pointed at it."""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

import gamegate

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class Sandbox:
    def __init__(self, process, url, seed_path):
        self.process = process
        self.url = url
        with open(seed_path, encoding="utf-8") as f:
            self.seed = json.load(f)

    def control(self, path):
        with urllib.request.urlopen(self.url + path, data=b"", timeout=30) as response:
            assert response.status == 200

    def stats(self):
        """connections accepted (this request's own included), requests
        answered, requests held at the barrier now."""
        with urllib.request.urlopen(self.url + "/_sandbox/stats", timeout=30) as response:
            return json.loads(response.read())

    def wait_until_held(self, count, tries=6000):
        for _ in range(tries):
            if self.stats()["held"] >= count:
                return True
            time.sleep(0.01)
        return False

    def fault(self, kind, count=1):
        self.control("/_sandbox/fault?kind=%s&count=%d" % (kind, count))

    # The seed's facts the tests use, found by meaning rather than position.
    @property
    def game(self):
        return self.seed["kongregate"]["games"][0]

    def player(self, index=0):
        user = self.seed["kongregate"]["users"][index]
        return user["user_id"], user["username"], user["game_auth_tokens"][str(self.game["game_id"])]

    @property
    def site(self):
        return self.seed["kickapps"]["sites"][0]

    def developer_key(self, enabled=True, site=None):
        site = site or self.site["as"]
        for key in self.seed["kickapps"]["developer_keys"]:
            if key["enabled"] == enabled and (not enabled or key["as"] == site):
                return key["developerKey"]
        raise LookupError("no such developer key in the seed")

    @property
    def member(self):
        return self.site["members"][0]

    @property
    def openauth(self):
        app = self.seed["kickapps"]["openauth"]["apps"][0]
        grant = next(t for t in self.seed["kickapps"]["openauth"]["tokens"]
                     if t["devId"] == app["devId"])
        return app, grant

    def secrets(self):
        """Every key, token and password in the seed: none may leak."""
        kong, kick = self.seed["kongregate"], self.seed["kickapps"]
        values = [g["api_key"] for g in kong["games"]]
        values += [t for u in kong["users"] for t in u.get("game_auth_tokens", {}).values()]
        values += [k["developerKey"] for k in kick["developer_keys"]]
        values += [m["password"] for s in kick["sites"] for m in s["members"] if m.get("password")]
        values += [t["oat"] for t in kick["openauth"]["tokens"]]
        return values


def start_sandbox(data=None, tls=None):
    """A sandbox process on a free port; tls=(cert, key) serves HTTPS."""
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "bindings", "python"))
    data = data or os.path.join(ROOT, "bindings", "python", "gamegate", "sandbox", "seed.json")
    extra = ["--tls-cert", tls[0], "--tls-key", tls[1]] if tls else []
    process = subprocess.Popen(
        [sys.executable, "-m", "gamegate.sandbox", "--port", "0", "--data", data] + extra,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise RuntimeError("the sandbox did not start: %r" % line)
    url = line.split("listening on ", 1)[1].split()[0]
    return Sandbox(process, url, data)


def stop_sandbox(sandbox):
    sandbox.process.terminate()
    sandbox.process.wait(timeout=30)


@pytest.fixture(scope="session")
def sandbox_process():
    sandbox = start_sandbox()
    yield sandbox
    stop_sandbox(sandbox)


@pytest.fixture
def sandbox(sandbox_process):
    sandbox_process.control("/_sandbox/reset")
    return sandbox_process


@pytest.fixture
def client(sandbox):
    with gamegate.Client(
            kongregate={"base_url": sandbox.url, "api_key": sandbox.game["api_key"]},
            kickapps={"base_url": sandbox.url, "developer_key": sandbox.developer_key(),
                      "as": sandbox.site["as"]},
            timeout_ms=30000) as c:
        yield c


@pytest.fixture
def assert_no_secret(sandbox):
    def check(*texts):
        for text in texts:
            for secret in sandbox.secrets():
                assert secret not in text, "a secret leaked into: %r" % text
    return check
