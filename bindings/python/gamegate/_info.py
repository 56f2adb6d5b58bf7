"""What the loaded C library says of itself."""

from ._native import lib, text


def version():
    """The loaded C library's version, "MAJOR.MINOR.PATCH"."""
    return text(lib.gg_version())


def strerror(code):
    """The library's one-line description of a GG_* code."""
    return text(lib.gg_strerror(code))
