"""gamegate where game servers run it: one Client shared by request threads,
made before fork() in a pre-fork server, results cached and read by many
threads, and clients closed while others still call."""

import os
import threading

import pytest

import gamegate


def question(sandbox, which):
    """A user_info question only one process asks: the players whose bits are
    set in which; the answer names exactly them."""
    users = [u for i, u in enumerate(sandbox.seed["kongregate"]["users"]) if which & (1 << i)]
    return ",".join(str(u["user_id"]) for u in users), [u["username"] for u in users]


def ask(client, sandbox, which):
    ids, names = question(sandbox, which)
    result = client.kongregate.user_info(user_ids=ids)
    return [u["username"] for u in result["users"]] == names


def test_children_of_a_fork_get_only_their_own_answers(client, sandbox):
    for _ in range(3):
        assert ask(client, sandbox, 1)  # the parent holds a kept-alive connection
        before = sandbox.stats()["connections"]
        children = []
        for which in (2, 3, 4, 5):
            pid = os.fork()
            if pid == 0:  # a child: no pytest past this point
                try:
                    wrong = sum(not ask(client, sandbox, which) for _ in range(100))
                except BaseException:
                    wrong = 100
                os._exit(min(wrong, 100))
            children.append(pid)
        statuses = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
        assert statuses == [0, 0, 0, 0]
        assert all(ask(client, sandbox, 1) for _ in range(20))
        # One connection per child; the parent kept its own.
        assert sandbox.stats()["connections"] - before - 1 == 4


def test_one_client_serves_threads_at_once(client, sandbox):
    """Four logins that the sandbox holds until all four have arrived: they
    pass only if the shared client has all four in flight together."""
    user_id, username, token = sandbox.player()
    sandbox.control("/_sandbox/barrier?parties=4&timeout=60")
    names, errors = [], []

    def login():
        try:
            names.append(client.kongregate.authenticate(user_id=user_id,
                                                        game_auth_token=token)["username"])
        except gamegate.Error as e:
            errors.append(e)

    threads = [threading.Thread(target=login) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert names == [username] * 4


def test_callback_verification_does_not_wait_for_a_call(client, sandbox):
    sandbox.control("/_sandbox/barrier?parties=2&timeout=60")
    held = threading.Thread(target=ask, args=(client, sandbox, 1))
    held.start()
    try:
        assert sandbox.wait_until_held(1)
        form = {"event": "invalidate_user_inventory", "api_key": sandbox.game["api_key"],
                "user_id": "765", "game_auth_token": "fresh"}
        assert client.verify_callback(form)["user_id"] == "765"
        assert client.session("kongregate", "765")["game_auth_token"] == "fresh"
        assert held.is_alive()  # all of it while the call was held
    finally:
        with gamegate.Client(kongregate={"base_url": sandbox.url}) as other:
            other.kongregate.user_info(user_id=765)  # the second party
        held.join()


def test_a_result_read_by_many_threads(client):
    items = client.kongregate.items()
    whole = items.text
    bad = []

    def read():
        for _ in range(2000):
            if (items.get("items") is None or items.get("items.0") is None
                    or items.text != whole or items.count("items") < 1):
                bad.append(1)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bad == []


def test_close_while_threads_call(sandbox):
    seen = []
    client = gamegate.Client(kongregate={"base_url": sandbox.url})
    started = threading.Barrier(5)

    def call():
        started.wait()
        while True:
            try:
                client.kongregate.user_info(user_id=765)
            except gamegate.InvalidArgument as e:
                seen.append(str(e))
                return
            except Exception as e:  # anything else is the failure under test
                seen.append(repr(e))
                return

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    started.wait()
    client.close()
    for t in threads:
        t.join()
    assert seen == ["the client is closed"] * 4


def test_sharing_sessions_while_the_owner_closes(sandbox):
    outcomes = set()
    for _ in range(200):
        owner = gamegate.Client()
        go = threading.Barrier(2)

        def share():
            go.wait()
            try:
                with gamegate.Client(sessions_from=owner):
                    outcomes.add("shared")
            except gamegate.InvalidArgument as e:
                outcomes.add(str(e))

        t = threading.Thread(target=share)
        t.start()
        go.wait()
        owner.close()
        t.join()
    assert outcomes <= {"shared", "the client is closed"}


def test_logins_are_kept_per_game(client, sandbox):
    """Two games sharing one store never see each other's tokens."""
    user_id, _, token = sandbox.player()
    client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
    other_game = sandbox.seed["kongregate"]["games"][1]["api_key"]
    with gamegate.Client(kongregate={"base_url": sandbox.url, "api_key": other_game},
                         sessions_from=client) as other:
        assert other.session("kongregate", user_id) is None
        with pytest.raises(gamegate.InvalidArgument, match="game_auth_token"):
            other.kongregate.use_item(user_id=user_id, id=1)
    assert client.session("kongregate", user_id)["game_auth_token"] == token
