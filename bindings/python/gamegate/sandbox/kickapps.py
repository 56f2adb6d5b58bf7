"""KIT Cloud Social (KickApps) REST calls, as the reference pages describe them.

Bodies carry a string `status` ("1" ok, "-1" error), `error` and
`payload_type`; with a `callback` parameter they come back as JSONP."""

import hmac

from .refusal import Refusal
from .routes import route

KEY_REFUSED = "either developerkey is not passed or developerKey disabled"
MISSING = "Missing required parameter"
ACCESS_DENIED = "Access Denied. Please contact customer support"


def invalid(method, error):
    return 200, {"METHOD": method, "payload_type": "json", "status": "-1",
                 "error": error, "message": "invalid"}


def missing(method, absent, text=None):
    """The one answer to a required parameter left out (the record's words
    name none of them). Asked only after the key, whitelist and token
    checks, which the record's answers put first."""
    return Refusal(invalid(method, text or MISSING)[1])


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
    key = developer_key(state, params, site_id)
    if not key:
        return invalid("GET", KEY_REFUSED)
    if request.client_ip not in key["whitelist"]:
        return invalid("GET", ACCESS_DENIED)
    absent = [name for name in ("devId", "oat", "succUrl") if not params.get(name)]
    if absent:
        raise missing("GET", absent)
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


MEDIA_TYPES = ("audio", "photo", "blog", "video", "sets", "emedia")


def refused(error, error_id=None, **extra):
    body = {"payload_type": "json", "status": "-1", "error": error}
    if error_id:
        body["errorId"] = error_id
    body.update(extra)
    return Refusal(body)


def ok(**fields):
    return 200, dict({"payload_type": "json", "status": "1", "error": ""}, **fields)


def acting(writes):
    """For calls that carry a token `t`: checks it (errorId 44 missing, 1
    invalid, 18 too few privileges for a call that writes) and passes the
    site and the acting member to the handler."""
    def wrap(handler):
        def guarded(state, request, site_id, **path):
            token = request.params.get("t")
            if not token:
                raise refused("Token required", "44")
            grant = state.kickapps_tokens.get(token)
            if not grant or grant["as"] != site_id:
                raise refused("Invalid token", "1")
            if grant["privileges"] == "N" or (writes and grant["privileges"] != "RW"):
                raise refused("Insufficient user permissions", "18")
            site = state.sites[site_id]
            member = state.member_by_id(site, grant["userId"])
            return handler(state, request, site, member, **path)
        guarded.__name__ = handler.__name__
        return guarded
    return wrap


def media_of(site, media_type, media_id, params):
    if media_type not in MEDIA_TYPES:
        raise refused("Invalid media type")
    if media_type == "emedia" and not params.get("url"):
        raise missing("POST", ["url"])  # assumed: url is what emedia needs
    for media in site.get("media", []):
        if media["mediaType"] == media_type and media["mediaId"] == media_id:
            return media_type, media_id
    raise refused("The media does not exist.")


def member_of(site, user_id):
    member = next((m for m in site["members"] if m["userId"] == user_id), None)
    if not member:
        raise refused("The user does not exist.")
    return member


def anonymous_check(member):
    if member is None:
        raise refused("Insufficient user permissions", "18")


@acting(writes=True)
def favorite_add(state, request, site, member, mediaType, mediaId):
    media = media_of(site, mediaType, mediaId, request.params)
    state.favorites.setdefault((site["as"], member["userId"]), set()).add(media)
    return ok()


@acting(writes=True)
def favorite_remove(state, request, site, member, mediaType, mediaId):
    media = media_of(site, mediaType, mediaId, request.params)
    favorites = state.favorites.get((site["as"], member["userId"]), set())
    if media not in favorites:
        raise refused("The media is not a favorite.")
    favorites.discard(media)
    return ok()


@acting(writes=False)
def favorite_check(state, request, site, member, mediaType, mediaId):
    media = media_of(site, mediaType, mediaId, request.params)
    user_id = request.params.get("userId") or (member or {}).get("userId")
    member_of(site, user_id or "")
    is_favorite = media in state.favorites.get((site["as"], user_id), set())
    return ok(isFavorite="true" if is_favorite else "false")


@acting(writes=True)
def friend_add(state, request, site, member, friendId):
    member_of(site, friendId)
    state.friends.setdefault((site["as"], member["userId"]), set()).add(friendId)
    return ok()


@acting(writes=True)
def friend_remove(state, request, site, member, friendId):
    member_of(site, friendId)
    friends = state.friends.get((site["as"], member["userId"]), set())
    if friendId not in friends:
        raise refused("The user is not a friend.")
    friends.discard(friendId)
    return ok()


@acting(writes=False)
def user_profile(state, request, site, member, userId):
    target = member_of(site, userId)
    profile = {"userId": target["userId"], "username": target["username"],
               "role": target["role"]}
    if "email" in request.params.get("include", "").split(","):
        profile["email"] = target["email"]
    return ok(UserProfile=profile)


@acting(writes=False)
def user_media(state, request, site, member, userId):
    target = member_of(site, userId)
    wanted = request.params.get("mediaType")
    if wanted and wanted not in MEDIA_TYPES:
        raise refused("Invalid media type")
    media = [m for m in target.get("media", []) if not wanted or m["mediaType"] == wanted]
    return ok(media=media)


def people(site, user_ids):
    return [{"userId": m["userId"], "username": m["username"]}
            for m in site["members"] if m["userId"] in user_ids]


@acting(writes=False)
def member_friends(state, request, site, member, userId):
    member_of(site, userId)
    return ok(friends=people(site, state.friends.get((site["as"], userId), set())))


@acting(writes=False)
def member_fans(state, request, site, member, userId):
    target = member_of(site, userId)
    return ok(fans=people(site, set(target.get("fans", []))))


@acting(writes=False)
def badges(state, request, site, member):
    return ok(badges=site.get("badges", []))


@acting(writes=False)
def user_badges(state, request, site, member):
    anonymous_check(member)
    owned = set(member.get("badges", []))
    return ok(badges=[b for b in site.get("badges", []) if b["badgeId"] in owned])


@acting(writes=True)
def points_add(state, request, site, member, userId):
    target = member_of(site, userId)
    points = request.params.get("points", "")
    if not (points.isascii() and points.isdigit()):
        raise missing("POST", ["points"])
    key = (site["as"], target["userId"])
    state.points[key] = state.points.get(key, 0) + int(points)
    return ok(userId=target["userId"], points=str(state.points[key]))


@acting(writes=True)
def group_join(state, request, site, member):
    group_id = request.params.get("groupId")
    if not group_id:
        raise missing("POST", ["groupId"])
    group = next((g for g in site.get("groups", []) if g["groupId"] == group_id), None)
    if not group:
        raise refused("The group does not exist.")
    if member["userId"] in group["members"]:
        # The one error body services.md records for this call.
        raise refused("unable to perform this operation",
                      info="user is already a member of this club")
    group["members"].append(member["userId"])
    return ok()


ROUTES = [
    route("POST", "/rest/token/create/{who}/{site_id}", create_token),
    route("GET", "/rest/openauth/createtoken/{site_id}", openauth_create_token),
    route("GET", "/rest/openauth/createtoken/{site_id}/", openauth_create_token),
    route("POST", "/rest/favorite/add/{mediaType}/{mediaId}/{site_id}", favorite_add),
    route("POST", "/rest/favorite/remove/{mediaType}/{mediaId}/{site_id}", favorite_remove),
    route("POST", "/rest/check/favorite/{mediaType}/{mediaId}/{site_id}", favorite_check),
    route("POST", "/rest/friend/add/{friendId}/{site_id}", friend_add),
    route("POST", "/rest/friend/remove/{friendId}/{site_id}", friend_remove),
    route("POST", "/rest/user/profile/{userId}/{site_id}", user_profile),
    route("POST", "/rest/user/media/{userId}/{site_id}", user_media),
    route("POST", "/rest/member/friends/get/{userId}/{site_id}", member_friends),
    route("POST", "/rest/member/fans/get/{userId}/{site_id}", member_fans),
    route("POST", "/rest/badges/list/{site_id}", badges),
    route("POST", "/rest/user/badges/get/{site_id}", user_badges),
    route("POST", "/rest/points/add/{userId}/{site_id}", points_add),
    route("POST", "/rest/group/add/{site_id}", group_join),
]
