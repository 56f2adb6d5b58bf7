"""A local stand-in for the Kongregate and KickApps back ends, written from
their documentation (../shared/reference in the gamegate repository) and
sharing nothing with the client library it is used to test.

Run it with `python3 -m gamegate.sandbox --port 8080`."""

from .server import SandboxServer
from .state import SEED_PATH

__all__ = ["SandboxServer", "SEED_PATH"]
