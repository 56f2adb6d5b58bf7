"""Kongregate authenticate through the Python binding, against the sandbox."""

import pytest

import gamegate


def test_authenticate_returns_the_player(client, sandbox):
    user_id, username, token = sandbox.player()
    result = client.call("kongregate.authenticate", user_id=user_id, game_auth_token=token)
    assert result["username"] == username
    assert result["user_id"] == user_id
    assert result.get("user_id") == str(user_id)  # the C view: a number's JSON text
    assert result["success"] is True
    assert result.http_status == 200
    assert "username" in result
    assert result.count() == 3


def test_wrong_token_is_an_authentication_error(client, sandbox, assert_no_secret):
    user_id, _, token = sandbox.player()
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    with pytest.raises(gamegate.AuthenticationError) as caught:
        client.call("kongregate.authenticate", user_id=user_id, game_auth_token=forged)
    error = caught.value
    assert isinstance(error, PermissionError) and isinstance(error, gamegate.ServiceError)
    assert error.code == gamegate.AuthenticationError.code
    assert "Invalid credentials" in str(error)
    assert error.fields == {"success": False, "error": 403,
                            "error_description": "Invalid credentials"}
    assert error.http_status == 200
    assert error.endpoint == "kongregate.authenticate"
    assert_no_secret(str(error), repr(error), forged)
    assert forged not in str(error)


def test_another_games_token_is_refused(client, sandbox):
    user_id, _, token = sandbox.player()
    other_game = sandbox.seed["kongregate"]["games"][1]["api_key"]
    with pytest.raises(gamegate.AuthenticationError):
        client.call("kongregate.authenticate", user_id=user_id, game_auth_token=token,
                    api_key=other_game)


def test_a_guest_is_never_authenticated(client, sandbox):
    _, _, token = sandbox.player()
    with pytest.raises(gamegate.AuthenticationError):
        client.call("kongregate.authenticate", user_id=0, game_auth_token=token)


def test_blank_parameter_gets_the_services_400(client, sandbox):
    user_id, _, _ = sandbox.player()
    with pytest.raises(gamegate.ServiceError) as caught:
        client.call("kongregate.authenticate", user_id=user_id, game_auth_token="")
    assert not isinstance(caught.value, gamegate.AuthenticationError)
    assert caught.value.fields["error"] == 400
    assert "required parameters" in str(caught.value)


def test_missing_parameter_is_refused_before_sending(client):
    with pytest.raises(gamegate.InvalidArgument) as caught:
        client.call("kongregate.authenticate", user_id=1)
    assert isinstance(caught.value, ValueError)
    assert "game_auth_token" in str(caught.value)
    assert caught.value.http_status == 0


def test_missing_api_key_names_the_option(sandbox):
    with gamegate.Client(kongregate={"base_url": sandbox.url}) as bare:
        with pytest.raises(gamegate.InvalidArgument, match="kongregate.api_key"):
            bare.call("kongregate.authenticate", user_id=1, game_auth_token="x" * 64)


def test_unknown_endpoint_and_parameter(client):
    with pytest.raises(gamegate.InvalidArgument, match="unknown endpoint") as caught:
        client.call("kongregate.nope")
    assert "nope" not in str(caught.value)  # a caller's name is never echoed
    with pytest.raises(gamegate.InvalidArgument, match="did you mean 'kongregate.items'"):
        client.call("kongregate.itmes")
    with pytest.raises(gamegate.InvalidArgument, match="did you mean 'user_id'"):
        client.call("kongregate.authenticate", userid=1, game_auth_token="x")
