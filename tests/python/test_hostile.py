"""Hostile input and secrets, round two: each defect an outside review found,
as the user would meet it from Python."""

import base64
import hashlib
import hmac
import json
import logging

import pytest

import gamegate

KEY = "748e63d7-c48c-418c-aa25-80456de2b98c"
TOKEN = "TKa5b9" + "3" * 58


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(raw, key=KEY):
    encoded = b64url(raw)
    return b64url(hmac.new(key.encode(), encoded.encode(), hashlib.sha256).digest()) + "." + encoded


def everything_said(error):
    """Every text an error carries that a log or an error tracker would keep."""
    return [str(error), repr(error), repr(error.args), repr(error.__context__),
            repr(error.__cause__), json.dumps(getattr(error, "fields", None))]


class Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_a_proxy_libcurl_cannot_use_is_refused_when_set_without_its_password():
    with gamegate.Client() as client:
        for proxy in ("socks9://u:PASSWORD9@127.0.0.1:1", "http://u:PASSWORD9@[::1"):
            with pytest.raises(gamegate.InvalidArgument) as caught:
                client.set("proxy", proxy)
            assert not any("PASSWORD9" in text for text in everything_said(caught.value))


def test_a_proxy_password_never_reaches_a_message_or_log(sandbox):
    lines = Lines()
    logger = logging.getLogger("gamegate-proxy-test")
    logger.addHandler(lines)
    logger.setLevel(logging.DEBUG)
    with gamegate.Client(kongregate={"base_url": sandbox.url, "api_key": sandbox.game["api_key"]},
                         proxy="http://someone:PASSWORD9@127.0.0.1:1", retry={"attempts": 2},
                         log_level="debug", log=logger) as client:
        with pytest.raises(gamegate.NetworkError) as caught:
            client.kongregate.items()
    said = everything_said(caught.value) + lines.lines
    assert lines.lines and not any("PASSWORD9" in text for text in said)


@pytest.mark.parametrize("secret", [b"SECRETKEY\xff", "SECRETKEY\ud800"])
def test_a_secret_that_is_not_utf8_is_refused_quoting_nothing(secret):
    with gamegate.Client() as client:
        with pytest.raises(gamegate.InvalidArgument) as caught:
            client.set("kongregate.api_key", secret)
    assert caught.value.__context__ is None
    assert not any("SECRETKEY" in text for text in everything_said(caught.value))


def test_a_token_slipped_into_a_statistic_name_is_scrubbed(client, sandbox):
    user_id, _, _ = sandbox.player()
    lines = Lines()
    logger = logging.getLogger("gamegate-stats-test")
    logger.addHandler(lines)
    logger.setLevel(logging.DEBUG)
    with gamegate.Client(kongregate={"base_url": sandbox.url, "api_key": sandbox.game["api_key"]},
                         log_level="debug", log=logger) as logged:
        with pytest.raises(gamegate.ServiceError) as caught:
            logged.kongregate.submit_statistics(user_id=user_id, **{TOKEN: 5})
    assert "Unknown statistic" in str(caught.value)
    said = everything_said(caught.value) + lines.lines
    assert not any(TOKEN in text for text in said)


def test_the_binding_never_quotes_a_callers_name(client):
    with pytest.raises(gamegate.InvalidArgument) as caught:
        client.call("kongregate.items", **{TOKEN: object()})
    assert not any(TOKEN in text for text in everything_said(caught.value))
    with pytest.raises(gamegate.InvalidArgument) as caught:
        client.set(TOKEN, object())
    assert not any(TOKEN in text for text in everything_said(caught.value))
    with pytest.raises(gamegate.InvalidArgument, match="'tags'"):
        client.call("kongregate.items", tags=object())  # a name from the table is quoted


def test_a_field_name_that_is_not_utf8_is_a_signature_error():
    with pytest.raises(gamegate.SignatureError) as caught:
        gamegate.verify_callback(b"%FF=1&event=x&api_key=" + KEY.encode(), KEY)
    assert not isinstance(caught.value, MemoryError)


@pytest.mark.parametrize("form", [
    "signed_request=FORGED.eyJ9&signed_request={valid}",
    "signed_request={valid}&signed_request=FORGED.eyJ9",
    "event=invalidate_user_inventory&api_key=WRONG&api_key={key}&user_id=1&game_auth_token=t",
    "event=invalidate_user_inventory&event=item_order_placed&api_key={key}",
])
def test_a_repeated_field_is_refused(form):
    valid = sign(b'{"algorithm":"HMAC-SHA256","event":"test"}')
    with pytest.raises(gamegate.SignatureError, match="twice"):
        gamegate.verify_callback(form.format(valid=valid, key=KEY), KEY)


@pytest.mark.parametrize("alter", [
    lambda s: s + "=",                                  # padded
    lambda s: s.replace("-", "+").replace("_", "/"),    # the standard alphabet
])
def test_a_padded_or_standard_base64_signed_request_is_explained(alter):
    raw = b'{"algorithm":"HMAC-SHA256","event":"test","pad":"~~~???>>>"}'
    valid = sign(raw)
    assert any(c in valid for c in "-_")
    with pytest.raises(gamegate.SignatureError, match="base64url") as caught:
        gamegate.verify_callback(alter(valid), KEY)
    assert "api_key does not match" not in str(caught.value)


def test_valid_json_that_jansson_alone_cannot_hold_verifies():
    raw = (b'{"algorithm":"HMAC-SHA256","event":"item_order_placed","order_info":"a\\u0000b",'
           b'"order_id":18446744073709551616,"score":1e400}')
    payload = gamegate.verify_callback(sign(raw), KEY)
    assert payload["order_info"] == "a\0b"
    assert payload["order_id"] == 18446744073709551616
    assert payload["score"] == float("inf")  # Python's own reading of 1e400


def test_numbers_beyond_64_bits_in_a_response(client, sandbox):
    sandbox.fault("big_numbers")
    result = client.kongregate.items()
    assert result.get("id") == "18446744073709551616"
    assert result.type("id") == "number"
    assert result["id"] == 18446744073709551616


def test_null_is_told_from_the_string_null_and_pointers_reach_any_member(client):
    result = client.kongregate.user_info(user_id=765)
    assert result.type("user_vars.gender") == "null"
    assert result.type("username") == "string"
    assert result.type("nothing.here") is None
    assert result.get("/user_vars/level") == result.get("user_vars.level")


def test_a_success_without_what_it_promises_is_a_protocol_error(client, sandbox):
    user_id, _, token = sandbox.player()
    sandbox.fault("success_only")
    with pytest.raises(gamegate.ProtocolError, match="'username'"):
        client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
    assert client.session("kongregate", user_id) is None


# The older reference page's user_vars example (for ap_u2), as services.md
# gives it: every field, and its JSON type.
PUBLISHED_USER_VARS = {
    "username": str, "age": int, "level": int, "points": int, "avatar_url": str,
    "chat_avatar_url": str, "curator": bool, "developer": bool, "moderator": bool,
    "forum_moderator": bool, "admin": bool, "gender": (str, type(None)), "game_title": str,
    "game_url": str,
}


def test_the_sandbox_serves_user_vars_as_published(client, sandbox):
    for user in sandbox.seed["kongregate"]["users"]:
        user_vars = client.kongregate.user_info(user_id=user["user_id"])["user_vars"]
        assert set(user_vars) == set(PUBLISHED_USER_VARS)
        for name, kind in PUBLISHED_USER_VARS.items():
            assert isinstance(user_vars[name], kind), name
    unset = client.kongregate.user_info(user_id=765)["user_vars"]
    assert unset["gender"] is None


def test_a_callback_field_that_is_not_utf8_is_refused_quoting_nothing():
    with pytest.raises(gamegate.InvalidArgument) as caught:
        gamegate.verify_callback({"api_key": "SECRETKEY123\udcff", "event": "x"}, KEY)
    assert caught.value.__context__ is None
    assert not any("SECRETKEY" in text for text in everything_said(caught.value))


def test_a_signed_payload_with_nul_cannot_pass_for_another_algorithm():
    raw = b'{"algorithm":"HMAC-SHA256\\u0000none","event":"test"}'
    with pytest.raises(gamegate.SignatureError, match="algorithm"):
        gamegate.verify_callback(sign(raw), KEY)


def test_proxy_schemes_in_any_case_and_no_giant_option_values():
    with gamegate.Client() as client:
        client.set("proxy", "HTTP://127.0.0.1:3128")
        client.set("proxy", "Socks5://127.0.0.1:1080")
        with pytest.raises(gamegate.InvalidArgument, match="longer than"):
            client.set("user_agent", "A" * 2_000_000)


def test_invalid_json_that_looks_like_numbers_is_refused(client, sandbox):
    with pytest.raises(gamegate.SignatureError, match="not a JSON object"):
        gamegate.verify_callback(sign(b'{"algorithm":"HMAC-SHA256","x":1e999e}'), KEY)
