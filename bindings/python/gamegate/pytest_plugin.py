"""pytest fixtures for games that use gamegate, registered by the wheel's
pytest11 entry point (no conftest needed):

    def test_login(gamegate_client, gamegate_sandbox):
        user_id, username, token = gamegate_sandbox.player()
        player = gamegate_client.kongregate.authenticate(user_id=user_id,
                                                         game_auth_token=token)
        assert player["username"] == username

gamegate_sandbox is a sandbox process on a free port, one per test session
(so one per pytest-xdist worker), reset before each test; gamegate_client a
Client pointed at it with the seed's keys."""

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from .sandbox import SEED_PATH

_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Sandbox:
    """A running sandbox: its url, its seed data, and its controls."""

    def __init__(self, data=None, tls=None):
        self.seed_path = data or SEED_PATH
        with open(self.seed_path, encoding="utf-8") as f:
            self.seed = json.load(f)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_PARENT,
                                                          env.get("PYTHONPATH")]))
        extra = ["--tls-cert", tls[0], "--tls-key", tls[1]] if tls else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gamegate.sandbox", "--port", "0",
             "--data", self.seed_path] + extra,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        line = self.process.stdout.readline()
        if "listening on" not in line:
            self.process.kill()
            raise RuntimeError("the gamegate sandbox did not start: %r" % line)
        self.url = line.split("listening on ", 1)[1].split()[0]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    # --- controls ----------------------------------------------------------

    def control(self, path):
        with urllib.request.urlopen(self.url + path, data=b"", timeout=30) as response:
            assert response.status == 200

    def reset(self):
        self.control("/_sandbox/reset")

    def fault(self, kind, count=1):
        """The next count requests meet the fault (python -m gamegate.sandbox
        --help lists the kinds: http500, timeout, not_json, ...)."""
        self.control("/_sandbox/fault?kind=%s&count=%d" % (kind, count))

    def stats(self):
        """connections accepted (this request's own included), requests
        answered, requests held at the barrier now."""
        with urllib.request.urlopen(self.url + "/_sandbox/stats", timeout=30) as response:
            return json.loads(response.read())

    def last_request(self):
        """The method, path (no query), headers (names in lower case) and
        parameters of the latest request to either service."""
        with urllib.request.urlopen(self.url + "/_sandbox/last_request", timeout=30) as response:
            return json.loads(response.read())

    def wait_until_held(self, count, tries=6000):
        for _ in range(tries):
            if self.stats()["held"] >= count:
                return True
            time.sleep(0.01)
        return False

    def purchase(self, callback_url, buyer_id=None, recipient_id=None, order_info="",
                 forge=False):
        """Kongregate's side of a purchase: the sandbox POSTs the signed
        item_order_request and item_order_placed callbacks to the game's
        callback_url and returns its report (order_id, state, items, errors)."""
        form = {"api_key": self.game["api_key"], "callback_url": callback_url,
                "buyer_id": buyer_id if buyer_id is not None else self.player()[0],
                "order_info": order_info}
        if recipient_id is not None:
            form["recipient_id"] = recipient_id
        if forge:
            form["forge"] = "1"
        request = urllib.request.Request(self.url + "/_sandbox/purchase",
                                         data=urllib.parse.urlencode(form).encode())
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    # --- the seed's facts, found by meaning rather than position -------------

    @property
    def game(self):
        return self.seed["kongregate"]["games"][0]

    def player(self, index=0):
        """A Kongregate player: (user_id, username, game_auth_token)."""
        user = self.seed["kongregate"]["users"][index]
        return (user["user_id"], user["username"],
                user["game_auth_tokens"][str(self.game["game_id"])])

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
        values += [m["password"] for s in kick["sites"] for m in s["members"]
                   if m.get("password")]
        values += [t["oat"] for t in kick["openauth"]["tokens"]]
        return values

    def client_options(self):
        """Client options pointing both services at this sandbox."""
        return {"kongregate": {"base_url": self.url, "api_key": self.game["api_key"]},
                "kickapps": {"base_url": self.url, "developer_key": self.developer_key(),
                             "as": self.site["as"]}}


@pytest.fixture(scope="session")
def gamegate_sandbox_process():
    sandbox = Sandbox()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def gamegate_sandbox(gamegate_sandbox_process):
    gamegate_sandbox_process.reset()
    return gamegate_sandbox_process


@pytest.fixture
def gamegate_client(gamegate_sandbox):
    from .client import Client
    with Client(gamegate_sandbox.client_options(), timeout_ms=30000) as client:
        yield client
