"""Writes the C source of gamegate's cffi extension (API mode), gamegate._gamegate.

Its declarations are gamegate_ffi.h, generated from include/gamegate.h by
tools/ffi-header, and the source it writes includes the real header: the C
compiler then holds every declaration cffi uses against the library's own,
so a prototype changed in the header reaches the binding at its next build.

usage: build_ffi.py GAMEGATE_FFI_H OUT.c
"""

import sys

from cffi import FFI


def builder(ffi_header, **compile_and_link):
    """An FFI ready to write the extension; compile_and_link (include_dirs,
    libraries, ...) is what setup.py's build needs to compile it too."""
    ffibuilder = FFI()
    with open(ffi_header, encoding="utf-8") as f:
        ffibuilder.cdef(f.read())
    ffibuilder.set_source("gamegate._gamegate", '#include "gamegate.h"', **compile_and_link)
    return ffibuilder


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    builder(sys.argv[1]).emit_c_code(sys.argv[2])
