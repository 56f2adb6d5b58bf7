"""The C ABI through cffi's compiled extension, and which libgamegate it uses.

gamegate._gamegate is built in cffi's API mode against include/gamegate.h
(bindings/python/build_ffi.py), so its declarations are the header's own and
a call costs what a C call costs, not a trip through libffi. The extension
needs libgamegate.so.0: GAMEGATE_LIBRARY (a path) chooses which, else the
copy built in this checkout, else the one beside the extension (a wheel's)
or the system's. The chosen file is loaded first: the dynamic linker then
gives the extension that one, as it already holds a library of that SONAME.
"""

import ctypes
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    explicit = os.environ.get("GAMEGATE_LIBRARY")
    if explicit:
        return [explicit]
    top = os.path.normpath(os.path.join(_HERE, "..", "..", ".."))
    if not os.path.exists(os.path.join(top, "include", "gamegate.h")):
        return []  # installed, not in a checkout: the extension finds its own
    return [os.path.join(top, "build", "lib", "libgamegate.so.0")]


def _preload():
    for path in _candidates():
        if not os.path.exists(path):
            if os.environ.get("GAMEGATE_LIBRARY"):
                raise ImportError("gamegate: GAMEGATE_LIBRARY names no file: %s" % path)
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            raise ImportError("gamegate: cannot load %s (%s)" % (path, e)) from None
    return None


_library = _preload()  # kept: the extension's library must not be unloaded

try:
    from ._gamegate import ffi, lib
except ImportError as e:
    raise ImportError("gamegate: the compiled binding is missing or cannot find "
                      "libgamegate.so.0 (%s). Build it with `make python`, or set "
                      "GAMEGATE_LIBRARY." % e) from None


def text(cdata):
    """A C string from the library as str (NULL as None)."""
    if cdata == ffi.NULL:
        return None
    return ffi.string(cdata).decode("utf-8", errors="replace")
