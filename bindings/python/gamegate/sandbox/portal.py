"""The sandbox as Kongregate toward a game: it POSTs signed item_order_request
and item_order_placed callbacks to the game's callback URL, checks the replies
services.md prescribes, and on "completed" puts the items in the buyer's
inventory. Started by POST /_sandbox/purchase."""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request

CALLBACK_TIMEOUT_S = 10
ITEM_FIELDS = ("name", "description", "price", "image_url")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def signed_request(payload, api_key):
    """base64url(HMAC-SHA256(api_key, payload_b64)) "." payload_b64"""
    encoded = b64url(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    signature = hmac.new(api_key.encode("utf-8"), encoded.encode("ascii"), hashlib.sha256)
    return b64url(signature.digest()) + "." + encoded


def post(url, form):
    data = urllib.parse.urlencode(form).encode("ascii")
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT_S) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e).encode()


def item_problems(reply):
    if not isinstance(reply, dict) or not isinstance(reply.get("items"), list) \
            or not reply["items"]:
        return ["the reply to item_order_request has no items list"]
    problems = []
    for n, item in enumerate(reply["items"], 1):
        for field in ITEM_FIELDS:
            value = item.get(field) if isinstance(item, dict) else None
            if field == "price":
                if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                    problems.append("item %d: price must be a whole number of kreds > 0" % n)
            elif not isinstance(value, str) or not value.strip():
                problems.append("item %d: %s is missing or blank" % (n, field))
    return problems


def decode(body):
    try:
        return json.loads(body)
    except ValueError:
        return None


def purchase(state, params):
    """Runs one order against the game; returns the report as a JSON body."""
    with state.lock:
        game = state.games_by_key.get(params.get("api_key", ""))
        if not game:
            return 400, {"success": False, "errors": ["unknown api_key"]}
        buyer_id = int(params.get("buyer_id", "0") or 0)
        recipient_id = int(params.get("recipient_id", buyer_id) or buyer_id)
        if buyer_id not in state.users or recipient_id not in state.users:
            return 400, {"success": False, "errors": ["unknown buyer or recipient"]}
        order_id = state.next_order_id
        state.next_order_id += 1
    url = params.get("callback_url", "")
    # forge=1 signs with a wrong key: a game must refuse to act on it.
    key = game["api_key"] + ("-forged" if params.get("forge") == "1" else "")
    order = {"algorithm": "HMAC-SHA256", "game_id": game["game_id"], "buyer_id": buyer_id,
             "recipient_id": recipient_id, "order_id": order_id,
             "order_info": params.get("order_info", "")}
    report = {"success": False, "order_id": order_id, "state": None, "items": [], "errors": []}

    status, body = post(url, {"signed_request": signed_request(
        dict(order, event="item_order_request"), key)})
    reply = decode(body)
    if status != 200:
        report["errors"].append("item_order_request: the game answered HTTP %d" % status)
        return 200, report
    report["errors"] += item_problems(reply)
    if report["errors"]:
        return 200, report
    report["items"] = reply["items"]

    status, body = post(url, {"signed_request": signed_request(
        dict(order, event="item_order_placed"), key)})
    reply = decode(body)
    final = reply.get("state") if isinstance(reply, dict) else None
    if status != 200 or final not in ("completed", "canceled"):
        report["errors"].append("item_order_placed: expected HTTP 200 with state completed "
                                "or canceled, got HTTP %d" % status)
        return 200, report
    report["state"] = final
    report["success"] = True
    if final == "completed":
        award(state, game, recipient_id, report["items"])
    with state.lock:
        state.orders.append(report)
    return 200, report


def award(state, game, user_id, items):
    with state.lock:
        inventory = state.inventories.setdefault((game["game_id"], user_id), [])
        for item in items:
            known = next((i for i in game.get("items", []) if i["name"] == item["name"]), None)
            inventory.append({"id": state.next_instance_id,
                              "identifier": known["identifier"] if known else item["name"],
                              "remaining_uses": known["uses"] if known else None,
                              "data": None})
            state.next_instance_id += 1
