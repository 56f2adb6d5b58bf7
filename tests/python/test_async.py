"""AsyncClient on an event loop (asyncio, and uvloop where installed): the
loop never blocks, one client has many calls in flight, and a cancelled task
cancels its call and says what became of it."""

import asyncio
import threading

import pytest

import gamegate

try:
    import uvloop
except ImportError:  # installed by tools/ensure-deps; skipped only where absent
    uvloop = None

LOOPS = ["asyncio", pytest.param("uvloop", marks=pytest.mark.skipif(
    uvloop is None, reason="python3-uvloop is not installed"))]


def run(kind, coroutine):
    if kind == "uvloop":
        loop = uvloop.new_event_loop()
        try:
            return loop.run_until_complete(coroutine)
        finally:
            loop.close()
    return asyncio.run(coroutine)


def async_client(sandbox, **options):
    return gamegate.AsyncClient(
        kongregate={"base_url": sandbox.url, "api_key": sandbox.game["api_key"]},
        timeout_ms=60000, **options)


async def until_held(sandbox, before):
    """Until one more request than before is held at the sandbox's barrier
    (requests held by earlier tests may still wait out their timeout)."""
    while sandbox.stats()["held"] <= before:
        await asyncio.sleep(0.01)


def second_party(sandbox):
    """A request from another thread, which lets a barrier of two go."""
    with gamegate.Client(kongregate={"base_url": sandbox.url}) as other:
        other.kongregate.user_info(user_id=765)


@pytest.mark.parametrize("kind", LOOPS)
def test_the_loop_keeps_running_while_a_call_is_held(sandbox, kind):
    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        sandbox.control("/_sandbox/barrier?parties=2&timeout=60")
        before = sandbox.stats()["held"]
        async with async_client(sandbox) as client:
            tick = asyncio.ensure_future(ticker())
            call = asyncio.ensure_future(client.kongregate.user_info(user_id=765))
            await until_held(sandbox, before)  # the call is at the sandbox, held
            before = ticks
            await asyncio.sleep(0.3)
            assert not call.done()
            assert ticks > before  # the loop ran while the call was in flight
            await asyncio.get_running_loop().run_in_executor(None, second_party, sandbox)
            assert (await call)["username"] == "KredBuyer"
            tick.cancel()

    run(kind, main())


@pytest.mark.parametrize("kind", LOOPS)
def test_32_calls_in_flight_on_one_client(sandbox, kind):
    async def main():
        sandbox.control("/_sandbox/barrier?parties=32&timeout=60")
        async with async_client(sandbox, max_connections=32) as client:
            results = await asyncio.gather(
                *(client.kongregate.user_info(user_id=765) for _ in range(32)))
        assert [r["username"] for r in results] == ["KredBuyer"] * 32

    run(kind, main())


@pytest.mark.parametrize("kind", LOOPS)
def test_cancelling_a_use_item_in_flight_reports_an_unknown_outcome(sandbox, kind):
    user_id, _, token = sandbox.player()

    async def main():
        async with async_client(sandbox) as client:
            await client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
            sandbox.control("/_sandbox/barrier?parties=2&timeout=5")
            before = sandbox.stats()["held"]
            task = asyncio.ensure_future(client.kongregate.use_item(user_id=user_id, id=101))
            await until_held(sandbox, before)
            task.cancel()
            with pytest.raises(gamegate.Cancelled) as caught:
                await task
            assert isinstance(caught.value, asyncio.CancelledError)
            assert caught.value.outcome == "unknown"  # the request had left
            # ended here, not by the server: the sandbox still holds the request
            assert sandbox.stats()["held"] > before
            # wait_for's timeout cancels the same way, and nothing blocks meanwhile
            sandbox.control("/_sandbox/barrier?parties=2&timeout=5")
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.kongregate.items(), 0.2)

    run(kind, main())


def test_errors_and_sync_methods_on_an_async_client(sandbox):
    async def main():
        async with async_client(sandbox) as client:
            with pytest.raises(gamegate.InvalidArgument, match="user_id"):
                await client.kongregate.user_info(user_id="not-a-number")
            with pytest.raises(gamegate.InvalidArgument, match="unknown endpoint"):
                await client.call("kongregate.no_such_thing")
            assert client.session("kongregate", "765") is None  # not a coroutine
            sandbox.fault("http500", count=1)
            items = await client.kongregate.items()
            assert items.attempts == 2

    asyncio.run(main())


def test_close_waits_for_calls_in_flight(sandbox):
    async def main():
        sandbox.control("/_sandbox/barrier?parties=2&timeout=5")
        before = sandbox.stats()["held"]
        client = async_client(sandbox)
        task = asyncio.ensure_future(client.kongregate.items())
        await until_held(sandbox, before)
        await client.aclose()
        with pytest.raises(asyncio.CancelledError):
            await task
        with pytest.raises(gamegate.InvalidArgument, match="closed"):
            await client.kongregate.items()

    asyncio.run(main())
