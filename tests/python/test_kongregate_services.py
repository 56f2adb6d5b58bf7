"""Every Kongregate endpoint besides authenticate, through the methods the
binding builds from the endpoint table, against the stateful sandbox."""

import json
import urllib.parse
import urllib.request

import pytest

import gamegate


@pytest.fixture
def player(client, sandbox):
    """A logged-in player: authenticate remembered the token."""
    user_id, username, token = sandbox.player()
    client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
    return user_id


def instances(client, user_id):
    return {i["id"]: i for i in client.kongregate.user_items(user_id=user_id)["items"]}


def test_item_catalogue_and_tag_filter(client, sandbox):
    catalogue = sandbox.game["items"]
    every = client.kongregate.items()["items"]
    assert [i["identifier"] for i in every] == [i["identifier"] for i in catalogue]
    assert set(every[0]) >= {"id", "identifier", "name", "description", "price", "tags"}
    potions = client.kongregate.items(tags="potion")["items"]
    assert [i["identifier"] for i in potions] == ["health-potion"]
    awesome = client.kongregate.items(tags="awesome")
    assert awesome.count("items") == 2


def test_wrong_api_key_is_refused(client):
    with pytest.raises(gamegate.AuthenticationError, match="Invalid API key"):
        client.kongregate.items(api_key="not-a-key")


def test_use_item_counts_down_and_the_instance_leaves(client, player):
    potion = next(i for i in instances(client, player).values()
                  if i["identifier"] == "health-potion")
    left = potion["remaining_uses"]
    assert left >= 2
    for expected in range(left - 1, -1, -1):
        # Only user_id and id: the token comes from the remembered login.
        used = client.kongregate.use_item(user_id=player, id=potion["id"])
        assert used["remaining_uses"] == expected
        assert isinstance(used["usage_record_id"], int)
    assert potion["id"] not in instances(client, player)
    with pytest.raises(gamegate.ServiceError, match="not found") as caught:
        client.kongregate.use_item(user_id=player, id=potion["id"])
    assert caught.value.fields["error"] == 404


def test_unlimited_items_cannot_be_used(client, player):
    sword = next(i for i in instances(client, player).values() if i["remaining_uses"] is None)
    with pytest.raises(gamegate.ServiceError, match="unlimited"):
        client.kongregate.use_item(user_id=player, id=sword["id"])
    assert sword["id"] in instances(client, player)


def test_use_item_without_a_login_says_what_to_do(client, sandbox):
    user_id, _, _ = sandbox.player()
    with pytest.raises(gamegate.InvalidArgument, match="authenticate this user_id first"):
        client.kongregate.use_item(user_id=user_id, id=100)


def test_use_item_with_a_wrong_token(client, sandbox, assert_no_secret):
    user_id, _, token = sandbox.player()
    with pytest.raises(gamegate.AuthenticationError) as caught:
        client.kongregate.use_item(user_id=user_id, id=101, game_auth_token="f" * 64)
    assert_no_secret(str(caught.value))


def test_statistics_feed_the_high_score_tables(client, sandbox, player):
    other_id, other_name, other_token = sandbox.player(1)
    client.kongregate.authenticate(user_id=other_id, game_auth_token=other_token)
    stats = {s["name"]: s["id"] for s in sandbox.game["statistics"]}
    client.kongregate.submit_statistics(user_id=player, Kills=3, HighScore=50)
    client.kongregate.submit_statistics(user_id=player, Kills=4, HighScore=30)
    client.call("kongregate.submit_statistics", user_id=other_id, HighScore=70)

    kills = client.kongregate.high_scores(period="lifetime", stat_id=stats["Kills"])
    assert [(r["username"], r["score"]) for r in kills["lifetime_scores"]] == \
        [(sandbox.player()[1], 7)]  # an "add" statistic accumulates
    best = client.kongregate.high_scores(period="weekly", stat_id=stats["HighScore"])
    assert [(r["username"], r["score"]) for r in best["weekly_scores"]] == \
        [(other_name, 70), (sandbox.player()[1], 50)]  # a "max" statistic keeps the best
    assert best["per_page"] == 25 and best["page_count"] == 1
    today = client.kongregate.high_scores(period="daily", stat_id=stats["HighScore"])
    assert len(today["today_scores"]) == 2
    friends = client.kongregate.friends_high_scores(stat_id=stats["HighScore"], user_id=player)
    assert {r["username"] for r in friends["friends_scores"]} == {other_name,
                                                                  sandbox.player()[1]}


def test_statistics_are_checked_before_sending(client, player):
    for bad in (-1, "1.5", "ten", ""):
        with pytest.raises(gamegate.InvalidArgument, match="statistic #1"):
            client.kongregate.submit_statistics(user_id=player, Kills=bad)  # named by position
    with pytest.raises(gamegate.InvalidArgument, match="period"):
        client.kongregate.high_scores(period="monthly", stat_id=1)


def test_unknown_statistic_is_the_services_error(client, player):
    with pytest.raises(gamegate.ServiceError, match="Unknown statistic"):
        client.kongregate.submit_statistics(user_id=player, Deaths=1)


def test_user_info_one_and_many(client, sandbox):
    user_id, username, _ = sandbox.player()
    friend_id, friend_name, _ = sandbox.player(1)
    one = client.kongregate.user_info(username=username, friends="true")
    assert one["user_id"] == user_id and one["friends"] == [friend_name]
    assert one.get("user_vars.level") == str(sandbox.seed["kongregate"]["users"][0]["level"])
    assert client.kongregate.user_info(user_id=user_id)["username"] == username
    many = client.kongregate.user_info(user_ids="%d,%d" % (user_id, friend_id))
    assert [u["username"] for u in many["users"]] == [username, friend_name]
    assert many.count("users") == 2
    with pytest.raises(gamegate.InvalidArgument, match="at most 50"):
        client.kongregate.user_info(user_ids=",".join(str(n) for n in range(1, 52)))
    with pytest.raises(gamegate.InvalidArgument, match="only one of"):
        client.kongregate.user_info(username=username, user_id=user_id)
    with pytest.raises(gamegate.ServiceError, match="User not found"):
        client.kongregate.user_info(username="nobody-at-all")


def test_badges_are_bare_arrays(client, sandbox):
    badges = client.kongregate.badges()
    assert isinstance(badges.json, list) and len(badges.json) == len(sandbox.seed["kongregate"]["badges"])
    assert badges.get("0.difficulty") in ("easy", "medium", "hard", "impossible")
    _, username, _ = sandbox.player()
    mine = client.kongregate.user_badges(username=username)
    assert [b["badge_id"] for b in mine.json] == sandbox.seed["kongregate"]["user_badges"][username]
    with pytest.raises(gamegate.ServiceError):
        client.kongregate.user_badges(username="nobody-at-all")


def test_shared_links(client, player):
    link = dict(name="Invite", type="invite", link_params="kv_from=guild", expiration=2000000000)
    assert client.kongregate.shared_link_create(user_id=player, id="g-17", **link)["success"]
    with pytest.raises(gamegate.ServiceError, match="already exists"):
        client.kongregate.shared_link_create(user_id=player, id="g-17", **link)
    client.kongregate.shared_link_destroy(user_id=player, id="g-17")
    with pytest.raises(gamegate.ServiceError, match="not found"):
        client.kongregate.shared_link_destroy(user_id=player, id="g-17")


@pytest.mark.parametrize("left_out", ["id", "name", "type", "link_params", "expiration"])
def test_a_shared_link_needs_all_five(client, player, left_out):
    given = dict(id="g-18", name="Invite", type="invite", link_params="kv_x=1",
                 expiration=2000000000)
    del given[left_out]
    with pytest.raises(gamegate.InvalidArgument, match="'%s'" % left_out):
        client.kongregate.shared_link_create(user_id=player, **given)


def test_guilds_and_characters(client, player):
    guild = client.kongregate.guild_create(guild_identifier="234", guild_name="Knights",
                                           server_identifier="101", server_name="East")
    assert (guild["server_identifier"], guild["guild_identifier"]) == ("101", "234")
    with pytest.raises(gamegate.ServiceError, match="already exists"):
        client.kongregate.guild_create(guild_identifier="234", guild_name="Knights",
                                       server_identifier="101")
    character = client.kongregate.character_create(
        character_identifier="c1", character_name="Sir Smatch", server_identifier="101",
        user_id=player, guild_identifier="234", guild_name="Knights",
        guild_admin_level="superadmin")
    assert (character["character_identifier"], character["guild_identifier"]) == ("c1", "234")
    assert character["user_id"] == int(player)
    lone = client.kongregate.character_create(character_identifier="c2", character_name="Nobody")
    assert lone["guild_identifier"] is None
    # The published answer to guild_destroy has no success field.
    gone = client.kongregate.guild_destroy(guild_identifier="234", server_identifier="101")
    assert "success" not in gone and gone["guild_identifier"] == "234"
    with pytest.raises(gamegate.ServiceError, match="not found"):
        client.kongregate.guild_destroy(guild_identifier="234", server_identifier="101")


def test_guilds_and_characters_refused_as_the_reference_refuses(client):
    with pytest.raises(gamegate.InvalidArgument, match="'guild_name'"):
        client.kongregate.guild_create(guild_identifier="1")
    with pytest.raises(gamegate.InvalidArgument, match="'character_name'"):
        client.kongregate.character_create(character_identifier="c3")
    with pytest.raises(gamegate.InvalidArgument, match="superadmin"):
        client.kongregate.character_create(character_identifier="c3", character_name="X",
                                           guild_admin_level="owner")


def test_the_sandbox_refuses_what_the_reference_refuses(sandbox):
    """Straight to the sandbox, past the library's own checks."""
    key = sandbox.game["api_key"]
    for path, form in (("/api/guilds.json", {"guild_identifier": "1"}),
                       ("/api/characters.json", {"character_identifier": "1"}),
                       ("/api/shared_links/create.json",
                        {"user_id": "1", "game_auth_token": "x", "name": "n", "type": "t",
                         "link_params": "p", "expiration": "1"})):
        body = urllib.parse.urlencode(dict(form, api_key=key)).encode()
        with urllib.request.urlopen(sandbox.url + path, data=body, timeout=30) as response:
            answer = json.loads(response.read())
        assert answer["success"] is False and answer["error"] == 400, (path, answer)


def test_kongpanions(client, sandbox):
    user_id, username, _ = sandbox.player()
    owned = client.kongregate.kongpanions(user_id=user_id)["kongpanions"]
    seeded = sandbox.seed["kongregate"]["users"][0]["kongpanions"]
    assert {(k["name"], k["shiny"]) for k in owned} == set(seeded.items())
    assert client.kongregate.kongpanions(username=username)["kongpanions"] == owned
    none = client.kongregate.kongpanions(user_id=42)["kongpanions"]
    assert none == []
    every = client.kongregate.kongpanions_index()
    names = {k["name"] for k in every["kongpanions"]}
    assert names == {k["name"] for k in sandbox.seed["kongregate"]["kongpanions"]}
    for field in ("description", "tags", "normal_icon_url", "shiny_icon_url"):
        assert all(field in k for k in every["kongpanions"])
    with pytest.raises(gamegate.InvalidArgument, match="one of"):
        client.kongregate.kongpanions()
    with pytest.raises(gamegate.ServiceError, match="not found"):
        client.kongregate.kongpanions(username="nobody-at-all")


def test_private_message(client, sandbox):
    user_id, username, _ = sandbox.player()
    assert client.kongregate.private_message(content="Hi", username=username)["success"]
    assert client.kongregate.private_message(content="Hi", user_id=user_id)["success"]
    with pytest.raises(gamegate.InvalidArgument, match="one of"):
        client.kongregate.private_message(content="Hi")
    with pytest.raises(gamegate.ServiceError):
        client.kongregate.private_message(content="Hi", username="nobody-at-all")
