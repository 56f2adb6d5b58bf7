"""A call's answer as Python reads it, and the one place a C code and
result become a Result or an exception."""

import json

from ._native import ffi, lib, text
from .errors import OUTCOMES, OutOfMemory, error_for


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


def _check(code, out, endpoint=None):
    """The one place that turns a C code and result into a Result or an exception."""
    if out[0] == ffi.NULL:
        raise OutOfMemory(text(lib.gg_strerror(code)), code=code, endpoint=endpoint)
    result = Result(endpoint, out[0])
    if code != lib.GG_OK:
        raise error_for(code, text(lib.gg_result_message(result._ptr)), result.http_status,
                        result.text, endpoint, lib.gg_result_outcome(result._ptr),
                        result.attempts)
    return result
