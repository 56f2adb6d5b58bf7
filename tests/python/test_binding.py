"""The Python layer itself: options, exceptions, lifetimes, threads, reprs."""

import os
import re
import threading

import pytest

import gamegate
from conftest import ROOT


def test_version_matches_the_header():
    with open(os.path.join(ROOT, "include", "gamegate.h"), encoding="utf-8") as f:
        header = f.read()
    parts = [re.search(r"#define GG_VERSION_%s (\d+)" % p, header).group(1)
             for p in ("MAJOR", "MINOR", "PATCH")]
    assert gamegate.version() == ".".join(parts)


@pytest.mark.parametrize("cls, builtin", [
    (gamegate.InvalidArgument, ValueError),
    (gamegate.OutOfMemory, MemoryError),
    (gamegate.NetworkError, ConnectionError),
    (gamegate.Timeout, TimeoutError),
    (gamegate.TLSError, ConnectionError),
    (gamegate.AuthenticationError, PermissionError),
    (gamegate.AccessDenied, PermissionError),
])
def test_exceptions_are_also_builtins(cls, builtin):
    assert issubclass(cls, gamegate.Error) and issubclass(cls, builtin)
    error = cls("what happened", code=cls.code)
    assert str(error) == "what happened"  # OSError subclasses keep the plain text
    assert error.code == cls.code


def test_every_code_has_its_own_class_and_text():
    classes = [gamegate.InvalidArgument, gamegate.OutOfMemory, gamegate.NetworkError,
               gamegate.Timeout, gamegate.TLSError, gamegate.HTTPError, gamegate.ProtocolError,
               gamegate.ServiceError, gamegate.AuthenticationError, gamegate.AccessDenied]
    assert sorted(c.code for c in classes) == list(range(1, 11))
    assert len({gamegate.strerror(code) for code in range(0, 11)}) == 11


def test_options_by_nested_dict_or_dotted_name(sandbox):
    user_id, username, token = sandbox.player()
    with gamegate.Client(**{"kongregate.base_url": sandbox.url,
                            "kongregate.api_key": sandbox.game["api_key"]}) as dotted:
        assert dotted.call("kongregate.authenticate", user_id=user_id,
                           game_auth_token=token)["username"] == username
    with gamegate.Client({"kongregate": {"base_url": sandbox.url}},
                         kongregate={"api_key": sandbox.game["api_key"],
                                     "base_url": sandbox.url}) as nested:
        assert nested.call("kongregate.authenticate", user_id=user_id,
                           game_auth_token=token)["username"] == username


def test_bad_options(sandbox):
    with pytest.raises(gamegate.InvalidArgument, match="did you mean 'kongregate.api_key'"):
        gamegate.Client(**{"kongregate.apikey": "x"})
    client = gamegate.Client()
    with pytest.raises(gamegate.InvalidArgument, match="timeout_ms"):
        client.set("timeout_ms", "soon")
    with pytest.raises(gamegate.InvalidArgument):
        client.set("kickapps.base_url", "file:///etc/passwd")
    with pytest.raises(gamegate.InvalidArgument, match="NUL"):
        client.set("user_agent", "a\0b")
    with pytest.raises(gamegate.InvalidArgument):
        client.set("user_agent", ["not", "text"])
    client.set("timeout_ms", 1500)
    client.set("timeout_ms", None)
    client.close()


def test_values_are_refused_before_anything_is_sent():
    # Nothing listens on port 1: reaching the network would be a NetworkError.
    with gamegate.Client(kongregate={"base_url": "http://127.0.0.1:1", "api_key": "k" * 36}) as c:
        for bad in ("1\0", "1\r\n", ["1"], 1.5):
            with pytest.raises(gamegate.InvalidArgument):
                c.call("kongregate.authenticate", user_id=bad, game_auth_token="t" * 64)


def test_none_parameters_are_left_out(client, sandbox):
    user_id, username, token = sandbox.player()
    result = client.call("kongregate.authenticate", user_id=user_id, game_auth_token=token,
                         api_key=None)
    assert result["username"] == username


def test_closed_client(sandbox):
    client = gamegate.Client(kongregate={"base_url": sandbox.url})
    with client:
        pass
    assert "closed" in repr(client)
    with pytest.raises(gamegate.InvalidArgument, match="closed"):
        client.call("kongregate.authenticate", user_id=1, game_auth_token="t")
    client.close()  # twice is harmless


def test_results_outlive_their_client(sandbox):
    user_id, username, token = sandbox.player()
    with gamegate.Client(kongregate={"base_url": sandbox.url,
                                     "api_key": sandbox.game["api_key"]}) as client:
        result = client.call("kongregate.authenticate", user_id=user_id, game_auth_token=token)
    assert result["username"] == username
    assert result.get("username") == username


def test_reprs_hold_no_secret(client, sandbox, assert_no_secret):
    user_id, _, token = sandbox.player()
    result = client.call("kickapps.create_token", username=sandbox.member["username"])
    assert_no_secret(repr(client), repr(result))
    assert result["TOKEN"] not in repr(result)


def test_calls_run_in_parallel_without_the_gil(sandbox):
    """The sandbox holds both requests until both have arrived: if a call
    kept the GIL, the second could not start and the barrier would time out."""
    user_id, username, token = sandbox.player()
    sandbox.control("/_sandbox/barrier?parties=2&timeout=60")
    outcomes = []

    def authenticate():
        with gamegate.Client(kongregate={"base_url": sandbox.url,
                                         "api_key": sandbox.game["api_key"]}) as c:
            try:
                outcomes.append(c.call("kongregate.authenticate", user_id=user_id,
                                       game_auth_token=token)["username"])
            except gamegate.Error as e:
                outcomes.append(e)

    threads = [threading.Thread(target=authenticate) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == [username, username]


def test_one_client_shared_by_threads(client, sandbox):
    user_id, username, token = sandbox.player()
    names = []

    def work():
        for _ in range(10):
            names.append(client.call("kongregate.authenticate", user_id=user_id,
                                     game_auth_token=token)["username"])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert names == [username] * 40


def test_the_compiled_binding_has_every_function_of_the_header():
    # The extension is built from the header: a function added there and
    # missing here means the binding was built from another header.
    from gamegate._native import lib
    with open(os.path.join(ROOT, "include", "gamegate.h"), encoding="utf-8") as f:
        declared = set(re.findall(r"\bGG_EXTERN\b[^;(]*?\b(gg_\w+)\s*\(", f.read()))
    assert len(declared) > 40
    assert declared - set(dir(lib)) == set()
