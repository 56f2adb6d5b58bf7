"""KickApps create token and OpenAuth create token through the binding."""

import pytest

import gamegate


def test_create_token_by_username(client, sandbox):
    member = sandbox.member
    result = client.call("kickapps.create_token", username=member["username"],
                         password=member["password"])
    # The one-element array the service wraps it in is gone.
    assert isinstance(result.json, dict)
    assert result["TOKEN"]
    assert result.get("TOKEN") == result["TOKEN"]
    assert result["PRIVILEGES"] == "RW"
    assert result["METHOD"] == "POST"
    assert result["userId"] == member["userId"]


def test_create_token_by_email(client, sandbox):
    result = client.call("kickapps.create_token", email=sandbox.member["email"])
    assert result["username"] == sandbox.member["username"]


def test_jsonp_padding_is_removed(client, sandbox):
    result = client.call("kickapps.create_token", username=sandbox.member["username"],
                         callback="onToken")
    assert result["username"] == sandbox.member["username"]
    assert result.text.startswith("{")


def test_anonymous_gets_read_only(client):
    result = client.call("kickapps.create_token", username="anonymous")
    assert (result["PRIVILEGES"], result["METHOD"]) == ("R", "GET")


def test_username_or_email_never_both(client, sandbox):
    with pytest.raises(gamegate.InvalidArgument, match="not both"):
        client.call("kickapps.create_token", username=sandbox.member["username"],
                    email=sandbox.member["email"])
    with pytest.raises(gamegate.InvalidArgument, match="username"):
        client.call("kickapps.create_token")


@pytest.mark.parametrize("which", ["disabled", "other site"])
def test_refused_developer_key(client, sandbox, assert_no_secret, which):
    if which == "disabled":
        key = sandbox.developer_key(enabled=False)
    else:
        key = sandbox.developer_key(site=sandbox.seed["kickapps"]["sites"][1]["as"])
    with pytest.raises(gamegate.AuthenticationError) as caught:
        client.call("kickapps.create_token", username=sandbox.member["username"],
                    developerKey=key)
    assert "developerKey disabled" in str(caught.value)
    assert caught.value.fields["status"] == "-1"
    assert_no_secret(str(caught.value), repr(caught.value))


def test_banned_client_ip(client, sandbox):
    with pytest.raises(gamegate.AccessDenied) as caught:
        client.call("kickapps.create_token", username=sandbox.member["username"],
                    clientIP=sandbox.site["banned_client_ips"][0])
    assert isinstance(caught.value, PermissionError)
    assert "banned" in str(caught.value)


def test_unknown_member(client):
    with pytest.raises(gamegate.ServiceError, match="does not exist") as caught:
        client.call("kickapps.create_token", username="no-such-member")
    assert caught.value.fields["status"] == "-1"


def test_wrong_password_is_not_echoed(client, sandbox):
    with pytest.raises(gamegate.ServiceError) as caught:
        client.call("kickapps.create_token", username=sandbox.member["username"],
                    password="hunter2-guess")
    assert "hunter2-guess" not in str(caught.value)


@pytest.mark.parametrize("username", [
    "../../api/authenticate.json", "a/b", "J\u00f6rg & Co?#", "%2e%2e", "anonymous/..",
])
def test_hostile_username_stays_one_segment(client, username):
    # Reaching the create-token route with the whole name proves the path held.
    with pytest.raises(gamegate.ServiceError, match="does not exist"):
        client.call("kickapps.create_token", username=username)


@pytest.mark.parametrize("username", ["..", ".", "", "nobody\r\nX-Evil: 1", "nobody\n",
                                      "nobody\0admin"])
def test_unusable_username_is_refused_locally(client, username):
    with pytest.raises(gamegate.InvalidArgument):
        client.call("kickapps.create_token", username=username)


def openauth_params(sandbox):
    app, grant = sandbox.openauth
    return {"devId": app["devId"], "oat": grant["oat"], "succUrl": app["succUrl"]}


def test_openauth_creates_then_finds_the_member(client, sandbox):
    params = openauth_params(sandbox)
    first = client.call("kickapps.openauth_create_token", **params)
    assert first["isNewUser"] == "1"
    assert first["username"] == sandbox.openauth[1]["username"]
    assert first["TOKEN"]
    second = client.call("kickapps.openauth_create_token", **params)
    assert second["isNewUser"] == "0"
    assert second["userId"] == first["userId"]


def test_openauth_from_an_address_not_whitelisted(client, sandbox, assert_no_secret):
    client.set("local_address", "127.0.0.2")
    with pytest.raises(gamegate.AccessDenied, match="Access Denied") as caught:
        client.call("kickapps.openauth_create_token", **openauth_params(sandbox))
    assert_no_secret(str(caught.value))


def test_openauth_parameter_errors(client, sandbox, assert_no_secret):
    params = openauth_params(sandbox)
    with pytest.raises(gamegate.InvalidArgument, match="succUrl"):
        client.call("kickapps.openauth_create_token", devId=params["devId"], oat=params["oat"])
    with pytest.raises(gamegate.ServiceError, match="Missing required parameter"):
        client.call("kickapps.openauth_create_token", **dict(params, devId=""))
    with pytest.raises(gamegate.ServiceError, match="invalid") as caught:
        client.call("kickapps.openauth_create_token", **dict(params, oat="forged-oat-value"))
    assert "forged-oat-value" not in str(caught.value)
    assert_no_secret(str(caught.value))


def test_openauth_developer_key_problems(client, sandbox):
    params = openauth_params(sandbox)
    client.set("kickapps.developer_key", None)
    with pytest.raises(gamegate.InvalidArgument, match="kickapps.developer_key"):
        client.call("kickapps.openauth_create_token", **params)
    client.set("kickapps.developer_key", sandbox.developer_key(enabled=False))
    with pytest.raises(gamegate.AuthenticationError):
        client.call("kickapps.openauth_create_token", **params)
