"""The KickApps calls that act for a member with a token, through the binding:
the token comes from the session store by naming the member."""

import pytest

import gamegate


@pytest.fixture
def member(client, sandbox):
    """A member with an RW token remembered by the client."""
    name = sandbox.member["username"]
    assert client.kickapps.create_token(username=name)["PRIVILEGES"] == "RW"
    return name


@pytest.fixture
def photo(sandbox):
    return next(m for m in sandbox.site["media"] if m["mediaType"] == "photo")


def test_favorites(client, member, photo):
    kick = client.kickapps
    media = dict(mediaType=photo["mediaType"], mediaId=photo["mediaId"])
    assert kick.favorite_check(member=member, **media)["isFavorite"] == "false"
    kick.favorite_add(member=member, **media)
    assert kick.favorite_check(member=member, **media)["isFavorite"] == "true"
    kick.favorite_remove(member=member, **media)
    assert kick.favorite_check(member=member, **media)["isFavorite"] == "false"
    with pytest.raises(gamegate.ServiceError, match="not a favorite"):
        kick.favorite_remove(member=member, **media)


def test_media_type_is_checked_locally(client, member):
    with pytest.raises(gamegate.InvalidArgument, match="audio, photo|audio\\|photo"):
        client.kickapps.favorite_add(member=member, mediaType="pdf", mediaId="1")


def test_emedia_needs_a_url(client, member, sandbox):
    emedia = next(m for m in sandbox.site["media"] if m["mediaType"] == "emedia")
    with pytest.raises(gamegate.ServiceError, match="Missing required parameter"):
        client.kickapps.favorite_add(member=member, mediaType="emedia", mediaId=emedia["mediaId"])
    client.kickapps.favorite_add(member=member, mediaType="emedia", mediaId=emedia["mediaId"],
                                 url="http://example.test/page")


def test_friends(client, member, sandbox):
    me = sandbox.member["userId"]
    friend = sandbox.site["members"][1]
    client.kickapps.friend_add(member=member, friendId=friend["userId"])
    listed = client.kickapps.member_friends(member=member, userId=me)["friends"]
    assert listed == [{"userId": friend["userId"], "username": friend["username"]}]
    client.kickapps.friend_remove(member=member, friendId=friend["userId"])
    assert client.kickapps.member_friends(member=member, userId=me)["friends"] == []
    with pytest.raises(gamegate.ServiceError, match="does not exist"):
        client.kickapps.friend_add(member=member, friendId="999999")


def test_profile_media_fans_and_badges(client, member, sandbox):
    me = sandbox.member
    profile = client.kickapps.user_profile(member=member, userId=me["userId"], include="email")
    assert profile.get("UserProfile.username") == me["username"]
    assert profile["UserProfile"]["email"] == me["email"]
    photos = client.kickapps.user_media(member=member, userId=me["userId"], mediaType="photo")
    assert [m["mediaType"] for m in photos["media"]] == ["photo"]
    fans = client.kickapps.member_fans(member=member, userId=me["userId"])["fans"]
    assert [f["userId"] for f in fans] == me["fans"]
    site_badges = client.kickapps.badges(member=member)["badges"]
    assert len(site_badges) == len(sandbox.site["badges"])
    mine = client.kickapps.user_badges(member=member)["badges"]
    assert [b["badgeId"] for b in mine] == me["badges"]


def test_points_accumulate(client, member, sandbox):
    me = sandbox.member["userId"]
    client.kickapps.points_add(member=member, userId=me, points=5)
    assert client.kickapps.points_add(member=member, userId=me, points=7)["points"] == "12"
    with pytest.raises(gamegate.InvalidArgument, match="points"):
        client.kickapps.points_add(member=member, userId=me, points=-1)


def test_group_join_twice(client, member, sandbox):
    group = sandbox.site["groups"][0]["groupId"]
    client.kickapps.group_join(member=member, groupId=group)
    with pytest.raises(gamegate.ServiceError, match="unable to perform") as caught:
        client.kickapps.group_join(member=member, groupId=group)
    assert caught.value.fields["info"] == "user is already a member of this club"


def test_read_only_token_cannot_write_and_nothing_is_sent(client, photo):
    client.kickapps.create_token(username="anonymous")
    with pytest.raises(gamegate.AccessDenied, match="needs 'RW'") as caught:
        client.kickapps.favorite_add(member="anonymous", mediaType="photo",
                                     mediaId=photo["mediaId"])
    assert caught.value.http_status == 0
    # Reads are fine with R.
    assert client.kickapps.badges(member="anonymous")["status"] == "1"


def test_the_services_own_permission_errors(client, sandbox, photo):
    token = client.kickapps.create_token(username="anonymous")["TOKEN"]
    # An explicit t is not checked locally: the service answers errorId 18.
    with pytest.raises(gamegate.AccessDenied) as caught:
        client.kickapps.favorite_add(t=token, mediaType="photo", mediaId=photo["mediaId"])
    assert caught.value.fields["errorId"] == "18" and caught.value.http_status == 200
    lurker = next(m for m in sandbox.site["members"] if m.get("privileges") == "N")
    client.kickapps.create_token(username=lurker["username"])
    with pytest.raises(gamegate.AccessDenied):
        client.kickapps.badges(member=lurker["username"])


def test_token_problems(client, member, sandbox, assert_no_secret):
    with pytest.raises(gamegate.AuthenticationError) as caught:
        client.kickapps.badges(t="bogus-token-value")
    assert caught.value.fields["errorId"] == "1"
    assert "bogus-token-value" not in str(caught.value)
    with pytest.raises(gamegate.InvalidArgument, match="member"):
        client.kickapps.badges()
    with pytest.raises(gamegate.InvalidArgument, match="member"):
        client.kickapps.badges(member="never-logged-in")
    # The token is only good for its own site: the store has nothing for the other.
    other_site = sandbox.seed["kickapps"]["sites"][1]["as"]
    with pytest.raises(gamegate.InvalidArgument):
        client.kickapps.badges(member=member, as_=other_site)
    token = client.session("kickapps", member)["TOKEN"]
    with pytest.raises(gamegate.AuthenticationError):
        client.kickapps.badges(t=token, as_=other_site)
    assert_no_secret(str(caught.value))
