"""The pythonic layer: Client and Result over the C handles."""

import json
import logging
import os
import threading
import urllib.parse
import weakref

from ._native import ffi, lib, text
from .endpoints import ENDPOINTS, SERVICES
from .errors import OUTCOMES, InvalidArgument, NotFound, OutOfMemory, error_for

LOG_LEVELS = {lib.GG_LOG_ERROR: logging.ERROR, lib.GG_LOG_WARNING: logging.WARNING,
              lib.GG_LOG_INFO: logging.INFO, lib.GG_LOG_DEBUG: logging.DEBUG}


# The parameter names of the endpoint table: only these are ever quoted in a
# message, since a caller's own name could be a key slipped out of place.
_KNOWN_NAMES = frozenset(p.name for e in ENDPOINTS for p in e.params)


def _encode(what, value):
    """A parameter or option value as the C string the library takes. what
    names it in messages and never holds the caller's words; the value is
    never quoted, not even inside a chained exception."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, int):
        value = str(value)
    elif not isinstance(value, (str, bytes)):
        raise InvalidArgument("%s must be a str, int or bool, not %s"
                              % (what, type(value).__name__), code=lib.GG_EINVAL)
    data, utf8 = value, True
    try:
        if isinstance(value, str):
            data = value.encode("utf-8")
        else:
            value.decode("utf-8")
    except UnicodeError:
        utf8 = False
    # Raised outside the except block, so that no UnicodeError, whose args
    # hold the whole value, rides along as the context.
    if not utf8:
        raise InvalidArgument("%s is not valid UTF-8 text" % what, code=lib.GG_EINVAL)
    # C strings end at NUL: "admin\0x" would silently become "admin".
    if b"\0" in data:
        raise InvalidArgument("%s contains a NUL character" % what, code=lib.GG_EINVAL)
    return data


# The names of the table, encoded once: a call encodes only its values.
_ENCODED_NAMES = {name: name.encode() for name in _KNOWN_NAMES}
_ENCODED_NAMES.update({e.name: e.name.encode() for e in ENDPOINTS})


def _encoded_name(name, what):
    encoded = _ENCODED_NAMES.get(name)
    return encoded if encoded is not None else _encode(what, name)


def _encoded_value(value, name, position):
    """The common cases inline; anything else, and every error, by _encode."""
    kind = value.__class__
    if kind is int:
        return str(value).encode()
    if kind is str:
        try:
            data = value.encode("utf-8")
        except UnicodeError:
            data = None
        if data is not None and b"\0" not in data:
            return data
    return _encode(_param_label(name, position), value)


def _params_array(params):
    """Keyword parameters as the C name, value list, in one buffer (one
    allocation however many there are); returns it and its keep-alive."""
    parts = []
    for position, (name, value) in enumerate(params.items(), 1):
        if value is not None:
            name = name[:-1] if name.endswith("_") else name
            parts.append(_encoded_name(name, "a parameter's name"))
            parts.append(_encoded_value(value, name, position))
    data = b"\0".join(parts) + b"\0"
    buffer = ffi.from_buffer(data)
    array = ffi.new("char *[]", len(parts) + 1)
    offset = 0
    for i, part in enumerate(parts):
        array[i] = buffer + offset
        offset += len(part) + 1
    return array, (data, buffer)


def _param_label(name, position):
    return "parameter %r" % name if name in _KNOWN_NAMES else "parameter #%d" % position


def _c_string(name, value):
    """A NUL-terminated copy the caller keeps alive as long as C may read it."""
    return ffi.new("char[]", _encode(name, value))


def _string_array(pairs):
    """A NULL-terminated char *[] of name, value, ...; returns it and its keep-alive list."""
    keep = [_c_string(*item) for item in pairs]
    return ffi.new("char *[]", keep + [ffi.NULL]), keep


def check(code, out, endpoint=None):
    """The one place that turns a C code and result into a Result or an exception."""
    if out[0] == ffi.NULL:
        raise OutOfMemory(text(lib.gg_strerror(code)), code=code, endpoint=endpoint)
    result = Result(endpoint, out[0])
    if code != lib.GG_OK:
        raise error_for(code, text(lib.gg_result_message(result._ptr)), result.http_status,
                        result.text, endpoint, lib.gg_result_outcome(result._ptr),
                        result.attempts)
    return result


def _flatten_options(options, kwargs):
    """Client(kongregate={"api_key": k}, timeout_ms=5000) and
    Client(**{"kongregate.api_key": k}) both name kongregate.api_key."""
    merged = dict(options or {})
    merged.update(kwargs)
    for name, value in merged.items():
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                yield "%s.%s" % (name, sub), sub_value
        else:
            yield name, value


def _c_site(site):
    return ffi.NULL if site is None else _c_string("site", site)


def _form_body(form):
    """A framework's parsed form (a dict), or the raw body, as the bytes C verifies."""
    if isinstance(form, dict):
        if set(form) == {"signed_request"}:
            form = form["signed_request"]
        else:
            # Each field through _encode: a value that is not UTF-8 must not
            # reach urlencode, whose UnicodeError would carry it.
            form = urllib.parse.urlencode({_encode("a callback field's name", k):
                                           _encode("a callback field", v)
                                           for k, v in form.items()})
    if not isinstance(form, (str, bytes)):
        raise InvalidArgument("a callback is a dict, str or bytes", code=lib.GG_EINVAL)
    if isinstance(form, str):
        form = _encode("the callback body", form)
    return form


def _verify(client_ptr, body, api_key):
    data = _form_body(body)
    out = ffi.new("gg_result **")
    code = lib.gg_callback_verify(client_ptr, data, len(data), api_key, out)
    return check(code, out, "callback").json


def verify_callback(form_or_body, api_key):
    """Verifies a callback Kongregate POSTed to the game, from any web
    framework: pass the parsed form (a dict) or the raw body, and the game's
    api_key. Returns the payload (signed events) or the fields but api_key
    (plain events); raises SignatureError if it does not verify."""
    return _verify(ffi.NULL, form_or_body, _c_string("api_key", api_key))


def reply_items(items):
    """The JSON reply to item_order_request: items is a list of dicts with
    name, description, price (whole kreds > 0) and image_url."""
    fields = []
    for item in items:
        for field in ("name", "description", "price", "image_url"):
            if field not in item:
                raise InvalidArgument("an item lacks %r" % field, code=lib.GG_EINVAL)
            fields.append(("item %s" % field, item[field]))
    array, keep = _string_array(fields)
    out = ffi.new("gg_result **")
    return check(lib.gg_callback_reply_items(array, out), out).text


def reply_order(state):
    """The JSON reply to item_order_placed: "completed" or "canceled"."""
    out = ffi.new("gg_result **")
    return check(lib.gg_callback_reply_order(_encode("state", state), out), out).text


def _pointer(key):
    """A member's JSON Pointer, which reaches any name."""
    return ("/" + key.replace("~", "~0").replace("/", "~1")).encode("utf-8")


# Reads of the JSON text of a scalar, by gg_result_type.
_SCALARS = {lib.GG_TYPE_NULL: lambda t: None, lib.GG_TYPE_BOOLEAN: lambda t: t == "true",
            lib.GG_TYPE_NUMBER: lambda t: int(t) if t.lstrip("-").isdigit() else json.loads(t)}

_TYPES = {lib.GG_TYPE_ABSENT: None, lib.GG_TYPE_NULL: "null", lib.GG_TYPE_BOOLEAN: "boolean",
          lib.GG_TYPE_NUMBER: "number", lib.GG_TYPE_STRING: "string",
          lib.GG_TYPE_ARRAY: "array", lib.GG_TYPE_OBJECT: "object"}


class Result:
    """A successful call's answer. `result["username"]` reads the parsed body;
    `result.get("items.0.name")` follows a dotted path (or a JSON Pointer,
    "/items/0/name") and returns the text the C library gives (numbers as
    their JSON text); `result.type(path)` tells null from "null"."""

    __slots__ = ("endpoint", "_ptr", "_json")

    def __init__(self, endpoint, ptr):
        self.endpoint = endpoint
        self._ptr = ffi.gc(ptr, lib.gg_result_free)
        self._json = None

    @property
    def code(self):
        return lib.gg_result_code(self._ptr)

    @property
    def http_status(self):
        return lib.gg_result_http_status(self._ptr)

    @property
    def attempts(self):
        return lib.gg_result_attempts(self._ptr)

    @property
    def outcome(self):
        return OUTCOMES[lib.gg_result_outcome(self._ptr)]

    @property
    def text(self):
        """The normalized body as compact JSON text ("" if there was none)."""
        return text(lib.gg_result_json(self._ptr))

    @property
    def json(self):
        """The normalized body, parsed."""
        if self._json is None:
            body = self.text
            self._json = json.loads(body) if body else None
        return self._json

    def get(self, path, default=None):
        value = text(lib.gg_result_get(self._ptr, path.encode("utf-8")))
        return default if value is None else value

    def type(self, path=""):
        """"null", "boolean", "number", "string", "array" or "object" for the
        value at path, None if there is none (tells null from "null")."""
        return _TYPES[lib.gg_result_type(self._ptr, path.encode("utf-8"))]

    def count(self, path=""):
        return lib.gg_result_count(self._ptr, path.encode("utf-8"))

    def __getitem__(self, key):
        # One member read through the C view, without parsing the whole body.
        if self._json is None and key.__class__ is str:
            kind = lib.gg_result_type(self._ptr, _pointer(key))
            if kind == lib.GG_TYPE_STRING:
                value = text(lib.gg_result_get(self._ptr, _pointer(key)))
                if value is not None:  # None: a string holding NUL, parsed below
                    return value
            elif kind in _SCALARS:
                return _SCALARS[kind](text(lib.gg_result_get(self._ptr, _pointer(key))))
            elif kind == lib.GG_TYPE_ABSENT and lib.gg_result_type(self._ptr, b"") == \
                    lib.GG_TYPE_OBJECT:
                raise KeyError(key)
        return self.json[key]

    def __contains__(self, key):
        return isinstance(self.json, dict) and key in self.json

    def __repr__(self):
        # The body may hold tokens: never shown here.
        return "<gamegate.Result %s http=%d>" % (self.endpoint, self.http_status)


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
        return check(code, out, endpoint)

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
            return check(code, out).json
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
