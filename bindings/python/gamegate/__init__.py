"""gamegate: server-to-server calls to the Kongregate and KickApps back ends.

    from gamegate import Client, AuthenticationError
    with Client(kongregate={"api_key": API_KEY}) as client:
        player = client.call("kongregate.authenticate",
                             user_id=user_id, game_auth_token=token)
        print(player["username"])
"""

from ._native import lib as _lib, text as _text
from .aio import AsyncClient
from .client import Client, Result, reply_items, reply_order, verify_callback
from .endpoints import ENDPOINTS
from .errors import (AccessDenied, AuthenticationError, Cancelled, Error, HTTPError,
                     InvalidArgument, NetworkError, NotFound, OutOfMemory, ProtocolError,
                     ServiceError, SignatureError, Timeout, TLSError)

__all__ = [
    "Client", "AsyncClient", "Result", "ENDPOINTS", "version", "strerror",
    "verify_callback", "reply_items", "reply_order",
    "Error", "InvalidArgument", "OutOfMemory", "NetworkError", "Timeout", "TLSError",
    "HTTPError", "ProtocolError", "ServiceError", "AuthenticationError", "AccessDenied",
    "SignatureError", "NotFound", "Cancelled",
]


def version():
    """The loaded C library's version, "MAJOR.MINOR.PATCH"."""
    return _text(_lib.gg_version())


def strerror(code):
    return _text(_lib.gg_strerror(code))
