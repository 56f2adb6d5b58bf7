"""The wheel: the gamegate package and its sandbox, the cffi extension
compiled against include/gamegate.h, and libgamegate.so.0 beside the
extension (found through its $ORIGIN run path), so that an installed wheel
needs neither PYTHONPATH nor GAMEGATE_LIBRARY.

`make wheel` runs it (python3 -m build --wheel --no-isolation) after building
the library; GAMEGATE_BUILD names that build directory (default: ../../build),
which holds lib/libgamegate.so.0 and include/gamegate_ffi.h."""

import os
import re
import shutil
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
BUILD = os.path.abspath(os.environ.get("GAMEGATE_BUILD", os.path.join(TOP, "build")))
LIBRARY = os.path.join(BUILD, "lib", "libgamegate.so.0")

sys.path.insert(0, HERE)
import build_ffi  # noqa: E402  (beside this file)


def version():
    with open(os.path.join(TOP, "include", "gamegate.h"), encoding="utf-8") as f:
        header = f.read()
    return ".".join(re.search(r"#define GG_VERSION_%s (\d+)" % part, header).group(1)
                    for part in ("MAJOR", "MINOR", "PATCH"))


class BuildWithLibrary(build_py):
    """Puts the library the extension links to beside it, in the package."""

    def run(self):
        super().run()
        shutil.copyfile(os.path.realpath(LIBRARY),
                        os.path.join(self.build_lib, "gamegate", "libgamegate.so.0"))


if not os.path.exists(LIBRARY):
    sys.exit("setup.py: %s is missing: build the wheel with `make wheel`" % LIBRARY)

ffibuilder = build_ffi.builder(
    os.path.join(BUILD, "include", "gamegate_ffi.h"),
    include_dirs=[os.path.join(TOP, "include")],
    library_dirs=[os.path.dirname(LIBRARY)],
    libraries=["gamegate"],
    extra_link_args=["-Wl,-rpath,$ORIGIN"])

setup(version=version(),
      ext_modules=[ffibuilder.distutils_extension(tmpdir=os.path.join(BUILD, "python"))],
      cmdclass={"build_py": BuildWithLibrary})
