"""The endpoint table as bindings see it: complete, and enough to build from."""

import gamegate
from gamegate import _native as native

# The endpoints services.md documents, by the names the services issue gives them.
DOCUMENTED = {
    "kongregate.authenticate", "kongregate.items", "kongregate.user_items",
    "kongregate.use_item", "kongregate.submit_statistics", "kongregate.user_info",
    "kongregate.high_scores", "kongregate.friends_high_scores", "kongregate.badges",
    "kongregate.user_badges", "kongregate.shared_link_create", "kongregate.shared_link_destroy",
    "kongregate.guild_create", "kongregate.guild_destroy", "kongregate.character_create",
    "kongregate.kongpanions", "kongregate.kongpanions_index", "kongregate.private_message",
    "kickapps.create_token", "kickapps.openauth_create_token", "kickapps.favorite_add",
    "kickapps.favorite_remove", "kickapps.favorite_check", "kickapps.friend_add",
    "kickapps.friend_remove", "kickapps.user_profile", "kickapps.user_media",
    "kickapps.member_friends", "kickapps.member_fans", "kickapps.badges",
    "kickapps.user_badges", "kickapps.points_add", "kickapps.group_join",
}


def by_name():
    return {e.name: e for e in gamegate.ENDPOINTS}


def test_every_documented_endpoint_is_in_the_table():
    assert set(by_name()) == DOCUMENTED


def test_the_table_and_the_sandbox_agree_on_every_kongregate_row():
    """The library's table and the sandbox's routes are written apart, from
    the same documentation: method, path and required parameters must agree,
    so that neither drifts from services.md without a test failing."""
    from gamegate.sandbox import kongregate as sandbox_routes

    routes = {route.template: (route.method, set(route.required))
              for route in sandbox_routes.ROUTES}
    rows = [e for e in gamegate.ENDPOINTS if e.service == "kongregate"]
    assert {e.path for e in rows} == set(routes)
    for endpoint in rows:
        method, required = routes[endpoint.path]
        assert endpoint.method == method, endpoint.name
        in_path = {p.name for p in endpoint.params if p.flags & native.lib.GG_PARAM_PATH}
        library_required = {p.name for p in endpoint.params if p.required} - in_path
        assert library_required == required, endpoint.name


def test_rows_describe_themselves():
    for endpoint in gamegate.ENDPOINTS:
        assert endpoint.method in ("GET", "POST")
        assert endpoint.path.startswith("/")
        assert endpoint.summary
        for param in endpoint.params:
            assert ("{%s" % param.name in endpoint.path or "|%s}" % param.name in endpoint.path) \
                == bool(param.flags & native.lib.GG_PARAM_PATH)


def test_reads_may_be_retried_and_writes_not():
    table = by_name()
    for name in ("kongregate.authenticate", "kongregate.items", "kongregate.user_info",
                 "kickapps.user_profile", "kickapps.favorite_check"):
        assert table[name].retry_safe, name
    for name in ("kongregate.use_item", "kongregate.submit_statistics",
                 "kickapps.create_token", "kickapps.openauth_create_token",
                 "kickapps.favorite_add", "kickapps.points_add"):
        assert not table[name].retry_safe, name


def test_parameter_facts():
    lib = native.lib
    use_item = {p.name: p for p in by_name()["kongregate.use_item"].params}
    assert use_item["game_auth_token"].secret
    assert use_item["game_auth_token"].flags & lib.GG_PARAM_FROM_SESSION
    assert use_item["api_key"].flags & lib.GG_PARAM_FROM_OPTION
    period = {p.name: p for p in by_name()["kongregate.high_scores"].params}["period"]
    assert period.choices == "daily|weekly|lifetime" and period.required
    member = {p.name: p for p in by_name()["kickapps.favorite_add"].params}["member"]
    assert member.flags & lib.GG_PARAM_LOCAL
    assert by_name()["kongregate.submit_statistics"].takes_counts
    create = {p.name: p for p in by_name()["kickapps.create_token"].params}
    assert create["username"].flags & lib.GG_PARAM_ONE_OF  # {username|email}
    assert create["email"].flags & lib.GG_PARAM_ONE_OF


def test_client_methods_come_from_the_table(client):
    for endpoint in gamegate.ENDPOINTS:
        method = getattr(getattr(client, endpoint.service), endpoint.method_name)
        assert endpoint.path in method.__doc__
        assert endpoint.summary in method.__doc__
    assert "use_item" in dir(client.kongregate)
