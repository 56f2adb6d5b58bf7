"""The type stubs of the endpoint methods, written from the endpoint table:
client.pyi and aio.pyi. tools/python-stubs writes them into the package;
a test fails when the table and the committed stubs differ.

Each method takes its parameters as keywords, as its __signature__ says: a
required one has no default, a value with choices is a Literal, a whole
number an int (or its digits), and a parameter the client can fill in (a key
from the options, a token from the session store, one of a one-of group) is
optional."""

from ._native import lib
from .endpoints import ENDPOINTS, SERVICES


def annotation(param):
    if param.choices:
        return "Literal[%s]" % ", ".join(repr(c) for c in param.choices.split("|"))
    if param.flags & lib.GG_PARAM_COUNT:
        return "Count"
    return "Value"


def signature(endpoint, returns):
    """The stub of one method, in the order of its __signature__."""
    params = sorted(endpoint.params, key=lambda p: not p.must_be_given)
    parts = ["self", "*"] + [
        "%s: %s" % (p.python_name, annotation(p)) if p.must_be_given
        else "%s: Optional[%s] = None" % (p.python_name, annotation(p)) for p in params]
    if endpoint.takes_counts:
        parts.append("**counts: int")
    if len(parts) == 2:
        parts.pop()  # no parameters: no bare *
    return "    def %s(%s) -> %s: ..." % (endpoint.method_name, ", ".join(parts), returns)


def service_classes(prefix, returns):
    lines = []
    for service in SERVICES:
        lines += ["", "", "class %s%sService:" % (prefix, service.capitalize())]
        lines += [signature(e, returns) for e in ENDPOINTS if e.service == service]
    return lines


HEADER = "# Generated from the endpoint table by tools/python-stubs: do not edit.\n"

CLIENT = '''
import logging
from types import TracebackType
from typing import Any, Callable, Dict, Iterator, List, Literal, Mapping, Optional, Type, Union

from .observe import Attempt
from .result import Result

Value = Union[str, int, bool]
Count = Union[int, str]  # a whole number, or its digits
Options = Mapping[str, Any]
'''

CLIENT_CLASS = '''

class Client:
{services}
    def __init__(self, options: Optional[Options] = None, *,
                 sessions_from: Optional["Client"] = None,
                 log: Union[logging.Logger, Callable[[int, str], Any], None] = None,
                 **kwargs: Any) -> None: ...
    def set(self, option: str, value: Optional[Value]) -> None: ...
    def observe(self, on_start: Optional[Callable[[Attempt], Optional[Mapping[str, str]]]] = None,
                on_end: Optional[Callable[[Attempt], Any]] = None) -> Callable[[], None]: ...
    def call(self, endpoint: str, **params: Any) -> Result: ...
    def session(self, service: str, who: Value,
                site: Optional[Value] = None) -> Optional[Dict[str, Any]]: ...
    def forget(self, service: str, who: Value, site: Optional[Value] = None) -> bool: ...
    def verify_callback(self, body: Union[Mapping[str, str], str, bytes]) -> Dict[str, Any]: ...
    def close(self) -> None: ...
    def __enter__(self) -> "Client": ...
    def __exit__(self, kind: Optional[Type[BaseException]], error: Optional[BaseException],
                 trace: Optional[TracebackType]) -> None: ...
'''

AIO = '''
from types import TracebackType
from typing import Any, Awaitable, Literal, Optional, Type, Union

from .client import Client, Count, Options, Value
from .result import Result
'''

AIO_CLASS = '''

class AsyncClient(Client):
{services}
    def __init__(self, options: Optional[Options] = None, **kwargs: Any) -> None: ...
    async def call(self, endpoint: str, **params: Any) -> Result: ...  # type: ignore[override]
    async def aclose(self) -> None: ...
    async def __aenter__(self) -> "AsyncClient": ...
    async def __aexit__(self, kind: Optional[Type[BaseException]],
                        error: Optional[BaseException],
                        trace: Optional[TracebackType]) -> None: ...
'''


def attributes(prefix):
    return "\n".join("    %s: %s%sService  # type: ignore[assignment]" % (
        s, prefix, s.capitalize()) if prefix else "    %s: %sService" % (s, s.capitalize())
        for s in SERVICES)


def client_stub():
    return (HEADER + CLIENT + "\n".join(service_classes("", "Result")) + "\n"
            + CLIENT_CLASS.format(services=attributes("")))


def aio_stub():
    return (HEADER + AIO + "\n".join(service_classes("Async", "Awaitable[Result]")) + "\n"
            + AIO_CLASS.format(services=attributes("Async")))


STUBS = {"client.pyi": client_stub, "aio.pyi": aio_stub}
