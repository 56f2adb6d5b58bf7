"""Kongregate's web services, as the reference pages describe them.

Every answer is HTTP 200 with a JSON body carrying `success`; failures add
`error` (a number) and `error_description`."""

import hmac

MISSING = "user_id, game_auth_token, and api_key are required parameters"


def failure(error, description):
    return 200, {"success": False, "error": error, "error_description": description}


def authenticate(state, request):
    params = request.params
    if any(not params.get(name) for name in ("user_id", "game_auth_token", "api_key")):
        return failure(400, MISSING)
    with state.lock:
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


ROUTES = [
    ("/api/authenticate.json", authenticate),
]
