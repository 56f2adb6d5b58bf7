"""The sandbox's data: loaded from a seed file, changed by calls, reset on demand."""

import base64
import copy
import json
import os
import secrets
import threading

SEED_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed.json")


class State:
    """Everything both fake back ends know. The server answers requests in
    threads and holds `lock` around every handler (and the controls around
    what they change), so handlers themselves take no lock."""

    def __init__(self, seed_path=SEED_PATH):
        self.seed_path = seed_path
        with open(seed_path, encoding="utf-8") as f:
            self._seed = json.load(f)
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            seed = copy.deepcopy(self._seed)
            kong = seed["kongregate"]
            self.games_by_key = {g["api_key"]: g for g in kong["games"]}
            self.games_by_id = {g["game_id"]: g for g in kong["games"]}
            self.users = {u["user_id"]: u for u in kong["users"]}
            self.badges = kong.get("badges", [])
            self.user_badges = kong.get("user_badges", {})
            # (game_id, user_id) -> [{"id", "identifier", "remaining_uses", "data"}]
            self.inventories = {(inv["game_id"], inv["user_id"]): inv["instances"]
                                for inv in kong.get("inventories", [])}
            self.next_instance_id = 1 + max(
                (i["id"] for inv in self.inventories.values() for i in inv), default=99)
            self.next_usage_record_id = 7653
            # (game_id, stat_id) -> user_id -> [(unix time, value)]
            self.submissions = {}
            self.shared_links = {}  # (game_id, the game's link id) -> {"user_id", ...}
            self.guilds = {}  # (game_id, server, guild) -> {"guild_name", "server_name"}
            self.kongpanions = {k["name"]: k for k in kong.get("kongpanions", [])}
            self.characters = {}  # (game_id, server, character) -> {...}
            self.next_order_id = 12345
            self.orders = []

            kick = seed["kickapps"]
            self.sites = {s["as"]: s for s in kick["sites"]}
            self.developer_keys = {k["developerKey"]: k for k in kick["developer_keys"]}
            self.openauth_apps = {a["devId"]: a for a in kick["openauth"]["apps"]}
            self.openauth_tokens = {t["oat"]: t for t in kick["openauth"]["tokens"]}
            # token -> {"as", "userId", "privileges"}
            self.kickapps_tokens = {}
            self.favorites = {}  # (as, userId) -> {(mediaType, mediaId)}
            self.friends = {}    # (as, userId) -> {friendId}
            self.points = {}     # (as, userId) -> int
            self.next_user_id = 1 + max(
                (int(m["userId"]) for s in self.sites.values() for m in s["members"]),
                default=1000,
            )

    # Kongregate ---------------------------------------------------------

    def user_by_name(self, username):
        for user in self.users.values():
            if user["username"].lower() == username.lower():
                return user
        return None

    def game_auth_token(self, game, user_id):
        user = self.users.get(user_id)
        if not user:
            return None
        return user.get("game_auth_tokens", {}).get(str(game["game_id"]))

    # KickApps -----------------------------------------------------------

    def member_by_id(self, site, user_id):
        for member in site["members"]:
            if member["userId"] == user_id:
                return member
        return None

    def find_member(self, site, name_or_email):
        key = "email" if "@" in name_or_email else "username"
        for member in site["members"]:
            if member[key].lower() == name_or_email.lower():
                return member
        return None

    def add_member(self, site, username, email):
        member = {"userId": str(self.next_user_id), "username": username,
                  "email": email, "password": None, "role": "MEMBER",
                  "fans": [], "badges": [], "media": []}
        self.next_user_id += 1
        site["members"].append(member)
        return member

    def issue_kickapps_token(self, site_id, user_id, privileges):
        # Base64 like the documented "Qqvb7kTFiz4M2lqCYzvjaA==", so "+/=" travel too.
        token = base64.b64encode(secrets.token_bytes(24)).decode("ascii")
        self.kickapps_tokens[token] = {"as": site_id, "userId": user_id,
                                       "privileges": privileges}
        return token
