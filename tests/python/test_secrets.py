"""Every failure path, with distinctive secrets, and a scan of all the text the
library and the binding produced: messages, exception texts and reprs, the
service fields handed back on failure, log lines, client and result reprs."""

import json
import urllib.parse

import pytest

import gamegate
from conftest import ROOT, start_sandbox, stop_sandbox

# Some look like names, some change when percent-encoded: a server that
# quotes the request back sends them encoded.
API_KEY = "ak+SECRET/5f1e8c2a=key"
TOKEN = "gat-SECRET-" + "9" * 53
DEV_KEY = "SecretDevKey123"
PASSWORD = "Hunter2 Password"
OAT = "oat-SECRET-/w+AAAA=="


@pytest.fixture(scope="module")
def secret_sandbox(tmp_path_factory):
    with open("%s/bindings/python/gamegate/sandbox/seed.json" % ROOT) as f:
        seed = json.load(f)
    seed["kongregate"]["games"][0]["api_key"] = API_KEY
    seed["kongregate"]["users"][0]["game_auth_tokens"]["10000"] = TOKEN
    seed["kickapps"]["developer_keys"][0]["developerKey"] = DEV_KEY
    seed["kickapps"]["sites"][0]["members"][0]["password"] = PASSWORD
    seed["kickapps"]["openauth"]["tokens"][0]["oat"] = OAT
    path = tmp_path_factory.mktemp("secrets") / "seed.json"
    path.write_text(json.dumps(seed))
    sandbox = start_sandbox(str(path))
    yield sandbox
    stop_sandbox(sandbox)


class Transcript:
    """Everything gamegate said during the test."""

    def __init__(self):
        self.texts = []

    def log(self, level, line):
        self.texts.append(line)

    def error(self, error):
        self.texts += [str(error), repr(error), error.message,
                       json.dumps(error.fields) if error.fields is not None else ""]

    def attempt(self, call, *args, **kwargs):
        try:
            result = call(*args, **kwargs)
            self.texts.append(repr(result))
            return result
        except gamegate.Error as error:
            self.error(error)
            return None


def test_no_secret_in_anything_gamegate_says(secret_sandbox):
    sandbox, said = secret_sandbox, Transcript()
    url = sandbox.url
    user = sandbox.seed["kongregate"]["users"][0]
    member = sandbox.seed["kickapps"]["sites"][0]["members"][0]
    app = sandbox.seed["kickapps"]["openauth"]["apps"][0]
    client = gamegate.Client(
        kongregate={"base_url": url, "api_key": API_KEY},
        kickapps={"base_url": url, "developer_key": DEV_KEY, "as": "92366"},
        log=said.log, log_level="debug", **{"retry.backoff_ms": 1})
    said.texts.append(repr(client))
    kong, kick = client.kongregate, client.kickapps

    # Successes that put secrets into the session store, then every kind of failure.
    said.attempt(kong.authenticate, user_id=user["user_id"], game_auth_token=TOKEN)
    grant = said.attempt(kick.create_token, username=member["username"], password=PASSWORD)
    kick_token = grant["TOKEN"]
    said.attempt(kong.authenticate, user_id=user["user_id"], game_auth_token=TOKEN + "x")
    said.attempt(kong.authenticate, user_id=user["user_id"], game_auth_token="")
    said.attempt(kong.authenticate, user_id=user["user_id"])
    said.attempt(kong.authenticate, user_id="x", game_auth_token=TOKEN)
    said.attempt(kong.use_item, user_id=user["user_id"], id=100)
    said.attempt(kong.use_item, user_id=user["user_id"], id=999999)
    said.attempt(kong.use_item, user_id=user["user_id"], id=101, game_auth_token=TOKEN[::-1])
    said.attempt(kong.submit_statistics, user_id=user["user_id"], Unknown=1)
    said.attempt(kong.submit_statistics, user_id=user["user_id"], Kills=-1)
    said.attempt(kong.items, api_key=API_KEY[::-1])
    said.attempt(kick.create_token, username=member["username"], password=PASSWORD + "!")
    said.attempt(kick.create_token, username=member["username"], developerKey=DEV_KEY + "0")
    said.attempt(kick.create_token, username=member["username"], email=member["email"])
    said.attempt(kick.create_token, username="nobody\r\n" + PASSWORD)
    said.attempt(kick.openauth_create_token, devId=app["devId"], oat=OAT + "x",
                 succUrl=app["succUrl"])
    said.attempt(kick.openauth_create_token, devId="", oat=OAT, succUrl=app["succUrl"])
    said.attempt(kick.badges, t=kick_token + "x")
    said.attempt(kick.badges, t=kick_token, as_="92367")
    said.attempt(kick.group_join, member=member["username"], groupId="no-such-group")
    said.attempt(client.call, "kickapps.badges", **{"member": member["username"],
                                                    DEV_KEY: "as a name"})
    # A parameter list that slipped: keys and passwords where names belong.
    for slipped in ({"username": member["username"], "Hunter2Password": "clientIP"},
                    {"username": member["username"], PASSWORD: "x"}):
        said.attempt(client.call, "kickapps.create_token", **slipped)
    said.attempt(client.set, "SecretDevKey123", "kickapps.developer_key")
    for fault in ("html", "http500", "echo500", "http503", "reset_mid_body", "truncated",
                  "gigabyte", "invalid_utf8", "redirect_other_host", "apply_then_drop"):
        sandbox.fault(fault, 3)
        said.attempt(kong.authenticate, user_id=user["user_id"], game_auth_token=TOKEN)
        sandbox.fault(fault, 3)
        said.attempt(kong.use_item, user_id=user["user_id"], id=101)
        sandbox.control("/_sandbox/reset")
    said.attempt(client.set, "user_agent", "x\n" + API_KEY)
    said.attempt(client.set, API_KEY, "value")
    said.attempt(client.verify_callback, "signed_request=" + TOKEN + "." + TOKEN)
    said.attempt(client.verify_callback, urllib.parse.urlencode(
        {"event": "invalidate_user_inventory", "api_key": API_KEY + "0", "user_id": "1",
         "game_auth_token": TOKEN}))
    said.attempt(gamegate.verify_callback, "x.y", API_KEY)
    client.set("kongregate.base_url", "http://127.0.0.1:1")
    said.attempt(kong.authenticate, user_id=user["user_id"], game_auth_token=TOKEN)
    client.close()

    everything = "\n".join(said.texts)
    assert len(said.texts) > 100 and "Invalid credentials" in everything
    assert "cannot handle" in everything  # the echoing server's words did arrive
    for secret in (API_KEY, TOKEN, DEV_KEY, PASSWORD, OAT, kick_token, API_KEY[::-1],
                   TOKEN[::-1], "Hunter2Password"):
        for form in {secret, urllib.parse.quote(secret, safe=""),
                     urllib.parse.quote_plus(secret, safe="")}:
            assert form not in everything, "a secret leaked: %r" % form
