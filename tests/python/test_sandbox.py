"""The sandbox itself, spoken to over plain HTTP: it must give the documented
bodies, whatever client asks."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

from conftest import ROOT, start_sandbox, stop_sandbox


def fetch(url, form=None, json_body=None):
    data, headers = None, {}
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
    if json_body is not None:
        data, headers = json.dumps(json_body).encode(), {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def test_authenticate_bodies(sandbox):
    user_id, username, token = sandbox.player()
    key = sandbox.game["api_key"]
    base = sandbox.url + "/api/authenticate.json?"
    status, body = fetch(base + urllib.parse.urlencode(
        {"user_id": user_id, "game_auth_token": token, "api_key": key}))
    assert (status, json.loads(body)) == (200, {"success": True, "username": username,
                                                "user_id": user_id})
    _, body = fetch(base + "user_id=%d" % user_id)
    assert json.loads(body) == {"success": False, "error": 400, "error_description":
                                "user_id, game_auth_token, and api_key are required parameters"}
    _, body = fetch(base + urllib.parse.urlencode(
        {"user_id": user_id, "game_auth_token": "0" * 64, "api_key": key}))
    assert json.loads(body) == {"success": False, "error": 403,
                                "error_description": "Invalid credentials"}


def test_parameters_arrive_as_query_form_or_json(sandbox):
    user_id, username, token = sandbox.player()
    params = {"user_id": str(user_id), "game_auth_token": token,
              "api_key": sandbox.game["api_key"]}
    url = sandbox.url + "/api/authenticate.json"
    assert json.loads(fetch(url, form=params)[1])["username"] == username
    assert json.loads(fetch(url, json_body=params)[1])["username"] == username


def test_create_token_is_array_wrapped_and_jsonp_on_request(sandbox):
    url = "%s/rest/token/create/%s/%s" % (sandbox.url, sandbox.member["username"],
                                          sandbox.site["as"])
    _, body = fetch(url, form={"developerKey": sandbox.developer_key()})
    wrapped = json.loads(body)
    assert isinstance(wrapped, list) and len(wrapped) == 1
    assert set(wrapped[0]) >= {"PRIVILEGES", "TOKEN", "METHOD", "payload_type", "role",
                               "userId", "email", "username"}
    assert isinstance(wrapped[0]["userId"], str)
    _, body = fetch(url, form={"developerKey": sandbox.developer_key(), "callback": "cb"})
    assert body.startswith("cb([{") and body.endswith("}])")


def test_kickapps_error_bodies(sandbox):
    site = sandbox.site["as"]
    url = "%s/rest/token/create/%s/%s" % (sandbox.url, sandbox.member["username"], site)
    assert json.loads(fetch(url, form={})[1]) == {
        "METHOD": "POST", "payload_type": "json", "status": "-1",
        "error": "either developerkey is not passed or developerKey disabled",
        "message": "invalid"}
    banned = json.loads(fetch(url, form={"developerKey": sandbox.developer_key(),
                                         "clientIP": sandbox.site["banned_client_ips"][0]})[1])
    assert banned["error"] == "This IP address has been banned"
    app, grant = sandbox.openauth
    query = {"developerKey": sandbox.developer_key(), "devId": app["devId"], "f": "json",
             "succUrl": app["succUrl"]}
    missing = json.loads(fetch("%s/rest/openauth/createtoken/%s/?%s" % (
        sandbox.url, site, urllib.parse.urlencode(query)))[1])
    assert missing == {"METHOD": "GET", "payload_type": "json", "status": "-1",
                       "error": "Missing required parameter", "message": "invalid"}
    query["oat"] = "not-a-grant"
    invalid = json.loads(fetch("%s/rest/openauth/createtoken/%s/?%s" % (
        sandbox.url, site, urllib.parse.urlencode(query)))[1])
    assert invalid == {"METHOD": "GET", "payload_type": "json", "status": "-1", "error": "",
                       "message": "invalid"}


def test_seed_data_can_be_replaced(tmp_path):
    with open(os.path.join(ROOT, "bindings", "python", "gamegate", "sandbox", "seed.json")) as f:
        seed = json.load(f)
    seed["kongregate"]["games"] = [{"game_id": 7, "title": "Mine", "api_key": "my-own-key"}]
    seed["kongregate"]["users"] = [{"user_id": 5, "username": "Me",
                                    "game_auth_tokens": {"7": "my-token"}}]
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    mine = start_sandbox(str(path))
    try:
        _, body = fetch(mine.url + "/api/authenticate.json?user_id=5&game_auth_token=my-token"
                        "&api_key=my-own-key")
        assert json.loads(body)["username"] == "Me"
    finally:
        stop_sandbox(mine)


def test_command_line_help():
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "bindings", "python"))
    done = subprocess.run([sys.executable, "-m", "gamegate.sandbox", "--help"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--port" in done.stdout and "--data" in done.stdout


def test_a_missing_parameter_is_refused_in_each_services_words_and_after_its_guards(sandbox):
    """Kongregate refuses a required parameter left out before anything
    else; KickApps first checks the token, as its record's answers do."""
    status, body = fetch(sandbox.url + "/api/items.json")
    assert json.loads(body) == {"success": False, "error": 400,
                                "error_description": "api_key is a required parameter"}
    site = sandbox.site["as"]
    _, body = fetch("%s/rest/group/add/%s" % (sandbox.url, site), form={"t": "not-a-token"})
    assert json.loads(body)["errorId"] == "1"
    _, body = fetch("%s/rest/group/add/%s" % (sandbox.url, site), form={})
    assert json.loads(body)["errorId"] == "44"


def test_an_unknown_path_is_a_json_404_for_services_and_controls_alike(sandbox):
    for path in ("/rest/unknown/1", "/_sandbox/unknown"):
        try:
            fetch(sandbox.url + path)
            raise AssertionError("%s was answered" % path)
        except urllib.error.HTTPError as e:
            assert e.code == 404 and json.loads(e.read())["error"] == 404, path
