"""tools/ffi-header: the declarations of a header, for FFIs, or a refusal."""

import os
import re
import subprocess
import sys

from conftest import ROOT

TOOL = os.path.join(ROOT, "tools", "ffi-header")


def generate(tmp_path, text):
    header = tmp_path / "h.h"
    header.write_text(text)
    done = subprocess.run([sys.executable, TOOL, str(header)], capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def test_the_real_header_keeps_every_function_and_loses_every_directive(tmp_path):
    with open(os.path.join(ROOT, "include", "gamegate.h"), encoding="utf-8") as f:
        header = f.read()
    code, out, _ = generate(tmp_path, header)
    assert code == 0
    declared = re.findall(r"\bGG_EXTERN\b[^;(]*?\b(gg_\w+)\s*\(", header)
    assert set(re.findall(r"\b(gg_\w+)\s*\(", out)) >= set(declared)
    assert "#" not in out and "GG_EXTERN" not in out and "<<" not in out
    assert "GG_PARAM_FROM_SESSION = 128" in out and "GG_VERSION_MAJOR = " in out


def test_comments_of_both_kinds_hide_nothing(tmp_path):
    code, out, _ = generate(tmp_path, "#ifndef H\n#define H\n// see /* here\nint gg_a(void);\n"
                                      "int gg_b(void); /* // */ int gg_c(void);\n#endif\n")
    assert code == 0
    assert all(name in out for name in ("gg_a", "gg_b", "gg_c"))


def test_what_cannot_be_carried_over_unchanged_is_refused(tmp_path):
    for text, why in [
            ("#if defined(_WIN32)\nint gg_w(void);\n#else\nint gg_p(void);\n#endif\n",
             "under #if"),
            ("#define GG_FLAG 0x10\n", "not a decimal constant"),
            ("#define GG_FLAG (1 << 2)\n", "not a decimal constant"),
            ("#if X\n", "never closed")]:
        code, _, err = generate(tmp_path, text)
        assert code != 0 and why in err, (text, err)
