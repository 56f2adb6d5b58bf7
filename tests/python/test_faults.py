"""What reaches a game server when the service or the network misbehaves:
one documented exception per fault, the client still works afterwards, reads
are retried, and a state change is never sent twice."""

import pytest

import gamegate

# fault -> (exception, HTTP status seen, attempts of a read with 3 allowed, words)
READ_FAULTS = {
    "html": (gamegate.ProtocolError, 200, 1, "not JSON"),
    "empty": (gamegate.ProtocolError, 200, 1, "empty"),
    "wrong_shape": (gamegate.ProtocolError, 200, 1, "got a string"),
    "array": (gamegate.ProtocolError, 200, 1, "got an array"),
    "null": (gamegate.ProtocolError, 200, 1, "got null"),
    "invalid_utf8": (gamegate.ProtocolError, 200, 1, "not JSON"),
    "deep_nesting": (gamegate.ProtocolError, 200, 1, "not JSON"),
    "gigabyte": (gamegate.ProtocolError, 200, 1, "larger than max_response_bytes"),
    "http500": (gamegate.HTTPError, 500, 3, "HTTP status 500"),
    "http503": (gamegate.HTTPError, 503, 1, "Retry-After 120 s is past the retry deadline"),
    "redirect_other_host": (gamegate.HTTPError, 302, 1, "redirects are not followed"),
    "redirect_loop": (gamegate.HTTPError, 302, 1, "redirects are not followed"),
    "reset_before_body": (gamegate.NetworkError, 0, 3, "transfer failed"),
    "reset_mid_body": (gamegate.NetworkError, 200, 3, "transfer failed"),
    "truncated": (gamegate.NetworkError, 200, 3, "transfer failed"),
    "apply_then_drop": (gamegate.NetworkError, 0, 3, "transfer failed"),
    "slow": (gamegate.Timeout, 0, 3, "timed out"),
    "trickle": (gamegate.Timeout, 200, 3, "timed out"),
}


def authenticate(client, sandbox):
    user_id, _, token = sandbox.player()
    return client.call("kongregate.authenticate", user_id=user_id, game_auth_token=token)


@pytest.fixture
def quick(client):
    """Short limits, so slow faults cost a second rather than a minute."""
    client.set("retry.backoff_ms", 1)
    client.set("timeout_ms", 500)
    client.set("min_bytes_per_second", 100)
    client.set("min_speed_window_ms", 1000)
    return client


@pytest.mark.parametrize("fault", sorted(READ_FAULTS))
def test_every_fault_has_its_code(quick, sandbox, assert_no_secret, fault):
    error, status, attempts, says = READ_FAULTS[fault]
    sandbox.fault(fault, 3)
    with pytest.raises(error) as caught:
        authenticate(quick, sandbox)
    assert type(caught.value) is error
    assert caught.value.http_status == status
    assert caught.value.attempts == attempts
    assert caught.value.outcome == "not_applied"  # a read changes nothing
    assert says in str(caught.value)
    assert_no_secret(str(caught.value), repr(caught.value))
    sandbox.control("/_sandbox/reset")
    assert authenticate(quick, sandbox)["success"] is True  # still usable


def test_a_passing_fault_is_retried_away(quick, sandbox):
    sandbox.fault("reset_mid_body", 2)
    result = authenticate(quick, sandbox)
    assert result["success"] is True and result.attempts == 3


def test_retry_after_is_honoured(client, sandbox):
    # Backoff alone would wait past the deadline: only Retry-After: 1 explains a retry.
    client.set("retry.backoff_ms", 3600000)
    client.set("retry.max_backoff_ms", 3600000)
    client.set("retry.deadline_ms", 20000)
    sandbox.fault("http503_soon")
    result = authenticate(client, sandbox)
    assert result.attempts == 2 and result["success"] is True


def test_the_deadline_bounds_every_attempt(client, sandbox):
    client.set("timeout_ms", 10000)  # alone, it would outlast the 3 s stall
    client.set("retry.deadline_ms", 500)
    sandbox.fault("slow", 3)
    with pytest.raises(gamegate.Timeout) as caught:
        authenticate(client, sandbox)
    assert caught.value.attempts == 1


def test_retries_stop_at_the_configured_attempts(quick, sandbox):
    quick.set("retry.attempts", 1)
    sandbox.fault("http500", 1)
    with pytest.raises(gamegate.HTTPError) as caught:
        authenticate(quick, sandbox)
    assert caught.value.attempts == 1


def test_faults_can_target_one_endpoint(client, sandbox):
    sandbox.control("/_sandbox/fault?kind=html&count=5&path=/api/items.json")
    assert authenticate(client, sandbox)["success"] is True
    with pytest.raises(gamegate.ProtocolError):
        client.kongregate.items()


def test_unreachable_server(sandbox, assert_no_secret):
    with gamegate.Client(kongregate={"base_url": "http://127.0.0.1:1",
                                     "api_key": sandbox.game["api_key"]},
                         **{"retry.backoff_ms": 1}) as client:
        with pytest.raises(gamegate.NetworkError) as caught:
            authenticate(client, sandbox)
    assert isinstance(caught.value, ConnectionError)
    assert caught.value.http_status == 0 and caught.value.attempts == 3
    assert_no_secret(str(caught.value))


def test_response_cap_is_an_option(client, sandbox):
    client.set("max_response_bytes", 10)
    with pytest.raises(gamegate.ProtocolError, match="max_response_bytes"):
        authenticate(client, sandbox)
    client.set("max_response_bytes", None)
    assert authenticate(client, sandbox)["success"] is True


# State changes: never retried; "unknown" when the request may have arrived.

@pytest.fixture
def potion(client, sandbox):
    """A logged-in player's item with uses left, and a way to count them."""
    user_id, _, token = sandbox.player()
    client.kongregate.authenticate(user_id=user_id, game_auth_token=token)

    def uses_left():
        for item in client.kongregate.user_items(user_id=user_id)["items"]:
            if item["id"] == 101:
                return item["remaining_uses"]
        return 0
    return user_id, uses_left


def test_a_dropped_use_item_was_applied_once_and_says_unknown(client, sandbox, potion):
    user_id, uses_left = potion
    before = uses_left()
    sandbox.control("/_sandbox/fault?kind=apply_then_drop&path=/api/use_item.json")
    with pytest.raises(gamegate.NetworkError) as caught:
        client.kongregate.use_item(user_id=user_id, id=101)
    assert caught.value.outcome == "unknown"
    assert caught.value.attempts == 1
    assert uses_left() == before - 1  # applied exactly once, never re-sent


@pytest.mark.parametrize("fault, error, outcome", [
    ("reset_before_body", gamegate.NetworkError, "unknown"),
    ("http500", gamegate.HTTPError, "unknown"),
    ("html", gamegate.ProtocolError, "unknown"),
    ("http503", gamegate.HTTPError, "unknown"),  # a proxy's 503 can follow the request
    ("http400", gamegate.HTTPError, "not_applied"),
])
def test_state_changes_are_not_retried(client, sandbox, potion, fault, error, outcome):
    user_id, uses_left = potion
    before = uses_left()
    sandbox.control("/_sandbox/fault?kind=%s&count=3&path=/api/use_item.json" % fault)
    with pytest.raises(error) as caught:
        client.kongregate.use_item(user_id=user_id, id=101)
    assert (caught.value.attempts, caught.value.outcome) == (1, outcome)
    assert uses_left() == before


def test_state_change_outcomes_without_faults(client, sandbox, potion):
    user_id, _ = potion
    with pytest.raises(gamegate.InvalidArgument) as caught:
        client.kongregate.use_item(user_id=user_id)
    assert (caught.value.attempts, caught.value.outcome) == (0, "not_applied")
    with pytest.raises(gamegate.AuthenticationError) as caught:
        client.kongregate.use_item(user_id=user_id, id=101, game_auth_token="0" * 64)
    assert caught.value.outcome == "not_applied"  # the service said no
    client.set("kongregate.base_url", "http://127.0.0.1:1")
    with pytest.raises(gamegate.NetworkError) as caught:
        client.kongregate.use_item(user_id=user_id, id=101)
    assert caught.value.outcome == "not_applied"  # nothing left the machine
    client.set("kongregate.base_url", sandbox.url)
    assert client.kongregate.use_item(user_id=user_id, id=101).outcome == "succeeded"


def test_log_lines_are_clean(sandbox, assert_no_secret):
    lines = []
    user_id, _, token = sandbox.player()
    with gamegate.Client(kongregate={"base_url": sandbox.url, "api_key": sandbox.game["api_key"]},
                         log=lambda level, line: lines.append((level, line)),
                         log_level="debug", **{"retry.backoff_ms": 1}) as client:
        sandbox.fault("http500", 1)
        client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
        sandbox.control("/_sandbox/fault?kind=apply_then_drop&path=/api/use_item.json")
        with pytest.raises(gamegate.NetworkError):
            client.kongregate.use_item(user_id=user_id, id=101)
    text = "\n".join(line for _, line in lines)
    assert "retrying in" in text and "outcome unknown" in text
    assert "attempt 2: GET /api/authenticate.json -> HTTP 200" in text
    assert {level for level, _ in lines} >= {10, 20, 30, 40}  # debug .. error
    assert_no_secret(text)
    assert token not in text and "?" not in text  # no query string, ever


def test_an_echoing_server_cannot_leak_the_token_through_retries(client, sandbox,
                                                                 assert_no_secret):
    lines = []
    client._set_log(lambda level, line: lines.append(line))
    client.set("log_level", "debug")
    client.set("retry.backoff_ms", 1)
    sandbox.fault("echo500", 3)
    with pytest.raises(gamegate.HTTPError) as caught:
        authenticate(client, sandbox)
    assert "cannot handle" in str(caught.value) and "[redacted]" in str(caught.value)
    assert sum("retrying in" in line for line in lines) == 2
    assert_no_secret(str(caught.value), *lines)


def test_retry_after_without_a_deadline_is_bounded(quick, sandbox):
    quick.set("retry.deadline_ms", 0)
    sandbox.fault("http503", 3)  # Retry-After: 120, beyond retry.max_backoff_ms
    with pytest.raises(gamegate.HTTPError, match="Retry-After 120 s") as caught:
        authenticate(quick, sandbox)
    assert caught.value.attempts == 1


def test_retry_options_are_bounded(client):
    for option, value in (("retry.backoff_ms", 8589934590), ("retry.max_backoff_ms", 0),
                          ("retry.attempts", 0), ("retry.attempts", 101),
                          ("max_response_bytes", 0), ("timeout_ms", 10 ** 12)):
        with pytest.raises(gamegate.InvalidArgument, match="from"):
            client.set(option, value)


