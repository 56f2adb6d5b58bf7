"""Attempt events from the C observer (gg_client_set_observer), for metrics
and tracing: client.observe(on_start=..., on_end=...).

on_start(attempt) runs before each attempt is sent and may return headers to
add to it ({"traceparent": ...}); on_end(attempt) runs after it. Both run on
the thread that makes the attempt: the caller's thread for Client calls (so
a tracing library's current span is there), the client's I/O thread for
AsyncClient calls. An Attempt never holds a key, a token or a parameter's
value."""

import logging
import threading

from ._native import ffi, lib, text
from .errors import OUTCOMES

_log = logging.getLogger("gamegate")


class Attempt:
    """One attempt: endpoint, method, path (the template), number (1 for the
    first); once ended also http_status (0: no response), elapsed (seconds),
    bytes (of the response body), code, outcome and retrying."""

    __slots__ = ("ended", "endpoint", "method", "path", "number", "http_status", "elapsed",
                 "bytes", "code", "outcome", "retrying")

    def __init__(self, c_attempt):
        self.ended = lib.gg_attempt_phase(c_attempt) == lib.GG_ATTEMPT_ENDED
        self.endpoint = text(lib.gg_attempt_endpoint(c_attempt))
        self.method = text(lib.gg_attempt_method(c_attempt))
        self.path = text(lib.gg_attempt_path(c_attempt))
        self.number = lib.gg_attempt_number(c_attempt)
        self.http_status = lib.gg_attempt_http_status(c_attempt)
        self.elapsed = lib.gg_attempt_elapsed_us(c_attempt) / 1e6
        self.bytes = lib.gg_attempt_bytes(c_attempt)
        self.code = lib.gg_attempt_code(c_attempt)
        self.outcome = OUTCOMES.get(lib.gg_attempt_outcome(c_attempt), "not_applied")
        self.retrying = bool(lib.gg_attempt_retrying(c_attempt))

    def __repr__(self):
        return "<gamegate.Attempt %s #%d%s>" % (
            self.endpoint, self.number,
            " http=%d %s" % (self.http_status, self.outcome) if self.ended else "")


class Observers:
    """A client's observers, behind the one C callback it installs."""

    def __init__(self):
        self._lock = threading.Lock()
        self._hooks = ()  # (on_start, on_end) pairs; replaced whole, read without the lock

        @ffi.callback("void(void *, gg_attempt *)")
        def deliver(userdata, c_attempt):
            try:
                self._deliver(c_attempt)
            except Exception:  # an exception must not unwind through C
                _log.exception("gamegate: observing an attempt failed")

        self.callback = deliver  # kept alive as long as C may call it

    def add(self, on_start, on_end):
        hook = (on_start, on_end)
        with self._lock:
            self._hooks = self._hooks + (hook,)

        def remove():
            with self._lock:
                self._hooks = tuple(h for h in self._hooks if h is not hook)
        return remove

    def _deliver(self, c_attempt):
        hooks = self._hooks
        if not hooks:
            return
        attempt = Attempt(c_attempt)
        for on_start, on_end in hooks:
            # Each observer on its own: one that fails (a tracer's bug) must
            # not keep the next (the metrics) from seeing the attempt.
            try:
                if not attempt.ended and on_start is not None:
                    self._add_headers(c_attempt, attempt, on_start(attempt) or {})
                elif attempt.ended and on_end is not None:
                    on_end(attempt)
            except Exception:
                _log.exception("gamegate: %s: an observer failed", attempt.endpoint)

    @staticmethod
    def _add_headers(c_attempt, attempt, headers):
        for name, value in headers.items():
            name, value = str(name).encode("utf-8"), str(value).encode("utf-8")
            # C strings end at NUL: "traceparent\0x" would be sent cut short.
            code = (lib.GG_EINVAL if b"\0" in name or b"\0" in value
                    else lib.gg_attempt_add_header(c_attempt, name, value))
            if code != lib.GG_OK:
                # Neither the name nor the value is quoted: either could be a
                # secret put in the wrong place.
                _log.warning("gamegate: %s: an observer's header was refused (%s)",
                             attempt.endpoint, text(lib.gg_strerror(code)))
