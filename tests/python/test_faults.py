"""What reaches a game server when the service or the network misbehaves:
one clear exception each, and the client still works afterwards."""

import pytest

import gamegate


def authenticate(client, sandbox):
    user_id, _, token = sandbox.player()
    return client.call("kongregate.authenticate", user_id=user_id, game_auth_token=token)


@pytest.mark.parametrize("fault, count, error, status, says", [
    ("html", 1, gamegate.ProtocolError, 200, "not JSON"),
    ("empty", 1, gamegate.ProtocolError, 200, "empty"),
    ("wrong_shape", 1, gamegate.ProtocolError, 200, "got a string"),
    ("http500", 3, gamegate.HTTPError, 500, "HTTP status 500"),
    ("http503", 1, gamegate.HTTPError, 503, "HTTP status 503"),
    ("gigabyte", 1, gamegate.ProtocolError, 200, "larger than max_response_bytes"),
])
def test_broken_response(client, sandbox, assert_no_secret, fault, count, error, status, says):
    client.set("retry.backoff_ms", 1)
    sandbox.fault(fault, count)
    with pytest.raises(error) as caught:
        authenticate(client, sandbox)
    assert type(caught.value) is error
    assert caught.value.http_status == status
    assert says in str(caught.value)
    assert_no_secret(str(caught.value), repr(caught.value))
    assert authenticate(client, sandbox)["success"] is True


def test_unreachable_server(sandbox, assert_no_secret):
    with gamegate.Client(kongregate={"base_url": "http://127.0.0.1:1",
                                     "api_key": sandbox.game["api_key"]}) as client:
        with pytest.raises(gamegate.NetworkError) as caught:
            authenticate(client, sandbox)
    assert isinstance(caught.value, ConnectionError)
    assert caught.value.http_status == 0
    assert_no_secret(str(caught.value))


def test_slow_response_times_out(client, sandbox, assert_no_secret):
    client.set("timeout_ms", 200)
    client.set("retry.backoff_ms", 1)
    sandbox.fault("slow", 3)  # a read: each of its 3 attempts times out
    with pytest.raises(gamegate.Timeout) as caught:
        authenticate(client, sandbox)
    assert isinstance(caught.value, TimeoutError)
    assert "after 3 attempts" in str(caught.value)
    assert_no_secret(str(caught.value))
    client.set("timeout_ms", None)
    assert authenticate(client, sandbox)["success"] is True


def test_response_cap_is_an_option(client, sandbox):
    client.set("max_response_bytes", 10)
    with pytest.raises(gamegate.ProtocolError, match="max_response_bytes"):
        authenticate(client, sandbox)
    client.set("max_response_bytes", None)
    assert authenticate(client, sandbox)["success"] is True
