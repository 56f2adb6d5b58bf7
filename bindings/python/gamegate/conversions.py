"""Python values as the C strings and arrays the library takes: every
parameter, option and callback field passes here, and no message written
here ever quotes the caller's value. Internal to the package."""

from ._native import ffi, lib
from .endpoints import ENDPOINTS
from .errors import InvalidArgument


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
