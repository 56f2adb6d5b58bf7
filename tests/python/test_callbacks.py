"""Kongregate's callbacks to the game: verification, replies, and a whole
purchase with the sandbox playing Kongregate against a tiny game server."""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import gamegate

# The worked example of services.md, from the service's own documentation.
EXAMPLE_KEY = "748e63d7-c48c-418c-aa25-80456de2b98c"
EXAMPLE_REQUEST = ("GbmlDg_VNvaFZFKMR6iIXBqQWtdCyzgwSPTc1IB7pC8."
                   "eyJhbGdvcml0aG0iOiJITUFDLVNIQTI1NiIsImV2ZW50IjoidGVzdCJ9")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(payload, key, raw=None):
    encoded = b64url(raw if raw is not None else json.dumps(payload).encode())
    mac = hmac.new(key.encode(), encoded.encode(), hashlib.sha256).digest()
    return b64url(mac) + "." + encoded


def test_the_documented_example_verifies():
    payload = gamegate.verify_callback({"signed_request": EXAMPLE_REQUEST}, EXAMPLE_KEY)
    assert payload == {"algorithm": "HMAC-SHA256", "event": "test"}
    assert gamegate.verify_callback(EXAMPLE_REQUEST, EXAMPLE_KEY) == payload
    body = ("signed_request=" + EXAMPLE_REQUEST).encode()
    assert gamegate.verify_callback(body, EXAMPLE_KEY) == payload


@pytest.mark.parametrize("signed_request", [
    EXAMPLE_REQUEST.replace("GbmlDg", "GbmlDh"),             # altered signature
    EXAMPLE_REQUEST[:-2] + "fQ",                              # altered payload
    EXAMPLE_REQUEST.replace(".", ""),                         # no separator
    "abc!." + EXAMPLE_REQUEST.split(".")[1],                  # not base64url
    "." + EXAMPLE_REQUEST.split(".")[1],                      # empty signature
    EXAMPLE_REQUEST.split(".")[0] + ".",                      # empty payload
    EXAMPLE_REQUEST + "=",                                    # padding is not base64url
])
def test_anything_but_the_exact_signature_is_refused(signed_request):
    with pytest.raises(gamegate.SignatureError) as caught:
        gamegate.verify_callback({"signed_request": signed_request}, EXAMPLE_KEY)
    assert isinstance(caught.value, ValueError)
    assert EXAMPLE_KEY not in str(caught.value)


def test_a_wrong_key_is_refused():
    with pytest.raises(gamegate.SignatureError, match="does not match"):
        gamegate.verify_callback(EXAMPLE_REQUEST, EXAMPLE_KEY.replace("7", "8"))


def test_the_algorithm_must_be_hmac_sha256():
    forged = sign({"algorithm": "none", "event": "test"}, EXAMPLE_KEY)
    with pytest.raises(gamegate.SignatureError, match="algorithm"):
        gamegate.verify_callback(forged, EXAMPLE_KEY)
    not_json = sign(None, EXAMPLE_KEY, raw=b"not json at all")
    with pytest.raises(gamegate.SignatureError, match="not a JSON object"):
        gamegate.verify_callback(not_json, EXAMPLE_KEY)


def test_oversized_and_nul_input():
    with pytest.raises(gamegate.InvalidArgument, match="64 KiB"):
        gamegate.verify_callback("signed_request=" + "A" * 70000, EXAMPLE_KEY)
    with pytest.raises(gamegate.InvalidArgument, match="NUL"):
        gamegate.verify_callback(b"signed_request=a\0b", EXAMPLE_KEY)


def test_plain_invalidate_user_inventory_refreshes_the_token(client, sandbox):
    user_id, username, token = sandbox.player()
    client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
    fresh = "ab" * 32
    form = {"event": "invalidate_user_inventory", "api_key": sandbox.game["api_key"],
            "time": "1300000000", "user_id": str(user_id), "username": username,
            "game_auth_token": fresh}
    payload = client.verify_callback(urllib.parse.urlencode(form))
    assert "api_key" not in payload and payload["event"] == "invalidate_user_inventory"
    assert client.session("kongregate", user_id)["game_auth_token"] == fresh
    with pytest.raises(gamegate.SignatureError, match="api_key"):
        client.verify_callback(dict(form, api_key="someone-else-entirely"))
    with pytest.raises(gamegate.SignatureError):
        client.verify_callback({k: v for k, v in form.items() if k != "api_key"})


def test_item_replies():
    body = json.loads(gamegate.reply_items([
        {"name": "Sword", "description": "Sharp", "price": 10, "image_url": "http://x/s.png"}]))
    assert body == {"items": [{"name": "Sword", "description": "Sharp", "price": 10,
                               "image_url": "http://x/s.png"}]}
    good = {"name": "Sword", "description": "Sharp", "price": 10, "image_url": "http://x/s.png"}
    for broken in ({"price": 0}, {"price": -3}, {"price": "1.5"}, {"name": "  "},
                   {"image_url": ""}):
        with pytest.raises(gamegate.InvalidArgument):
            gamegate.reply_items([dict(good, **broken)])
    with pytest.raises(gamegate.InvalidArgument):
        gamegate.reply_items([])
    with pytest.raises(gamegate.InvalidArgument):
        gamegate.reply_items([{k: v for k, v in good.items() if k != "description"}])
    assert json.loads(gamegate.reply_order("canceled")) == {"state": "canceled"}
    with pytest.raises(gamegate.InvalidArgument):
        gamegate.reply_order("done")


class Game:
    """A tiny game server: one callback URL, verifying with gamegate."""

    def __init__(self, api_key, catalogue, decision="completed", raw_items=None):
        self.api_key, self.catalogue, self.decision = api_key, catalogue, decision
        self.raw_items = raw_items
        self.awarded, self.refused = [], 0
        game = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                form = dict(urllib.parse.parse_qsl(
                    self.rfile.read(int(self.headers["Content-Length"])).decode()))
                try:
                    order = gamegate.verify_callback(form, game.api_key)
                except gamegate.SignatureError:
                    game.refused += 1
                    return self.answer(403, "{}")
                if order["event"] == "item_order_request":
                    wanted = [i for i in game.catalogue if i["identifier"] == order["order_info"]]
                    return self.answer(200, game.raw_items or gamegate.reply_items(wanted))
                if game.decision == "completed":
                    game.awarded.append((order["order_id"], order["recipient_id"]))
                return self.answer(200, gamegate.reply_order(game.decision))

            def answer(self, status, body):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d/kongregate/callback" % self.server.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def purchase(sandbox, game, buyer_id, order_info, **extra):
    form = dict(api_key=sandbox.game["api_key"], buyer_id=buyer_id, callback_url=game.url,
                order_info=order_info, **extra)
    request = urllib.request.Request(sandbox.url + "/_sandbox/purchase",
                                     data=urllib.parse.urlencode(form).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def shields(client, user_id):
    return [i for i in client.kongregate.user_items(user_id=user_id)["items"]
            if i["identifier"] == "golden-shield"]


def test_a_whole_purchase(client, sandbox):
    buyer, _, _ = sandbox.player(1)
    assert shields(client, buyer) == []
    with Game(sandbox.game["api_key"], sandbox.game["items"]) as game:
        report = purchase(sandbox, game, buyer, "golden-shield")
    assert report["success"] and report["state"] == "completed", report["errors"]
    assert game.awarded == [(report["order_id"], buyer)]
    assert [i["name"] for i in report["items"]] == ["Golden Shield"]
    assert len(shields(client, buyer)) == 1


def test_a_forged_purchase_is_refused_and_nothing_is_awarded(client, sandbox):
    buyer, _, _ = sandbox.player(1)
    with Game(sandbox.game["api_key"], sandbox.game["items"]) as game:
        report = purchase(sandbox, game, buyer, "golden-shield", forge="1")
    assert not report["success"] and "HTTP 403" in report["errors"][0]
    assert game.refused == 1 and game.awarded == []
    assert shields(client, buyer) == []


def test_a_canceled_purchase_awards_nothing(client, sandbox):
    buyer, _, _ = sandbox.player(1)
    with Game(sandbox.game["api_key"], sandbox.game["items"], decision="canceled") as game:
        report = purchase(sandbox, game, buyer, "golden-shield")
    assert report["success"] and report["state"] == "canceled"
    assert shields(client, buyer) == []


def test_the_portal_checks_the_games_item_reply(client, sandbox):
    buyer, _, _ = sandbox.player(1)
    bad = json.dumps({"items": [{"name": "Golden Shield", "description": "Shiny", "price": 0,
                                 "image_url": ""}]})
    with Game(sandbox.game["api_key"], sandbox.game["items"], raw_items=bad) as game:
        report = purchase(sandbox, game, buyer, "golden-shield")
    assert not report["success"]
    assert any("price" in e for e in report["errors"])
    assert any("image_url" in e for e in report["errors"])
    assert game.awarded == []


@pytest.mark.parametrize("form", [
    "event=invalidate_user_inventory&api_key={key}%00garbage&user_id=1&game_auth_token=x",
    "event=invalidate_user_inventory&api_key%00zz={key}&user_id=1&game_auth_token=x",
    "event=in%00jected&api_key={key}",
    "event=invalidate_user_inventory&api_key={key}&game_auth_token=a%00b&user_id=1",
    "event=%ff%fe&api_key={key}",
])
def test_fields_that_cannot_be_compared_as_sent_are_refused(form):
    with pytest.raises(gamegate.SignatureError):
        gamegate.verify_callback(form.format(key=EXAMPLE_KEY), EXAMPLE_KEY)
