# The names `import gamegate` gives, for type checkers (__init__.py loads
# them lazily, which a checker cannot follow).
from ._info import strerror as strerror, version as version
from .aio import AsyncClient as AsyncClient
from .callbacks import (reply_items as reply_items, reply_order as reply_order,
                        verify_callback as verify_callback)
from .client import Client as Client
from .endpoints import ENDPOINTS as ENDPOINTS
from .errors import (AccessDenied as AccessDenied, AuthenticationError as AuthenticationError,
                     Cancelled as Cancelled, Error as Error, HTTPError as HTTPError,
                     InvalidArgument as InvalidArgument, NetworkError as NetworkError,
                     NotFound as NotFound, OutOfMemory as OutOfMemory,
                     ProtocolError as ProtocolError, ServiceError as ServiceError,
                     SignatureError as SignatureError, StoreError as StoreError,
                     Timeout as Timeout, TLSError as TLSError)
from .result import Result as Result
