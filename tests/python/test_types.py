"""Types: the stubs follow the endpoint table, the generated methods carry
their real signatures, and mypy --strict holds a game's calls to both."""

import inspect
import os
import subprocess

import gamegate
from gamegate import _stubs
from conftest import ROOT

PACKAGE = os.path.join(ROOT, "bindings", "python", "gamegate")


def test_the_committed_stubs_follow_the_endpoint_table():
    assert os.path.exists(os.path.join(PACKAGE, "py.typed"))
    for name, make in _stubs.STUBS.items():
        with open(os.path.join(PACKAGE, name), encoding="utf-8") as f:
            assert f.read() == make(), "%s is stale: run tools/python-stubs" % name


def test_generated_methods_carry_their_signatures():
    with gamegate.Client() as client:
        signature = inspect.signature(client.kongregate.high_scores)
        assert list(signature.parameters)[:2] == ["period", "stat_id"]
        assert signature.parameters["period"].default is inspect.Parameter.empty
        assert signature.parameters["today_page"].default is None
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY
                   for p in signature.parameters.values())
        counts = inspect.signature(client.kongregate.submit_statistics).parameters
        assert counts["counts"].kind is inspect.Parameter.VAR_KEYWORD
        assert "as_" in inspect.signature(client.kickapps.user_profile).parameters


def mypy(tmp_path, source):
    path = tmp_path / "game.py"
    path.write_text(source)
    done = subprocess.run(
        ["mypy", "--strict", "--follow-imports=silent", "--no-incremental",
         "--cache-dir", str(tmp_path / "cache"), str(path)],
        capture_output=True, text=True, timeout=300,
        env=dict(os.environ, MYPYPATH=os.path.join(ROOT, "bindings", "python")))
    return done.returncode, done.stdout


GOOD = '''
import asyncio
import gamegate

def login(client: gamegate.Client, user_id: int, token: str) -> str:
    player = client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
    board = client.kongregate.high_scores(period="weekly", stat_id=7)
    client.kongregate.submit_statistics(user_id=user_id, Kills=3)
    client.kickapps.user_profile(userId="12", as_="92366")
    assert board.http_status == 200
    return str(player["username"])

async def alogin(client: gamegate.AsyncClient, user_id: int, token: str) -> str:
    player = await client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
    return str(player["username"])
'''


def test_mypy_strict_accepts_a_correct_game(tmp_path):
    code, out = mypy(tmp_path, GOOD)
    assert code == 0, out


def test_mypy_strict_rejects_what_the_service_would_refuse(tmp_path):
    code, out = mypy(tmp_path, '''
import gamegate

def wrong(client: gamegate.Client) -> None:
    client.kongregate.authenticat(user_id=1, game_auth_token="t")
    client.kongregate.authenticate(user_id=1)
    client.kongregate.high_scores(period="monthly", stat_id=7)
''')
    assert code == 1
    assert 'has no attribute "authenticat"' in out
    assert 'Missing named argument "game_auth_token"' in out
    assert '"period"' in out and "monthly" in out
