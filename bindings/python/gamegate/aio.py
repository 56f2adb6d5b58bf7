"""gamegate on asyncio: AsyncClient, whose calls never block the loop.

    async with gamegate.AsyncClient(kongregate={"api_key": API_KEY}) as client:
        player = await client.kongregate.authenticate(user_id=uid, game_auth_token=token)

Calls run on the C client's connections, driven by its I/O thread; the loop
watches one file descriptor for their completions. Works under uvloop too.
A task cancelled while awaiting a call (task.cancel(), asyncio.wait_for)
cancels the call and raises gamegate.Cancelled, an asyncio.CancelledError
that says what became of it (outcome "unknown" when a state change had
already been sent)."""

import asyncio
import itertools

from ._native import ffi, lib, text
from .client import Client
from .conversions import _encode, _params_array
from .result import _check
from .errors import Cancelled, error_for


class AsyncClient(Client):
    """A Client whose call() and generated endpoint methods are coroutines.
    The session, forget, set and verify_callback methods stay plain calls:
    they never touch the network. Use one AsyncClient from one event loop."""

    def __init__(self, options=None, **kwargs):
        self._waiting = {}  # key -> (future, endpoint)
        self._keys = itertools.count(1)
        self._loop = None
        super().__init__(options, **kwargs)

    async def call(self, endpoint, **params):
        """Calls an endpoint by name; returns a Result or raises a gamegate.Error."""
        loop = asyncio.get_running_loop()
        array, keep = _params_array(params)
        name = _encode("endpoint", endpoint)
        ptr = self._enter()  # released when the call completes, in _drain
        try:
            self._watch(loop, ptr)
            key = next(self._keys)
            future = loop.create_future()
            out = ffi.new("gg_pending **")
            code = lib.gg_call_start(ptr, name, array, ffi.cast("void *", key), out)
        except BaseException:
            self._leave()
            raise
        if code != lib.GG_OK:
            self._leave()
            raise error_for(code, text(lib.gg_strerror(code)))
        pending = out[0]
        self._waiting[key] = (future, endpoint, pending)
        try:
            return await future
        except asyncio.CancelledError:
            if key not in self._waiting:  # it had completed: nothing left to cancel
                raise
            # The call goes on in C: cancel it, and await what that brings
            # back (at once) on a future of its own.
            future = loop.create_future()
            self._waiting[key] = (future, endpoint, pending)
            lib.gg_pending_cancel(pending)
            try:
                result = await future
            except Cancelled:
                raise
            except Exception as error:
                raise Cancelled(str(error), endpoint=endpoint,
                                outcome=getattr(error, "outcome", "not_applied")) from None
            raise Cancelled("%s: canceled after it completed" % endpoint, endpoint=endpoint,
                            outcome=result.outcome, attempts=result.attempts) from None

    def _watch(self, loop, ptr):
        if self._loop is loop:
            return
        if self._loop is not None and self._loop.is_closed():
            self._loop = None  # an earlier asyncio.run() has ended
        if self._loop is not None:
            raise RuntimeError("an AsyncClient serves one event loop at a time")
        fd = ffi.new("int *")
        code = lib.gg_client_fd(ptr, fd)
        if code != lib.GG_OK:
            raise error_for(code, "cannot make the client's completion fd")
        loop.add_reader(fd[0], self._drain)
        self._loop, self._fd = loop, fd[0]

    def _drain(self):
        """Hands every completed call to the future awaiting it."""
        ptr = self._ptr
        while ptr is not None:
            out = ffi.new("gg_pending **")
            lib.gg_client_next_done(ptr, out)
            if out[0] == ffi.NULL:
                return
            key = int(ffi.cast("intptr_t", lib.gg_pending_userdata(out[0])))
            result = ffi.new("gg_result **")
            code = lib.gg_pending_finish(out[0], result)
            future, endpoint, _ = self._waiting.pop(key)
            try:
                value = _check(code, result, endpoint)
            except BaseException as error:  # Cancelled is one
                if not future.done():
                    future.set_exception(error)
            else:
                if not future.done():
                    future.set_result(value)
            self._leave()  # may free the C client: read self._ptr again
            ptr = self._ptr

    def _free(self):
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._fd)
        self._loop = None
        super()._free()

    async def aclose(self):
        """Cancels the calls still under way, waits for them to end, and frees
        the C client."""
        waiting = list(self._waiting.values())
        for _, _, pending in waiting:
            lib.gg_pending_cancel(pending)
        await asyncio.gather(*(future for future, _, _ in waiting), return_exceptions=True)
        self.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.aclose()
