"""A game server's login flow, in Python.

The player has logged in on the portal; the game client hands the server a
user id and a game auth token. The server proves who the player is, gets a
KickApps token to act for a member, and refuses a forged login.

`make demo` runs this against the sandbox (GG_SANDBOX_URL, with its seed data
in GG_SANDBOX_DATA standing in for what game clients would send). Against the
real services, leave the base_url options at their defaults."""

import json
import os

import gamegate


def main():
    url = os.environ["GG_SANDBOX_URL"]
    with open(os.environ["GG_SANDBOX_DATA"], encoding="utf-8") as f:
        seed = json.load(f)
    game = seed["kongregate"]["games"][0]
    user = seed["kongregate"]["users"][0]
    user_id, token = user["user_id"], user["game_auth_tokens"][str(game["game_id"])]
    site = seed["kickapps"]["sites"][0]
    developer_key = next(k["developerKey"] for k in seed["kickapps"]["developer_keys"]
                         if k["enabled"] and k["as"] == site["as"])

    with gamegate.Client(kongregate={"base_url": url, "api_key": game["api_key"]},
                         kickapps={"base_url": url, "developer_key": developer_key,
                                   "as": site["as"]}) as portal:
        player = portal.call("kongregate.authenticate", user_id=user_id, game_auth_token=token)
        print("[python] Kongregate vouches for user %s: welcome, %s"
              % (player["user_id"], player["username"]))

        # The login is remembered: later calls for this player need only the user_id.
        potion = next(i for i in portal.kongregate.user_items(user_id=user_id)["items"]
                      if i["remaining_uses"])
        used = portal.kongregate.use_item(user_id=user_id, id=potion["id"])
        print("[python] %s drank a %s (%d uses left), token taken from the session store"
              % (player["username"], potion["name"], used["remaining_uses"]))

        member = site["members"][0]["username"]
        grant = portal.call("kickapps.create_token", username=member)
        print("[python] KickApps token for %s (userId %s): privileges %s, kept server-side"
              % (grant["username"], grant["userId"], grant["PRIVILEGES"]))

        forged = "0" * 64
        try:
            portal.call("kongregate.authenticate", user_id=user_id, game_auth_token=forged)
            print("[python] a forged login was accepted: this must not happen")
            raise SystemExit(1)
        except gamegate.AuthenticationError as error:
            print("[python] forged login refused: %s" % error)


if __name__ == "__main__":
    main()
