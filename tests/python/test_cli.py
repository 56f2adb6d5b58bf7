"""The command line, run as a user would: python -m gamegate."""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys

from conftest import ROOT


def run(args, sandbox=None, stdin=b"", **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GAMEGATE_")
               or k == "GAMEGATE_LIBRARY"}
    environ["PYTHONPATH"] = os.path.join(ROOT, "bindings", "python")
    if sandbox:
        environ["GAMEGATE_KONGREGATE_BASE_URL"] = sandbox.url
        environ["GAMEGATE_KONGREGATE_API_KEY"] = sandbox.game["api_key"]
    environ.update(env)
    done = subprocess.run([sys.executable, "-m", "gamegate"] + args, input=stdin,
                          capture_output=True, env=environ, timeout=120)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def test_endpoints_lists_every_row_with_its_parameters():
    code, out, _ = run(["endpoints"])
    assert code == 0
    assert "kongregate.authenticate" in out and "game_auth_token*" in out
    code, out, _ = run(["--json", "endpoints"])
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["kongregate.authenticate"]["params"][0] == {
        "name": "user_id", "required": True, "secret": False, "choices": None}
    assert len(rows) > 30


def test_call_takes_keys_from_the_environment_and_exits_with_the_code(sandbox):
    user_id, username, token = sandbox.player()
    code, out, err = run(["--json", "call", "kongregate.authenticate", "user_id=%s" % user_id,
                          "game_auth_token=%s" % token], sandbox)
    assert (code, err) == (0, "")
    assert json.loads(out)["username"] == username

    wrong = "f" * 64
    code, out, err = run(["call", "kongregate.authenticate", "user_id=%s" % user_id,
                          "game_auth_token=%s" % wrong], sandbox)
    assert code == 9  # GG_EAUTH
    assert "authentication" in err or "Invalid" in err
    for secret in (wrong, sandbox.game["api_key"]):
        assert secret not in out + err

    code, out, err = run(["--json", "call", "kongregate.authenticate", "user_id=%s" % user_id],
                         sandbox)
    assert code == 1 and json.loads(out)["outcome"] == "not_applied"
    assert "game_auth_token" in json.loads(out)["message"]


def test_a_malformed_command_line_quotes_nothing(sandbox):
    key = sandbox.game["api_key"]
    for args in (["call", "kongregate.items", key], ["call", "kongregate.items", "-" + key],
                 [key]):
        code, out, err = run(args, sandbox)
        assert code == 64, args
        assert key not in out + err
    assert run(["no-such-command"])[0] == 64


def test_environment_variables_that_are_not_options(sandbox):
    # The project's own tooling sets these: they are not options.
    code, _, err = run(["call", "kongregate.items"], sandbox,
                       GAMEGATE_FFI_HEADER="/x/gamegate_ffi.h", GAMEGATE_BUILD="/x")
    assert (code, err) == (0, "")
    code, out, err = run(["call", "kongregate.items"], sandbox, GAMEGATE_NO_SUCH="s3cr3t")
    assert code == 64
    assert "GAMEGATE_NO_SUCH" in err and "s3cr3t" not in out + err


def test_verify_reads_a_callback_from_stdin(sandbox):
    key = sandbox.game["api_key"]
    payload = base64.urlsafe_b64encode(json.dumps(
        {"algorithm": "HMAC-SHA256", "event": "item_order_placed", "game_id": 1,
         "buyer_id": 2, "recipient_id": 2, "order_id": 7, "order_info": "x"}).encode()
    ).rstrip(b"=")
    mac = base64.urlsafe_b64encode(hmac.new(key.encode(), payload, hashlib.sha256).digest())
    body = b"signed_request=" + mac.rstrip(b"=") + b"." + payload
    code, out, err = run(["--json", "verify"], sandbox, stdin=body)
    assert (code, err) == (0, "")
    assert json.loads(out)["order_id"] == 7
    forged = body[:-2] + (b"A" if body[-2:-1] != b"A" else b"B") + body[-1:]
    code, out, err = run(["verify"], sandbox, stdin=forged)
    assert code == 11  # GG_ESIGNATURE
    assert key not in out + err
