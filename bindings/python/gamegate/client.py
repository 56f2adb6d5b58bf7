"""The pythonic layer: Client and Result over the C handles."""

import json
import threading

from ._native import ffi, lib, text
from .errors import InvalidArgument, OutOfMemory, error_for


def _encode(name, value):
    """A parameter or option value as the C string the library takes."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, int):
        value = str(value)
    elif isinstance(value, bytes):
        value = value.decode("utf-8")
    elif not isinstance(value, str):
        raise InvalidArgument("%s must be a str, int or bool, not %s"
                              % (name, type(value).__name__), code=lib.GG_EINVAL)
    # C strings end at NUL: "admin\0x" would silently become "admin".
    if "\0" in value:
        raise InvalidArgument("%s contains a NUL character" % name, code=lib.GG_EINVAL)
    return value.encode("utf-8")


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


class Result:
    """A successful call's answer. `result["username"]` reads the parsed body;
    `result.get("items.0.name")` follows a dotted path and returns the text
    the C library gives (numbers as their JSON text)."""

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

    def count(self, path=""):
        return lib.gg_result_count(self._ptr, path.encode("utf-8"))

    def __getitem__(self, key):
        return self.json[key]

    def __contains__(self, key):
        return isinstance(self.json, dict) and key in self.json

    def __repr__(self):
        # The body may hold tokens: never shown here.
        return "<gamegate.Result %s http=%d>" % (self.endpoint, self.http_status)


class Client:
    """A connection to both back ends. One Client may be shared by threads:
    calls on it take turns (the C handle serves one call at a time); use one
    Client per thread for parallel calls."""

    def __init__(self, options=None, **kwargs):
        out = ffi.new("gg_client **")
        code = lib.gg_client_new(out)
        if code != lib.GG_OK:
            raise error_for(code, text(lib.gg_strerror(code)))
        self._ptr = ffi.gc(out[0], lib.gg_client_free)
        self._lock = threading.Lock()
        for name, value in _flatten_options(options, kwargs):
            self.set(name, value)

    def set(self, option, value):
        """Sets an option by name (None restores its default)."""
        self._check_open()
        raw = ffi.NULL if value is None else _encode("option %r" % option, value)
        with self._lock:
            code = lib.gg_client_set(self._ptr, _encode("option name", option), raw)
            if code != lib.GG_OK:
                raise error_for(code, text(lib.gg_client_errmsg(self._ptr)))

    def call(self, endpoint, **params):
        """Calls an endpoint by name; returns a Result or raises a gamegate.Error.
        Parameters that are None are left out."""
        self._check_open()
        keep = []
        pointers = []
        for name, value in params.items():
            if value is None:
                continue
            for item in (_encode("parameter name", name), _encode("parameter %r" % name, value)):
                buffer = ffi.new("char[]", item)
                keep.append(buffer)
                pointers.append(buffer)
        pointers.append(ffi.NULL)
        array = ffi.new("char *[]", pointers)
        out = ffi.new("gg_result **")
        with self._lock:
            # cffi releases the GIL for the duration of this call.
            code = lib.gg_call(self._ptr, _encode("endpoint", endpoint), array, out)
        if out[0] == ffi.NULL:
            raise OutOfMemory(text(lib.gg_strerror(code)), code=code, endpoint=endpoint)
        result = Result(endpoint, out[0])
        if code != lib.GG_OK:
            raise error_for(code, text(lib.gg_result_message(result._ptr)),
                            result.http_status, result.text, endpoint)
        return result

    def close(self):
        """Frees the C client and wipes its keys now rather than at collection."""
        with self._lock:
            if self._ptr is not None:
                ffi.release(self._ptr)
                self._ptr = None

    def _check_open(self):
        if self._ptr is None:
            raise InvalidArgument("the client is closed", code=lib.GG_EINVAL)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<gamegate.Client %s>" % ("closed" if self._ptr is None else "open")
