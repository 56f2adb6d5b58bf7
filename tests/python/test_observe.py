"""Observing attempts: events, trace headers, Prometheus metrics."""

import asyncio
import logging

import pytest

import gamegate

TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_every_attempt_is_seen_and_none_holds_a_secret(client, sandbox, assert_no_secret):
    started, ended = [], []
    client.observe(on_start=started.append, on_end=ended.append)
    user_id, _, token = sandbox.player()
    client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
    assert [a.number for a in started] == [1] and not started[0].ended
    (attempt,) = ended
    assert (attempt.endpoint, attempt.method, attempt.path) == (
        "kongregate.authenticate", "GET", "/api/authenticate.json")
    assert (attempt.http_status, attempt.code, attempt.outcome, attempt.retrying) == (
        200, 0, "succeeded", False)
    assert attempt.bytes > 10 and attempt.elapsed > 0
    assert_no_secret(repr(attempt), repr([getattr(attempt, f) for f in attempt.__slots__]))

    ended.clear()
    sandbox.fault("http500")
    client.kongregate.items()
    assert [(a.number, a.http_status, a.retrying) for a in ended] == [(1, 500, True),
                                                                     (2, 200, False)]


def test_on_start_adds_a_trace_header_and_cr_lf_is_refused(client, sandbox, caplog):
    client.observe(on_start=lambda attempt: {"traceparent": TRACE})
    client.kongregate.items()
    assert sandbox.last_request()["headers"]["traceparent"] == TRACE

    client.observe(on_start=lambda attempt: {"X-Note": "a\r\nX-Injected: 1",
                                             "X-Cut\0short": "1", "X-Nul": "a\0b"})
    with caplog.at_level(logging.WARNING, logger="gamegate"):
        client.kongregate.items()  # sent all the same, without that header
    headers = sandbox.last_request()["headers"]
    assert not {"x-injected", "x-note", "x-cut", "x-nul"} & set(headers)
    assert "refused" in caplog.text and "Injected" not in caplog.text


def test_an_observer_is_removed_and_a_failing_one_does_not_break_calls(client, caplog):
    ended = []
    remove = client.observe(on_end=ended.append)
    client.kongregate.items()
    remove()
    client.kongregate.items()
    assert len(ended) == 1

    def broken(attempt):
        raise RuntimeError("observer bug")
    client.observe(on_end=broken)
    client.observe(on_end=ended.append)  # after the broken one, and still served
    with caplog.at_level(logging.ERROR, logger="gamegate"):
        assert client.kongregate.items().http_status == 200
    assert "observer bug" in caplog.text
    assert len(ended) == 2


def test_prometheus_counts_attempts_by_outcome_and_times_them(client, sandbox):
    import prometheus_client
    from gamegate.prometheus import instrument
    registry = prometheus_client.CollectorRegistry()
    instrument(client, registry)
    sandbox.fault("http500")
    client.kongregate.items()
    with pytest.raises(gamegate.InvalidArgument):
        client.kongregate.user_info(user_id="not-a-number")  # refused: never attempted

    def value(name, **labels):
        return registry.get_sample_value(name, labels)
    assert value("gamegate_requests_total", endpoint="kongregate.items",
                 outcome="not_applied") == 1
    assert value("gamegate_requests_total", endpoint="kongregate.items",
                 outcome="succeeded") == 1
    assert value("gamegate_request_duration_seconds_count", endpoint="kongregate.items") == 2
    assert value("gamegate_requests_total", endpoint="kongregate.user_info",
                 outcome="not_applied") is None


def test_async_calls_are_observed_from_the_io_thread(sandbox):
    ended = []

    async def main():
        async with gamegate.AsyncClient(client_options(sandbox)) as client:
            client.observe(on_end=ended.append)
            await asyncio.gather(*(client.kongregate.items() for _ in range(4)))
    asyncio.run(main())
    assert [a.outcome for a in ended] == ["succeeded"] * 4


def client_options(sandbox):
    return dict(sandbox.client_options(), timeout_ms=30000)
