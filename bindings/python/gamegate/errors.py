"""One exception hierarchy, rooted at gamegate.Error, one class per code.

Where a builtin means the same thing the class derives from it too, so that
`except ConnectionError` or `except PermissionError` work as expected."""

import asyncio
import json

from ._native import lib


OUTCOMES = {lib.GG_OUTCOME_SUCCEEDED: "succeeded", lib.GG_OUTCOME_NOT_APPLIED: "not_applied",
            lib.GG_OUTCOME_UNKNOWN: "unknown"}


class _Failure:
    """What every gamegate exception carries; see Error."""

    code = None

    def __init__(self, message, code=None, http_status=0, fields=None, endpoint=None,
                 outcome="not_applied", attempts=0):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.http_status = http_status
        self.fields = fields
        self.endpoint = endpoint
        self.outcome = outcome
        self.attempts = attempts

    def __str__(self):
        return self.message


class Error(_Failure, Exception):
    """A gamegate failure: `code` (a GG_E* number), `message` (never holding
    a key or token), `http_status` (0 if no response), `fields` (the
    service's own response body, parsed, or None), `endpoint`, `attempts`,
    and `outcome`: "not_applied" (safe to send again) or "unknown" (a state
    change may have happened: reconcile, e.g. with user_items, first)."""

    def __repr__(self):
        return "%s(%r, code=%r)" % (type(self).__name__, self.message, self.code)


class InvalidArgument(Error, ValueError):
    code = lib.GG_EINVAL


class OutOfMemory(Error, MemoryError):
    code = lib.GG_ENOMEM


class NetworkError(Error, ConnectionError):
    code = lib.GG_ENETWORK


class Timeout(Error, TimeoutError):
    code = lib.GG_ETIMEOUT


class TLSError(NetworkError):
    code = lib.GG_ETLS


class HTTPError(Error):
    code = lib.GG_EHTTP


class ProtocolError(Error):
    code = lib.GG_EPROTOCOL


class ServiceError(Error):
    code = lib.GG_ESERVICE


class AuthenticationError(ServiceError, PermissionError):
    code = lib.GG_EAUTH


class AccessDenied(ServiceError, PermissionError):
    code = lib.GG_EDENIED


class SignatureError(Error, ValueError):
    """A callback whose signature or api_key does not verify: do not act on it."""
    code = lib.GG_ESIGNATURE


class NotFound(Error, LookupError):
    """The session store holds nothing for that user."""
    code = lib.GG_ENOTFOUND


class Cancelled(_Failure, asyncio.CancelledError):
    """An asynchronous call ended by the cancellation of the task awaiting it
    (task.cancel(), asyncio.wait_for's timeout). It is a CancelledError, so
    that asyncio treats it as one, and says what became of the call:
    `outcome` "not_applied", "unknown" (a state change's request had left:
    reconcile before sending it again) or "succeeded" (it completed first)."""

    code = lib.GG_ECANCELED


class StoreError(Error):
    """The store session.store names could not be read or written (an SQLite
    file that is locked too long or on a full disk, ...): nothing was recorded,
    so a callback that fails so must be answered with an error, for
    Kongregate to deliver it again."""
    code = lib.GG_ESTORE


_BY_CODE = {cls.code: cls for cls in (
    InvalidArgument, OutOfMemory, NetworkError, Timeout, TLSError, HTTPError,
    ProtocolError, ServiceError, AuthenticationError, AccessDenied, SignatureError, NotFound,
    Cancelled, StoreError)}


def error_for(code, message, http_status=0, body=None, endpoint=None, outcome=None,
              attempts=0):
    fields = None
    if body:
        try:
            fields = json.loads(body)
        except ValueError:
            fields = None
    cls = _BY_CODE.get(code, Error)
    return cls(message, code=code, http_status=http_status, fields=fields, endpoint=endpoint,
               outcome=OUTCOMES.get(outcome, "not_applied"), attempts=attempts)
