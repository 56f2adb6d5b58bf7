"""KIT Cloud Social (KickApps) REST calls, as the reference pages describe them.

Bodies carry a string `status` ("1" ok, "-1" error), `error` and
`payload_type`; with a `callback` parameter they come back as JSONP."""

import hmac

KEY_REFUSED = "either developerkey is not passed or developerKey disabled"
MISSING = "Missing required parameter"
ACCESS_DENIED = "Access Denied. Please contact customer support"


def invalid(method, error):
    return 200, {"METHOD": method, "payload_type": "json", "status": "-1",
                 "error": error, "message": "invalid"}


def developer_key(state, params, site_id):
    """The enabled developer key record for this site, or None. A key is
    issued per site, so another site's key is refused like a missing one."""
    given = params.get("developerKey", "")
    for key, record in state.developer_keys.items():
        if given and hmac.compare_digest(key, given):
            return record if record["enabled"] and record["as"] == site_id else None
    return None


def token_body(member, token, privileges):
    return {"PRIVILEGES": privileges, "TOKEN": token,
            "METHOD": "POST" if privileges == "RW" else "GET",
            "payload_type": "json", "role": member["role"], "userId": member["userId"],
            "email": member["email"], "username": member["username"]}


def create_token(state, request, who, site_id):
    params = request.params
    with state.lock:
        if not developer_key(state, params, site_id):
            return invalid("POST", KEY_REFUSED)
        site = state.sites[site_id]
        if params.get("clientIP") in site["banned_client_ips"]:
            # The create-token page: the error "starting with
            # "status":"1","error":"This IP address has been banned"".
            return 200, {"status": "1", "error": "This IP address has been banned",
                         "payload_type": "json"}
        if who.lower() == "anonymous":
            # The page: anonymous gets read-only privileges (its other fields are assumed).
            anonymous = {"userId": "0", "username": "anonymous", "email": "", "role": "MEMBER"}
            token = state.issue_kickapps_token(site_id, "0", "R")
            return 200, [token_body(anonymous, token, "R")]
        member = state.find_member(site, who)
        if not member:
            return 200, {"payload_type": "json", "status": "-1",
                         "error": "The user does not exist."}
        password = params.get("password")
        if password is not None and not hmac.compare_digest(
                password.encode(), (member.get("password") or "").encode()):
            # Assumed: the record shows no wrong-password body.
            return invalid("POST", "The password is incorrect.")
        privileges = member.get("privileges", "RW")
        token = state.issue_kickapps_token(site_id, member["userId"], privileges)
        # The page's example is wrapped in a one-element array.
        return 200, [token_body(member, token, privileges)]


def openauth_create_token(state, request, site_id):
    params = request.params
    with state.lock:
        key = developer_key(state, params, site_id)
        if not key:
            return invalid("GET", KEY_REFUSED)
        if request.client_ip not in key["whitelist"]:
            return invalid("GET", ACCESS_DENIED)
        if any(not params.get(name) for name in ("devId", "oat", "succUrl")):
            return invalid("GET", MISSING)
        app = state.openauth_apps.get(params["devId"])
        grant = state.openauth_tokens.get(params["oat"])
        if (not app or app["as"] != site_id or app["succUrl"] != params["succUrl"]
                or not grant or grant["devId"] != params["devId"]):
            return invalid("GET", "")
        site = state.sites[site_id]
        member = state.find_member(site, grant["username"])
        is_new = member is None
        if is_new:
            member = state.add_member(site, grant["username"], grant["email"])
        token = state.issue_kickapps_token(site_id, member["userId"], "RW")
        body = token_body(member, token, "RW")
        body.update({"METHOD": "GET", "isNewUser": "1" if is_new else "0",
                     "status": "1", "error": ""})
        if is_new:
            body["success"] = "%s created for %s" % (member["username"], site_id)
        return 200, body


ROUTES = [
    ("/rest/token/create/{who}/{site_id}", create_token),
    ("/rest/openauth/createtoken/{site_id}", openauth_create_token),
    ("/rest/openauth/createtoken/{site_id}/", openauth_create_token),
]
