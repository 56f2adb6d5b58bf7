"""Kongregate's web services, as the reference pages and services.md describe
them. Every answer is HTTP 200 with a JSON body carrying `success`; failures
add `error` (a number) and `error_description`. Error bodies other than
authenticate's are assumed (services.md) to follow the same envelope."""

import hmac
import json
import time

from .refusal import Refusal
from .routes import route

MISSING = "user_id, game_auth_token, and api_key are required parameters"
FRIENDS_PER_PAGE = 500
SCORES_PER_PAGE = 25
PERIODS = {"daily": ("today_scores", "today_page", 86400),
           "weekly": ("weekly_scores", "weekly_page", 7 * 86400),
           "lifetime": ("lifetime_scores", "lifetime_page", None)}


def refused(error, description):
    return Refusal({"success": False, "error": error, "error_description": description})


def failure(error, description):
    return 200, refused(error, description).body


def missing(method, absent, text=None):
    """The one answer to a required parameter left out."""
    return refused(400, text or "%s is a required parameter" % absent[0])


def whole_number(params, name, required=True):
    value = params.get(name)
    if value in (None, ""):
        if required:
            raise missing("", [name])
        return None
    if not (value.isascii() and value.isdigit()):
        raise refused(400, "%s must be a whole number" % name)
    return int(value)


def game_of(state, params):
    game = state.games_by_key.get(params.get("api_key", ""))
    if not game:
        raise refused(403, "Invalid API key")
    return game


def logged_in_user(state, params, game, token_required=True):
    """The user whose user_id and game_auth_token were sent (403 otherwise)."""
    user_id = whole_number(params, "user_id")
    token = params.get("game_auth_token")
    if not token and not token_required:
        if user_id not in state.users:
            raise refused(404, "User not found")
        return state.users[user_id]
    expected = state.game_auth_token(game, user_id) if user_id else None
    if not expected or not token or not hmac.compare_digest(expected, token):
        raise refused(403, "Invalid credentials")
    return state.users[user_id]


def authenticate(state, request):
    params = request.params
    game = state.games_by_key.get(params["api_key"])
    try:
        user_id = int(params["user_id"])
    except ValueError:
        user_id = None
    # A guest has user_id 0 and no token: never authenticated.
    expected = state.game_auth_token(game, user_id) if game and user_id else None
    if not expected or not hmac.compare_digest(expected, params["game_auth_token"]):
        return failure(403, "Invalid credentials")
    user = state.users[user_id]
    return 200, {"success": True, "username": user["username"], "user_id": user_id}


def catalogue_entry(item):
    return {key: item[key] for key in ("id", "identifier", "name", "description", "price", "tags")}


def items(state, request):
    game = game_of(state, request.params)
    wanted = {t.strip() for t in request.params.get("tags", "").split(",") if t.strip()}
    # Assumed: an item matches when it has any of the tags asked for.
    chosen = [item for item in game.get("items", []) if not wanted or wanted & set(item["tags"])]
    return 200, {"success": True, "items": [catalogue_entry(i) for i in chosen]}


def item_by_identifier(game, identifier):
    for item in game.get("items", []):
        if item["identifier"] == identifier:
            return item
    return None


def user_items(state, request):
    game = game_of(state, request.params)
    user_id = whole_number(request.params, "user_id")
    if user_id not in state.users:
        raise refused(404, "User not found")
    listed = []
    for instance in state.inventories.get((game["game_id"], user_id), []):
        # Used-up instances leave the inventory; unlimited ones (null) stay.
        if instance["remaining_uses"] is not None and instance["remaining_uses"] <= 0:
            continue
        item = item_by_identifier(game, instance["identifier"]) or {}
        listed.append({"id": instance["id"], "identifier": instance["identifier"],
                       "name": item.get("name", instance["identifier"]),
                       "description": item.get("description", ""),
                       "remaining_uses": instance["remaining_uses"], "data": instance["data"]})
    return 200, {"success": True, "items": listed}


def use_item(state, request):
    game = game_of(state, request.params)
    user = logged_in_user(state, request.params, game)
    instance_id = whole_number(request.params, "id")
    for instance in state.inventories.get((game["game_id"], user["user_id"]), []):
        if instance["id"] != instance_id:
            continue
        if instance["remaining_uses"] is None:
            raise refused(400, "Item has unlimited uses and cannot be used")
        if instance["remaining_uses"] <= 0:
            break
        instance["remaining_uses"] -= 1
        state.next_usage_record_id += 1
        return 200, {"success": True, "remaining_uses": instance["remaining_uses"],
                     "usage_record_id": state.next_usage_record_id}
    raise refused(404, "Item instance not found")


def submit_statistics(state, request):
    params = request.params
    game = game_of(state, params)
    # Older pages send game_auth_token too: checked when present.
    user = logged_in_user(state, params, game, token_required=False)
    by_name = {s["name"]: s for s in game.get("statistics", [])}
    values = {}
    for name, value in params.items():
        if name in ("api_key", "user_id", "game_auth_token"):
            continue
        if name not in by_name:
            raise refused(400, "Unknown statistic %s" % name)
        if not (value.isascii() and value.isdigit()):
            raise refused(400, "Statistic %s must be a non-negative integer" % name)
        values[name] = int(value)
    now = time.time()
    for name, value in values.items():
        table = state.submissions.setdefault((game["game_id"], by_name[name]["id"]), {})
        table.setdefault(user["user_id"], []).append((now, value))
    return 200, {"success": True}


def user_vars(user):
    """The older page's example for ap_u2, field for field (services.md)."""
    return {"username": user["username"], "age": user.get("age", 0),
            "level": user.get("level", 1), "points": user.get("points", 0),
            "avatar_url": user.get("avatar_url", ""),
            "chat_avatar_url": user.get("avatar_url", ""), "curator": False,
            "developer": False, "moderator": False, "forum_moderator": False, "admin": False,
            "gender": user.get("gender"), "game_title": "", "game_url": ""}


def profile(state, user, page, with_friends):
    friend_ids = user.get("friends", []) if with_friends else []
    pages = max(1, -(-len(friend_ids) // FRIENDS_PER_PAGE))
    shown = friend_ids[(page - 1) * FRIENDS_PER_PAGE:page * FRIENDS_PER_PAGE]
    return {"user_id": user["user_id"], "username": user["username"],
            "private": user.get("private", False), "page_num": page, "num_pages": pages,
            "friends": [state.users[f]["username"] for f in shown if f in state.users],
            "friend_ids": shown, "muted_users": [], "muted_user_ids": [],
            "user_vars": user_vars(user)}


def find_user(state, name=None, user_id=None):
    user = state.user_by_name(name) if name is not None else state.users.get(user_id)
    if not user:
        raise refused(404, "User not found")
    return user


def user_info(state, request):
    params = request.params
    page = whole_number(params, "page_num", required=False) or 1
    with_friends = params.get("friends") == "true"
    given = [n for n in ("username", "user_id", "usernames", "user_ids") if params.get(n)]
    if len(given) != 1:
        raise refused(400, "Give one of username, user_id, usernames, user_ids")
    which = given[0]
    if which == "username":
        return 200, dict(profile(state, find_user(state, name=params["username"]), page,
                                 with_friends), success=True)
    if which == "user_id":
        user = find_user(state, user_id=whole_number(params, "user_id"))
        return 200, dict(profile(state, user, page, with_friends), success=True)
    names = [n.strip() for n in params[which].split(",") if n.strip()]
    if len(names) > 50:
        raise refused(400, "At most 50 users at a time")
    found = []
    for name in names:
        if which == "user_ids" and not (name.isascii() and name.isdigit()):
            raise refused(400, "user_ids must be whole numbers")
        user = state.user_by_name(name) if which == "usernames" else state.users.get(int(name))
        if user:
            found.append(profile(state, user, 1, False))
    return 200, {"success": True, "users": found}


def best_scores(state, game_id, stat, since):
    """user_id -> score over submissions since `since`, by the stat's type."""
    scores = {}
    for user_id, entries in state.submissions.get((game_id, stat["id"]), {}).items():
        values = [v for t, v in entries if since is None or t >= since]
        if values:
            scores[user_id] = sum(values) if stat.get("type") == "add" else max(values)
    return scores


def score_rows(state, scores, user_ids=None):
    rows = []
    for user_id, score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if user_ids is not None and user_id not in user_ids:
            continue
        user = state.users[user_id]
        rows.append({"username": user["username"], "level": user.get("level", 1),
                     "score": score, "avatar_url": user.get("avatar_url", "")})
    return rows


def statistic(state, stat_id):
    for game in state.games_by_id.values():
        for stat in game.get("statistics", []):
            if str(stat["id"]) == stat_id:
                return game, stat
    raise refused(404, "Statistic not found")


def high_scores(state, request, period, stat_id):
    if period not in PERIODS:
        raise refused(404, "Unknown high score period %s" % period)
    key, page_param, window = PERIODS[period]
    game, stat = statistic(state, stat_id)
    since = time.time() - window if window else None
    rows = score_rows(state, best_scores(state, game["game_id"], stat, since))
    page = whole_number(request.params, page_param, required=False) or 1
    pages = max(1, -(-len(rows) // SCORES_PER_PAGE))
    return 200, {"success": True, key: rows[(page - 1) * SCORES_PER_PAGE:page * SCORES_PER_PAGE],
                 "page_count": pages, "per_page": SCORES_PER_PAGE}


def friends_high_scores(state, request, stat_id, user_id):
    game, stat = statistic(state, stat_id)
    user = find_user(state, user_id=int(user_id) if user_id.isascii() and user_id.isdigit() else None)
    circle = set(user.get("friends", [])) | {user["user_id"]}
    rows = score_rows(state, best_scores(state, game["game_id"], stat, None), circle)
    return 200, {"success": True, "friends_scores": rows, "page_count": 1,
                 "per_page": SCORES_PER_PAGE}


def badges(state, request):
    return 200, list(state.badges)


def user_badges(state, request, username):
    user = find_user(state, name=username)
    return 200, [{"badge_id": b} for b in state.user_badges.get(user["username"], [])]


def required_text(params, name):
    value = params.get(name, "")
    if not value.strip():
        raise refused(400, "%s is a required parameter" % name)
    return value


def shared_link_create(state, request):
    """id is the link's id in the game's own system; all five are required."""
    params = request.params
    game = game_of(state, params)
    user = logged_in_user(state, params, game)
    link_id = required_text(params, "id")
    fields = {name: required_text(params, name) for name in ("name", "type", "link_params")}
    fields["expiration"] = whole_number(params, "expiration")
    if params.get("kv_params"):
        try:
            if not isinstance(json.loads(params["kv_params"]), dict):
                raise ValueError
        except ValueError:
            raise refused(400, "kv_params must be a JSON-encoded object")
        fields["kv_params"] = params["kv_params"]
    key = (game["game_id"], link_id)
    if key in state.shared_links:
        raise refused(400, "Shared link already exists")  # assumed
    state.shared_links[key] = dict(fields, user_id=user["user_id"])
    return 200, {"success": True}


def shared_link_destroy(state, request, id):
    game = game_of(state, request.params)
    user = logged_in_user(state, request.params, game)
    link = state.shared_links.get((game["game_id"], id))
    if not link or link["user_id"] != user["user_id"]:
        raise refused(404, "Shared link not found")
    del state.shared_links[(game["game_id"], id)]
    return 200, {"success": True}


def guild_create(state, request):
    params = request.params
    game = game_of(state, params)
    guild = required_text(params, "guild_identifier")
    name = required_text(params, "guild_name")
    server = params.get("server_identifier", "")
    key = (game["game_id"], server, guild)
    if key in state.guilds:
        raise refused(400, "Guild already exists")  # assumed
    state.guilds[key] = {"guild_name": name, "server_name": params.get("server_name", "")}
    return 200, {"success": True, "server_identifier": server or None, "guild_identifier": guild}


def guild_destroy(state, request):
    params = request.params
    game = game_of(state, params)
    guild = required_text(params, "guild_identifier")
    server = params.get("server_identifier", "")
    if state.guilds.pop((game["game_id"], server, guild), None) is None:
        raise refused(404, "Guild not found")
    # The published answer has no success field.
    return 200, {"server_identifier": server or None, "guild_identifier": guild}


def character_create(state, request):
    params = request.params
    game = game_of(state, params)
    character = required_text(params, "character_identifier")
    name = required_text(params, "character_name")
    server = params.get("server_identifier", "")
    level = params.get("guild_admin_level")
    if level and level not in ("superadmin", "admin"):
        raise refused(400, "guild_admin_level must be superadmin or admin")
    user_id = whole_number(params, "user_id", required=False)
    if user_id is not None:
        find_user(state, user_id=user_id)
    guild = params.get("guild_identifier") or None
    state.characters[(game["game_id"], server, character)] = {
        "character_name": name, "user_id": user_id, "guild_identifier": guild,
        "guild_name": params.get("guild_name"), "guild_admin_level": level}
    return 200, {"success": True, "user_id": user_id, "server_identifier": server or None,
                 "guild_identifier": guild, "character_identifier": character}


def kongpanions(state, request):
    params = request.params
    given = [n for n in ("username", "user_id") if params.get(n)]
    if len(given) != 1:
        raise refused(400, "Give one of username, user_id")
    if given[0] == "username":
        user = find_user(state, name=params["username"])
    else:
        user = find_user(state, user_id=whole_number(params, "user_id"))
    owned = [dict(state.kongpanions[name], shiny=shiny)
             for name, shiny in user.get("kongpanions", {}).items() if name in state.kongpanions]
    return 200, {"kongpanions": owned, "success": True}


def kongpanions_index(state, request):
    # The published answer has no success field.
    return 200, {"kongpanions": list(state.kongpanions.values())}


def private_message(state, request):
    params = request.params
    game_of(state, params)
    required_text(params, "content")
    if params.get("user_id"):
        find_user(state, user_id=whole_number(params, "user_id"))
    elif params.get("username"):
        find_user(state, name=params["username"])
    else:
        raise missing("", ["user_id or username"])
    return 200, {"success": True}


LOGIN = ("api_key", "user_id", "game_auth_token")

ROUTES = [
    route("GET", "/api/authenticate.json", authenticate, LOGIN, missing_text=MISSING),
    route("GET", "/api/items.json", items, ("api_key",)),
    route("GET", "/api/user_items.json", user_items, ("api_key", "user_id")),
    route("POST", "/api/use_item.json", use_item, LOGIN + ("id",)),
    route("POST", "/api/submit_statistics.json", submit_statistics, ("api_key", "user_id")),
    route("GET", "/api/user_info.json", user_info),
    route("GET", "/api/high_scores/friends/{stat_id}/{user_id}.json", friends_high_scores),
    route("GET", "/api/high_scores/{period}/{stat_id}.json", high_scores),
    route("GET", "/badges.json", badges),
    route("GET", "/accounts/{username}/badges.json", user_badges),
    route("POST", "/api/shared_links/create.json", shared_link_create,
          LOGIN + ("id", "name", "type", "link_params", "expiration")),
    route("POST", "/api/shared_links/{id}/destroy.json", shared_link_destroy, LOGIN),
    route("POST", "/api/guilds.json", guild_create, ("api_key", "guild_identifier", "guild_name")),
    route("POST", "/api/guilds/destroy.json", guild_destroy, ("api_key", "guild_identifier")),
    route("POST", "/api/characters.json", character_create,
          ("api_key", "character_identifier", "character_name")),
    route("GET", "/api/kongpanions/index.json", kongpanions_index),
    route("GET", "/api/kongpanions.json", kongpanions),
    route("POST", "/api/private_message.json", private_message, ("api_key", "content")),
]
