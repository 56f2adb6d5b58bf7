"""gamegate: server-to-server calls to the Kongregate and KickApps back ends.

    from gamegate import Client, AuthenticationError
    with Client(kongregate={"api_key": API_KEY}) as client:
        player = client.call("kongregate.authenticate",
                             user_id=user_id, game_auth_token=token)
        print(player["username"])

The C library is loaded when a name below is first used, not by `import
gamegate`: the sandbox (`python -m gamegate.sandbox`) lives in this package
but shares nothing with the library it checks, and runs without it. Type
checkers read the same names from __init__.pyi.
"""

import importlib

_HOMES = {
    "Client": "client", "Result": "result", "verify_callback": "callbacks",
    "reply_items": "callbacks", "reply_order": "callbacks", "AsyncClient": "aio",
    "ENDPOINTS": "endpoints", "version": "_info", "strerror": "_info",
    **{name: "errors" for name in (
        "Error", "InvalidArgument", "OutOfMemory", "NetworkError", "Timeout", "TLSError",
        "HTTPError", "ProtocolError", "ServiceError", "AuthenticationError",
        "AccessDenied", "SignatureError", "NotFound", "Cancelled", "StoreError")},
}

__all__ = list(_HOMES)


def __getattr__(name):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError("module 'gamegate' has no attribute %r" % name)
    value = getattr(importlib.import_module("." + home, __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_HOMES))

