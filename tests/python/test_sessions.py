"""The session store: what logins teach it, bounds, expiry, sharing, threads."""

import threading
import time

import pytest

import gamegate


def login(client, sandbox, index=0):
    user_id, username, token = sandbox.player(index)
    client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
    return user_id, username, token


def test_authenticate_remembers_the_player(client, sandbox):
    user_id, username, token = sandbox.player()
    assert client.session("kongregate", user_id) is None
    login(client, sandbox)
    assert client.session("kongregate", user_id) == {
        "user_id": str(user_id), "username": username, "game_auth_token": token}


def test_a_refused_login_teaches_nothing(client, sandbox):
    user_id, _, _ = sandbox.player()
    with pytest.raises(gamegate.AuthenticationError):
        client.kongregate.authenticate(user_id=user_id, game_auth_token="0" * 64)
    assert client.session("kongregate", user_id) is None
    with pytest.raises(gamegate.AuthenticationError):
        client.kongregate.authenticate(user_id=0, game_auth_token="0" * 64)
    assert client.session("kongregate", 0) is None


def test_forget(client, sandbox):
    user_id, _, _ = login(client, sandbox)
    assert client.forget("kongregate", user_id) is True
    assert client.forget("kongregate", user_id) is False
    with pytest.raises(gamegate.InvalidArgument, match="authenticate"):
        client.kongregate.use_item(user_id=user_id, id=101)


def test_kickapps_member_by_username_and_user_id(client, sandbox):
    member = sandbox.member
    token = client.kickapps.create_token(username=member["username"])["TOKEN"]
    by_name = client.session("kickapps", member["username"])
    assert by_name == client.session("kickapps", member["userId"], site=sandbox.site["as"])
    assert (by_name["TOKEN"], by_name["PRIVILEGES"], by_name["METHOD"]) == (token, "RW", "POST")
    assert client.forget("kickapps", member["username"])
    assert client.session("kickapps", member["userId"]) is None


def test_openauth_is_remembered_too(client, sandbox):
    app, grant = sandbox.openauth
    client.kickapps.openauth_create_token(devId=app["devId"], oat=grant["oat"],
                                          succUrl=app["succUrl"])
    assert client.session("kickapps", grant["username"])["PRIVILEGES"] == "RW"
    assert client.kickapps.badges(member=grant["username"])["status"] == "1"


def test_capacity_evicts_the_least_recently_used(client, sandbox):
    client.set("session.capacity", 2)
    first, _, _ = login(client, sandbox, 0)
    second, _, _ = login(client, sandbox, 1)
    assert client.session("kongregate", first)  # now the most recent
    client.kickapps.create_token(username=sandbox.member["username"])  # two more entries
    assert client.session("kongregate", first) is None
    assert client.session("kongregate", second) is None


def test_entries_expire(client, sandbox):
    client.set("session.ttl_ms", 1)
    user_id, _, _ = login(client, sandbox)
    time.sleep(0.05)  # only ever longer than the 1 ms lifetime
    assert client.session("kongregate", user_id) is None


def test_bad_session_arguments(client):
    with pytest.raises(gamegate.InvalidArgument, match="service"):
        client.session("steam", "1")
    with gamegate.Client() as bare:
        with pytest.raises(gamegate.InvalidArgument, match="kickapps.as"):
            bare.session("kickapps", "someone")


def test_clients_share_a_store_across_threads(sandbox):
    """Eight threads, each with its own client on one shared store: half log
    player 0 in, half player 1; then each acts for the player it did NOT log
    in, with the token another thread's login left in the store."""
    options = dict(kongregate={"base_url": sandbox.url, "api_key": sandbox.game["api_key"]})
    owner = gamegate.Client(**options)
    everyone_logged_in = threading.Barrier(8, timeout=60)
    errors = []

    def work(n):
        try:
            with gamegate.Client(sessions_from=owner, **options) as mine:
                user_id, _, token = sandbox.player(n % 2)
                mine.kongregate.authenticate(user_id=user_id, game_auth_token=token)
                everyone_logged_in.wait()
                other_id = sandbox.player((n + 1) % 2)[0]
                mine.kongregate.shared_link_create(user_id=other_id, id="from-%d" % n,
                                                   name="from %d" % n, type="invite",
                                                   link_params="kv_n=%d" % n,
                                                   expiration=2000000000)
        except Exception as e:  # collected, so the test says which thread failed
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for index in (0, 1):
        user_id = sandbox.player(index)[0]
        assert owner.session("kongregate", user_id)["user_id"] == str(user_id)
    owner.close()


def test_a_sharing_client_changes_one_store_setting_at_a_time(sandbox):
    options = dict(kongregate={"base_url": sandbox.url, "api_key": sandbox.game["api_key"]})
    with gamegate.Client(**options) as owner, \
            gamegate.Client(sessions_from=owner, **options) as sharer:
        owner.set("session.capacity", 1)
        sharer.set("session.ttl_ms", 3600000)  # must not bring capacity back to 10000
        login(owner, sandbox, 0)
        login(sharer, sandbox, 1)
        remembered = [owner.session("kongregate", sandbox.player(i)[0]) for i in (0, 1)]
        assert remembered[0] is None and remembered[1] is not None
