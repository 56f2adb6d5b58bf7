"""Kongregate's callbacks to the game: verifying what it POSTs, and the
replies it expects."""

import urllib.parse

from ._native import ffi, lib
from .conversions import _c_string, _encode, _string_array
from .errors import InvalidArgument
from .result import _check


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
    return _check(code, out, "callback").json


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
    return _check(lib.gg_callback_reply_items(array, out), out).text


def reply_order(state):
    """The JSON reply to item_order_placed: "completed" or "canceled"."""
    out = ffi.new("gg_result **")
    return _check(lib.gg_callback_reply_order(_encode("state", state), out), out).text
