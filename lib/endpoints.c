#include "endpoints.h"

#include "message.h"

#include <string.h>

/* A row names what it needs and leaves the rest zero: that is C's meaning of
 * a short initializer, and what keeps a row one entry. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define PARAMS(...) ((const struct param_spec[]){__VA_ARGS__, {0}})
#define NO_PARAMS ((const struct param_spec[]){{0}})

#define REQUIRED(param) {.name = param, .flags = PARAM_REQUIRED}
#define OPTIONAL(param) {.name = param}
#define REQUIRED_COUNT(param) {.name = param, .flags = PARAM_REQUIRED | PARAM_COUNT}
#define OPTIONAL_COUNT(param) {.name = param, .flags = PARAM_COUNT}
#define SECRET(param) {.name = param, .flags = PARAM_REQUIRED | PARAM_SECRET}
#define OPTIONAL_SECRET(param) {.name = param, .flags = PARAM_SECRET}
#define ONE_OF(param) {.name = param, .flags = PARAM_ONE_OF}
#define ONE_OF_COUNT(param) {.name = param, .flags = PARAM_ONE_OF | PARAM_COUNT}
#define ONE_OF_LIST(param, most) {.name = param, .flags = PARAM_ONE_OF, .max_items = most}
#define CHOICE(param, values) {.name = param, .flags = PARAM_REQUIRED, .choices = values}
#define OPTIONAL_CHOICE(param, values) {.name = param, .choices = values}
#define FIXED(param, value) {.name = param, .fallback = value}

/* Kongregate */
#define API_KEY {.name = "api_key", .flags = PARAM_REQUIRED | PARAM_SECRET, \
                 .from_option = OPT_KONGREGATE_API_KEY}
#define USER_ID REQUIRED_COUNT("user_id")
#define LOGIN_TOKEN {.name = "game_auth_token", .flags = PARAM_REQUIRED | PARAM_SECRET, \
                     .from_session = FROM_KONGREGATE_LOGIN}

/* KickApps */
#define DEVELOPER_KEY {.name = "developerKey", .flags = PARAM_REQUIRED | PARAM_SECRET, \
                       .from_option = OPT_KICKAPPS_DEVELOPER_KEY}
#define SITE {.name = "as", .flags = PARAM_REQUIRED, .from_option = OPT_KICKAPPS_AS}
#define MEMBER {.name = "member", .flags = PARAM_LOCAL}
#define MEMBER_TOKEN {.name = "t", .flags = PARAM_REQUIRED | PARAM_SECRET, \
                      .from_session = FROM_KICKAPPS_MEMBER}
#define ACTING SITE, MEMBER, MEMBER_TOKEN
#define MEDIA_TYPES "audio|photo|blog|video|sets|emedia"

/* Two facts each row states: whether it may be sent again after a failure
 * (reads), and whether a member's token needs write privileges (RW) for it. */
#define READ .retry_safe = true, .needs_write = false
#define WRITE .retry_safe = false, .needs_write = true

static const struct endpoint endpoints[] = {
    {"kongregate.authenticate", &service_kongregate, "GET", "/api/authenticate.json",
     PARAMS(USER_ID, SECRET("game_auth_token"), API_KEY), READ,
     "Checks that a user_id and game_auth_token belong together; remembers the login",
     .remembers = REMEMBERS_KONGREGATE_LOGIN, .carries = "username,user_id"},
    {"kongregate.items", &service_kongregate, "GET", "/api/items.json",
     PARAMS(API_KEY, OPTIONAL("tags")), READ,
     "The game's item catalogue, optionally only items with the comma-separated tags",
     .carries = "items"},
    {"kongregate.user_items", &service_kongregate, "GET", "/api/user_items.json",
     PARAMS(API_KEY, USER_ID), READ,
     "A player's item instances that have uses left (id is the instance id)",
     .carries = "items"},
    {"kongregate.use_item", &service_kongregate, "POST", "/api/use_item.json",
     PARAMS(API_KEY, USER_ID, LOGIN_TOKEN, REQUIRED_COUNT("id")), WRITE,
     "Uses one use of an item instance; the token comes from the login if not given",
     .carries = "remaining_uses"},
    {"kongregate.submit_statistics", &service_kongregate, "POST", "/api/submit_statistics.json",
     PARAMS(API_KEY, USER_ID,
            {.name = "game_auth_token", .flags = PARAM_SECRET,
             .from_session = FROM_KONGREGATE_LOGIN}),
     WRITE, "Submits StatName=<whole number> pairs for a player", .flags = EXTRA_COUNTS},
    {"kongregate.user_info", &service_kongregate, "GET", "/api/user_info.json",
     PARAMS(ONE_OF("username"), ONE_OF_COUNT("user_id"), ONE_OF_LIST("usernames", 50),
            ONE_OF_LIST("user_ids", 50), OPTIONAL_COUNT("page_num"),
            OPTIONAL_CHOICE("friends", "true|false")),
     READ, "Public profile of one player, or of up to 50 (usernames or user_ids)",
     .carries = "username|users"},
    {"kongregate.high_scores", &service_kongregate, "GET", "/api/high_scores/{period}/{stat_id}.json",
     PARAMS(CHOICE("period", "daily|weekly|lifetime"), REQUIRED_COUNT("stat_id"),
            OPTIONAL_COUNT("today_page"), OPTIONAL_COUNT("weekly_page"),
            OPTIONAL_COUNT("lifetime_page")),
     READ, "A statistic's daily, weekly or lifetime high-score table",
     .carries = "today_scores|weekly_scores|lifetime_scores"},
    {"kongregate.friends_high_scores", &service_kongregate, "GET",
     "/api/high_scores/friends/{stat_id}/{user_id}.json",
     PARAMS(REQUIRED_COUNT("stat_id"), USER_ID), READ,
     "A statistic's high scores among a player's friends", .carries = "friends_scores"},
    {"kongregate.badges", &service_kongregate, "GET", "/badges.json", NO_PARAMS, READ,
     "Every badge (a bare JSON array)", .flags = BODY_IS_ARRAY},
    {"kongregate.user_badges", &service_kongregate, "GET", "/accounts/{username}/badges.json",
     PARAMS(REQUIRED("username")), READ, "The badges a player has earned (a bare JSON array)",
     .flags = BODY_IS_ARRAY},
    {"kongregate.shared_link_create", &service_kongregate, "POST", "/api/shared_links/create.json",
     PARAMS(API_KEY, USER_ID, LOGIN_TOKEN, REQUIRED("id"), REQUIRED("name"), REQUIRED("type"),
            REQUIRED("link_params"), REQUIRED_COUNT("expiration"), OPTIONAL("kv_params")),
     WRITE, "Creates a shared link for a player (id: the link's id in the game's own system; "
            "expiration: a UNIX time)"},
    {"kongregate.shared_link_destroy", &service_kongregate, "POST",
     "/api/shared_links/{id}/destroy.json",
     PARAMS(API_KEY, USER_ID, LOGIN_TOKEN, REQUIRED("id")), WRITE, "Destroys a shared link"},
    {"kongregate.guild_create", &service_kongregate, "POST", "/api/guilds.json",
     PARAMS(API_KEY, REQUIRED("guild_identifier"), REQUIRED("guild_name"),
            OPTIONAL("server_identifier"), OPTIONAL("server_name")),
     WRITE, "Registers a guild (guild_identifier unique per server)",
     .carries = "guild_identifier"},
    {"kongregate.guild_destroy", &service_kongregate, "POST", "/api/guilds/destroy.json",
     PARAMS(API_KEY, REQUIRED("guild_identifier"), OPTIONAL("server_identifier")), WRITE,
     "Removes a guild", .flags = SUCCESS_FIELD_OPTIONAL, .carries = "guild_identifier"},
    {"kongregate.character_create", &service_kongregate, "POST", "/api/characters.json",
     PARAMS(API_KEY, REQUIRED("character_identifier"), REQUIRED("character_name"),
            OPTIONAL("server_identifier"), OPTIONAL("server_name"), OPTIONAL("guild_identifier"),
            OPTIONAL("guild_name"), OPTIONAL_COUNT("user_id"),
            OPTIONAL_CHOICE("guild_admin_level", "superadmin|admin")),
     WRITE, "Registers a character (character_identifier unique per server), optionally of a "
            "player and in a guild",
     .carries = "character_identifier"},
    {"kongregate.kongpanions", &service_kongregate, "GET", "/api/kongpanions.json",
     PARAMS(ONE_OF("username"), ONE_OF_COUNT("user_id")), READ,
     "The Kongpanions a player has collected (possibly none)", .carries = "kongpanions"},
    {"kongregate.kongpanions_index", &service_kongregate, "GET", "/api/kongpanions/index.json",
     NO_PARAMS, READ, "Every Kongpanion", .flags = SUCCESS_FIELD_OPTIONAL,
     .carries = "kongpanions"},
    {"kongregate.private_message", &service_kongregate, "POST", "/api/private_message.json",
     PARAMS(API_KEY, REQUIRED("content"), ONE_OF_COUNT("user_id"), ONE_OF("username"),
            OPTIONAL("image_url")),
     WRITE, "Sends a player a private message from the game"},

    {"kickapps.create_token", &service_kickapps, "POST", "/rest/token/create/{username|email}/{as}",
     PARAMS(OPTIONAL("username"), OPTIONAL("email"), SITE, DEVELOPER_KEY,
            OPTIONAL_SECRET("password"), OPTIONAL("clientIP"), OPTIONAL("callback")),
     WRITE, "A token to act for a member of a site; remembers it for the member",
     .remembers = REMEMBERS_KICKAPPS_TOKEN, .carries = "TOKEN"},
    /* Creates the member on first use, so a retry is not harmless. */
    {"kickapps.openauth_create_token", &service_kickapps, "GET", "/rest/openauth/createtoken/{as}/",
     PARAMS(REQUIRED("devId"), SECRET("oat"), REQUIRED("succUrl"), SITE, DEVELOPER_KEY,
            FIXED("f", "json")),
     WRITE, "A token for an OpenAuth user, creating the member if new; remembers it",
     .remembers = REMEMBERS_KICKAPPS_TOKEN, .carries = "TOKEN"},
    {"kickapps.favorite_add", &service_kickapps, "POST", "/rest/favorite/add/{mediaType}/{mediaId}/{as}",
     PARAMS(CHOICE("mediaType", MEDIA_TYPES), REQUIRED("mediaId"), ACTING, OPTIONAL("url")),
     WRITE, "Adds a media item to the member's favorites (url: emedia only)"},
    {"kickapps.favorite_remove", &service_kickapps, "POST",
     "/rest/favorite/remove/{mediaType}/{mediaId}/{as}",
     PARAMS(CHOICE("mediaType", MEDIA_TYPES), REQUIRED("mediaId"), ACTING, OPTIONAL("url")),
     WRITE, "Removes a media item from the member's favorites"},
    {"kickapps.favorite_check", &service_kickapps, "POST",
     "/rest/check/favorite/{mediaType}/{mediaId}/{as}",
     PARAMS(CHOICE("mediaType", MEDIA_TYPES), REQUIRED("mediaId"), ACTING, OPTIONAL("userId"),
            OPTIONAL("url")),
     READ, "Whether a media item is among a member's favorites (isFavorite)",
     .carries = "isFavorite"},
    {"kickapps.friend_add", &service_kickapps, "POST", "/rest/friend/add/{friendId}/{as}",
     PARAMS(REQUIRED("friendId"), ACTING), WRITE, "Adds a friend to the member"},
    {"kickapps.friend_remove", &service_kickapps, "POST", "/rest/friend/remove/{friendId}/{as}",
     PARAMS(REQUIRED("friendId"), ACTING), WRITE, "Removes a friend of the member"},
    {"kickapps.user_profile", &service_kickapps, "POST", "/rest/user/profile/{userId}/{as}",
     PARAMS(REQUIRED("userId"), ACTING, OPTIONAL("include")), READ, "A member's UserProfile",
     .carries = "UserProfile"},
    {"kickapps.user_media", &service_kickapps, "POST", "/rest/user/media/{userId}/{as}",
     PARAMS(REQUIRED("userId"), ACTING, OPTIONAL_CHOICE("mediaType", MEDIA_TYPES)), READ,
     "A member's media, optionally of one type"},
    {"kickapps.member_friends", &service_kickapps, "POST", "/rest/member/friends/get/{userId}/{as}",
     PARAMS(REQUIRED("userId"), ACTING), READ, "A member's friends"},
    {"kickapps.member_fans", &service_kickapps, "POST", "/rest/member/fans/get/{userId}/{as}",
     PARAMS(REQUIRED("userId"), ACTING), READ, "A member's fans", .carries = "fans"},
    {"kickapps.badges", &service_kickapps, "POST", "/rest/badges/list/{as}", PARAMS(ACTING), READ,
     "The site's badges"},
    {"kickapps.user_badges", &service_kickapps, "POST", "/rest/user/badges/get/{as}",
     PARAMS(ACTING), READ, "The acting member's badges"},
    {"kickapps.points_add", &service_kickapps, "POST", "/rest/points/add/{userId}/{as}",
     PARAMS(REQUIRED("userId"), ACTING, REQUIRED_COUNT("points")), WRITE,
     "Adds points to a member"},
    {"kickapps.group_join", &service_kickapps, "POST", "/rest/group/add/{as}",
     PARAMS(ACTING, REQUIRED("groupId")), WRITE, "Makes the member join a group"},
};

const struct endpoint *endpoint_at(size_t i)
{
    return i < sizeof endpoints / sizeof *endpoints ? &endpoints[i] : NULL;
}

const struct endpoint *endpoint_find(const char *name)
{
    const struct endpoint *row;
    for (size_t i = 0; (row = endpoint_at(i)); i++)
        if (strcmp(row->name, name) == 0)
            return row;
    return NULL;
}

const char *endpoint_nearest(const char *given)
{
    const size_t rows = sizeof endpoints / sizeof *endpoints;
    const char *names[sizeof endpoints / sizeof *endpoints];
    for (size_t i = 0; i < rows; i++)
        names[i] = endpoints[i].name;
    return message_nearest(given, names, rows);
}

size_t endpoint_param_count(const struct endpoint *endpoint)
{
    size_t count = 0;
    while (endpoint->params[count].name)
        count++;
    return count;
}

/* Where name stands as a placeholder in the path: 0 nowhere, 1 alone ({a}),
 * 2 among alternatives ({a|b}). */
static int placement(const struct endpoint *endpoint, const char *name)
{
    size_t len = strlen(name);
    for (const char *at = endpoint->path; (at = strstr(at, name)); at += len) {
        char before = at == endpoint->path ? '\0' : at[-1];
        char after = at[len];
        if ((before == '{' || before == '|') && (after == '}' || after == '|'))
            return before == '{' && after == '}' ? 1 : 2;
    }
    return 0;
}

bool endpoint_param_in_path(const struct endpoint *endpoint, const char *name)
{
    return placement(endpoint, name) != 0;
}

bool endpoint_param_is_alternative(const struct endpoint *endpoint, const char *name)
{
    return placement(endpoint, name) == 2;
}
