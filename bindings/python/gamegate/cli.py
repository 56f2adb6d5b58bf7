"""The command line: `python -m gamegate` (or the `gamegate` script).

    gamegate endpoints [--json]                  every endpoint and its parameters
    gamegate call ENDPOINT [NAME=VALUE ...] [--json]
    gamegate verify < body                       a Kongregate callback, from stdin

Options, keys included, come from the environment, never from the command
line where `ps` and shell histories keep them: GAMEGATE_<OPTION> in capitals,
the first dot as an underscore (GAMEGATE_KONGREGATE_API_KEY for
kongregate.api_key, GAMEGATE_TIMEOUT_MS for timeout_ms). Nothing the
environment holds is ever printed, nor any argument it cannot read. The exit
status is the call's GG_* code (0 on success), 64 for a command line or a
GAMEGATE_* variable that cannot be read.
"""

import argparse
import json
import os
import sys

from .client import Client
from .endpoints import ENDPOINTS
from .errors import Error

GROUPS = ("kongregate_", "kickapps_", "session_", "retry_")
# GAMEGATE_* variables that are not options: where the library and the FFI
# header are, and the build directory the wheel is made from.
NOT_OPTIONS = {"GAMEGATE_LIBRARY", "GAMEGATE_FFI_HEADER", "GAMEGATE_BUILD"}
USAGE_ERROR = 64  # EX_USAGE


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        # argparse quotes what it could not read, and that could be a key
        # typed in the wrong place: only the usage is shown.
        self.print_usage(sys.stderr)
        raise UsageError()


def client_from_environment(environ):
    """A Client with every GAMEGATE_* option of environ; a variable that names
    no option is a usage error that names the variable (never its value)."""
    client = Client()
    for variable, value in sorted(environ.items()):
        if not variable.startswith("GAMEGATE_") or variable in NOT_OPTIONS:
            continue
        name = variable[len("GAMEGATE_"):].lower()
        if name.startswith(GROUPS):
            name = name.replace("_", ".", 1)
        try:
            client.set(name, value)
        except Error as error:
            client.close()
            raise UsageError("%s: %s" % (variable, error.message)) from None
    return client


def list_endpoints(as_json):
    if as_json:
        print(json.dumps([{"name": e.name, "method": e.method, "path": e.path,
                           "summary": e.summary, "retry_safe": e.retry_safe,
                           "params": [{"name": p.name, "required": p.required,
                                       "secret": p.secret, "choices": p.choices}
                                      for p in e.params]}
                          for e in ENDPOINTS], indent=2))
        return 0
    for e in ENDPOINTS:
        params = ", ".join(p.name + ("*" if p.required else "") for p in e.params)
        print("%-36s %-4s %-44s %s" % (e.name, e.method, e.path, params))
    return 0


def report(error, as_json):
    if as_json:
        print(json.dumps({"code": error.code, "message": error.message,
                          "outcome": error.outcome, "http_status": error.http_status}))
    else:
        print("gamegate: %s (outcome: %s)" % (error.message, error.outcome), file=sys.stderr)
    return error.code


def call(endpoint, pairs, as_json):
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            # The text could be a key typed in the wrong place: not repeated.
            print("gamegate: each parameter is NAME=VALUE (argument #%d is not)"
                  % (pairs.index(pair) + 1), file=sys.stderr)
            return USAGE_ERROR
        params[name] = value
    try:
        with client_from_environment(os.environ) as client:
            result = client.call(endpoint, **params)
    except Error as error:
        return report(error, as_json)
    print(json.dumps(result.json, indent=None if as_json else 2))
    return 0


def verify(as_json):
    body = sys.stdin.buffer.read()
    try:
        with client_from_environment(os.environ) as client:
            payload = client.verify_callback(body)
    except Error as error:
        return report(error, as_json)
    print(json.dumps(payload, indent=None if as_json else 2))
    return 0


def main(argv=None):
    try:
        status = run(argv)
        sys.stdout.flush()
    except UsageError as error:
        if str(error):
            print("gamegate: %s" % error, file=sys.stderr)
        status = USAGE_ERROR
    except BrokenPipeError:
        # The reader (head, grep -q) has gone: nothing of ours failed.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 0
    return status


def run(argv):
    parser = Parser(
        prog="gamegate", description="Kongregate and KickApps calls from the command line.",
        epilog="Options and keys come from GAMEGATE_* environment variables "
               "(GAMEGATE_KONGREGATE_API_KEY, ...); the exit status is the GG_* code.")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    commands.add_parser("endpoints", help="list every endpoint and its parameters")
    one = commands.add_parser("call", help="call an endpoint")
    one.add_argument("endpoint")
    one.add_argument("params", nargs="*", metavar="NAME=VALUE")
    commands.add_parser("verify", help="verify a Kongregate callback body read from stdin")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help
        return USAGE_ERROR if exit.code else 0
    if args.command == "endpoints":
        return list_endpoints(args.json)
    if args.command == "call":
        return call(args.endpoint, args.params, args.json)
    return verify(args.json)
