"""The Client: one C client handle, shared by threads, safe across fork()."""

import logging
import os
import threading
import weakref

from ._native import ffi, lib, text
from .callbacks import _verify
from .conversions import _c_site, _encode, _encoded_name, _flatten_options, _params_array
from .endpoints import SERVICES
from .errors import InvalidArgument, NotFound, error_for
from .result import _check

LOG_LEVELS = {lib.GG_LOG_ERROR: logging.ERROR, lib.GG_LOG_WARNING: logging.WARNING,
              lib.GG_LOG_INFO: logging.INFO, lib.GG_LOG_DEBUG: logging.DEBUG}


# Every open Client, so that a forked child can renew their locks: a lock
# that another thread of the parent held at fork() would never be released.
_open_clients = weakref.WeakSet()


def _after_fork_in_child():
    for client in list(_open_clients):
        client._state = threading.Lock()
        client._users = 0  # the threads that were calling are not in the child
        if client._closing:
            client._free()


os.register_at_fork(after_in_child=_after_fork_in_child)


class Client:
    """A connection to both back ends. One Client is meant to be shared: any
    number of threads may call through it at once, each call on a connection
    from the client's pool (option max_connections). It may be made before
    fork(): a child's calls open connections of its own."""

    def __init__(self, options=None, *, sessions_from=None, log=None, **kwargs):
        """Options as nested dicts or dotted names; sessions_from=another Client
        shares that client's session store (thread-safe) with this one; log is
        a logging.Logger (or a callable taking level and message) that receives
        the library's log lines, already cleaned of secrets."""
        out = ffi.new("gg_client **")
        code = lib.gg_client_new(out)
        if code != lib.GG_OK:
            raise error_for(code, text(lib.gg_strerror(code)))
        self._ptr = ffi.gc(out[0], lib.gg_client_free)
        # Guards _ptr, _users and _closing, never a call: the C client is
        # thread-safe, and close() must not free it under a call in flight.
        self._state = threading.Lock()
        self._users = 0
        self._closing = False
        _open_clients.add(self)
        for name, value in _flatten_options(options, kwargs):
            self.set(name, value)
        if sessions_from is not None:
            owner = sessions_from._enter()
            try:
                mine = self._enter()
                try:
                    code = lib.gg_client_share_sessions(mine, owner)
                finally:
                    self._leave()
            finally:
                sessions_from._leave()
            if code != lib.GG_OK:
                raise error_for(code, text(lib.gg_client_errmsg(self._ptr)))
        for service, cls in SERVICES.items():
            setattr(self, service, cls(self, service))
        self._log_callback = None
        self._observers = None
        if log is not None:
            self._set_log(log)

    def _set_log(self, log):
        deliver = log.log if isinstance(log, logging.Logger) else log

        @ffi.callback("void(void *, int, const char *)")
        def on_line(userdata, level, message):
            try:
                deliver(LOG_LEVELS.get(level, logging.INFO), text(message))
            except Exception:  # an exception must not unwind through C
                pass

        self._log_callback = on_line  # kept alive as long as C may call it
        ptr = self._enter()
        try:
            lib.gg_client_set_log(ptr, on_line, ffi.NULL)
        finally:
            self._leave()

    def observe(self, on_start=None, on_end=None):
        """Adds an observer of every attempt (see gamegate.observe): on_start
        may return headers to send with the attempt (a trace context),
        on_end receives what it saw. Returns a function that removes it."""
        if self._observers is None:
            from .observe import Observers
            observers = Observers()
            ptr = self._enter()
            try:
                lib.gg_client_set_observer(ptr, observers.callback, ffi.NULL)
            finally:
                self._leave()
            self._observers = observers
        return self._observers.add(on_start, on_end)

    def set(self, option, value):
        """Sets an option by name (None restores its default). Calls already in
        flight finish with the options they started with."""
        raw = ffi.NULL if value is None else _encode("an option's value", value)
        name = _encode("an option's name", option)
        ptr = self._enter()
        try:
            code = lib.gg_client_set(ptr, name, raw)
            if code != lib.GG_OK:
                raise error_for(code, text(lib.gg_client_errmsg(ptr)))
        finally:
            self._leave()

    def call(self, endpoint, **params):
        """Calls an endpoint by name; returns a Result or raises a gamegate.Error.
        Parameters that are None are left out; a trailing underscore is dropped
        from a name (as_= for the KickApps site id)."""
        array, keep = _params_array(params)
        name = _encoded_name(endpoint, "endpoint")
        out = ffi.new("gg_result **")
        ptr = self._enter()
        try:
            # cffi releases the GIL for the duration of this call.
            code = lib.gg_call(ptr, name, array, out)
        finally:
            self._leave()
        return _check(code, out, endpoint)

    def session(self, service, who, site=None):
        """What the session store remembers of a user (a dict), or None.
        service: "kongregate" (who: user_id) or "kickapps" (who: username or
        userId; site: the as, default the kickapps.as option)."""
        args = _encode("service", service), _c_site(site), _encode("who", who)
        out = ffi.new("gg_result **")
        ptr = self._enter()
        try:
            code = lib.gg_session_get(ptr, *args, out)
        finally:
            self._leave()
        try:
            return _check(code, out).json
        except NotFound:
            return None

    def forget(self, service, who, site=None):
        """Forgets a user's remembered login; False if there was none."""
        args = _encode("service", service), _c_site(site), _encode("who", who)
        ptr = self._enter()
        try:
            code = lib.gg_session_forget(ptr, *args)
            message = text(lib.gg_client_errmsg(ptr))
        finally:
            self._leave()
        if code == lib.GG_ENOTFOUND:
            return False
        if code != lib.GG_OK:
            raise error_for(code, message)
        return True

    def verify_callback(self, body):
        """Verifies a Kongregate callback with this client's api_key (see
        gamegate.verify_callback); a plain invalidate_user_inventory also
        refreshes the user's token in the session store."""
        ptr = self._enter()
        try:
            return _verify(ptr, body, ffi.NULL)
        finally:
            self._leave()

    def close(self):
        """Frees the C client and wipes its keys now rather than at collection
        (once the calls already in flight have finished). Calls made after it
        raise InvalidArgument("the client is closed")."""
        with self._state:
            if self._ptr is None or self._closing:
                return
            self._closing = True
            if self._users:
                return  # the last call in flight frees it
        self._free()

    def _free(self):
        ptr, self._ptr = self._ptr, None
        _open_clients.discard(self)
        if ptr is not None:
            ffi.release(ptr)

    def _enter(self):
        """The C client for one use, which close() will not free under it."""
        with self._state:
            if self._closing or self._ptr is None:
                raise InvalidArgument("the client is closed", code=lib.GG_EINVAL)
            self._users += 1
            return self._ptr

    def _leave(self):
        with self._state:
            self._users -= 1
            last = self._closing and self._users == 0 and self._ptr is not None
        if last:
            self._free()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<gamegate.Client %s>" % ("closed" if self._closing else "open")
