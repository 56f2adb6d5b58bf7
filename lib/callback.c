/* Kongregate's callbacks to the game: verifying them, and building replies. */
#include "api_exit.h"
#include "client.h"
#include "gamegate.h"
#include "json_safe.h"
#include "result.h"
#include "services.h"
#include "session.h"
#include "store.h"
#include "strbuf.h"
#include "text.h"
#include "wiping_alloc.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

/* Kongregate's payloads are a few hundred bytes; anything near this is abuse. */
#define CALLBACK_MAX_BYTES (64 * 1024)
#define SIGNATURE_B64URL_LEN 43 /* 32 bytes of HMAC-SHA256, unpadded */

static bool is_b64url(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return len % 4 != 1; /* no base64 text leaves a single character over */
}

/* false when OpenSSL could not compute it (it allocates). */
static bool sign(const char *key, const char *payload, size_t payload_len,
                 char out[SIGNATURE_B64URL_LEN + 1])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (!HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)payload, payload_len,
              mac, &mac_len) ||
        mac_len != 32) {
        ERR_clear_error(); /* leave nothing in the application's OpenSSL error queue */
        return false;
    }
    unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    EVP_EncodeBlock(b64, mac, (int)mac_len);
    wipe(mac, sizeof mac);
    for (int i = 0; i < SIGNATURE_B64URL_LEN; i++)
        out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : (char)b64[i];
    out[SIGNATURE_B64URL_LEN] = '\0';
    return true;
}

/* Decodes unpadded base64url into *out: GG_OK, GG_ENOMEM, or GG_ESIGNATURE
 * when it is not base64url. */
static int b64url_decode(const char *text, size_t len, unsigned char **decoded, size_t *out_len)
{
    size_t padded_len = (len + 3) / 4 * 4;
    char *padded = malloc(padded_len + 1);
    unsigned char *out = malloc(padded_len / 4 * 3 + 1);
    *decoded = NULL;
    if (!padded || !out) {
        free(padded);
        free(out);
        return GG_ENOMEM;
    }
    for (size_t i = 0; i < padded_len; i++)
        padded[i] = i >= len ? '=' : text[i] == '-' ? '+' : text[i] == '_' ? '/' : text[i];
    int count = EVP_DecodeBlock(out, (unsigned char *)padded, (int)padded_len);
    free(padded);
    if (count < 0) {
        free(out);
        return GG_ESIGNATURE;
    }
    *out_len = (size_t)count - (padded_len - len); /* EVP counts the pad as zero bytes */
    *decoded = out;
    return GG_OK;
}

static int verify_signed(const char *request, const char *key, json_t **payload,
                         const char **why)
{
    const char *dot = strchr(request, '.');
    if (!dot) {
        *why = "malformed signed_request: no '.' between signature and payload";
        return GG_ESIGNATURE;
    }
    size_t signature_len = (size_t)(dot - request);
    const char *encoded = dot + 1;
    size_t encoded_len = strlen(encoded);
    if (!is_b64url(request, signature_len) || !is_b64url(encoded, encoded_len)) {
        *why = strpbrk(request, "+/=")
                   ? "malformed signed_request: it is in base64 with '+', '/' or '=' padding; "
                     "Kongregate signs in base64url ('-', '_') without padding"
                   : "malformed signed_request: not base64url";
        return GG_ESIGNATURE;
    }
    /* The HMAC is over the encoded payload text, and is checked before any
     * of that text is decoded or parsed. */
    char expected[SIGNATURE_B64URL_LEN + 1];
    if (!sign(key, encoded, encoded_len, expected)) {
        *why = "out of memory while computing the signature";
        return GG_ENOMEM;
    }
    bool match = signature_len == SIGNATURE_B64URL_LEN &&
                 CRYPTO_memcmp(expected, request, SIGNATURE_B64URL_LEN) == 0;
    wipe(expected, sizeof expected);
    if (!match) {
        *why = "the signature does not match (wrong api_key, or a forged or altered request)";
        return GG_ESIGNATURE;
    }
    size_t json_len = 0;
    unsigned char *json = NULL;
    int code = b64url_decode(encoded, encoded_len, &json, &json_len);
    if (code != GG_OK) {
        *why = code == GG_ENOMEM ? "out of memory"
                                 : "malformed signed_request: the payload is not base64url";
        return code;
    }
    const char *what = "";
    *payload = json_safe_load((const char *)json, json_len, JSON_ALLOW_NUL, 0, &code, &what);
    wipe_free_bytes(json, json_len);
    if (code == GG_ENOMEM) {
        *why = "out of memory";
        return GG_ENOMEM;
    }
    if (!json_is_object(*payload)) {
        *why = "the signed payload is not a JSON object";
        return GG_ESIGNATURE;
    }
    /* Compared whole: a payload may hold NUL, and "HMAC-SHA256\u0000x" is not it. */
    const json_t *algorithm = json_object_get(*payload, "algorithm");
    if (!json_is_string(algorithm) || json_string_length(algorithm) != strlen("HMAC-SHA256") ||
        strcmp(json_string_value(algorithm), "HMAC-SHA256") != 0) {
        *why = "the signed payload's algorithm is not HMAC-SHA256";
        return GG_ESIGNATURE;
    }
    return GG_OK;
}

/* Decodes one percent-encoded form word; *len is its decoded length. */
static char *unescape(const char *word, size_t *len)
{
    int decoded_len = 0;
    char *decoded = curl_easy_unescape(NULL, word, 0, &decoded_len);
    *len = decoded ? (size_t)decoded_len : 0;
    return decoded;
}

/* The first len bytes of bytes as a string (strndup is not everywhere). */
static char *copy_of(const char *bytes, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, bytes, len);
        copy[len] = '\0';
    }
    return copy;
}

/* application/x-www-form-urlencoded into a JSON object of strings. NULL with
 * *code GG_ENOMEM, or GG_ESIGNATURE and why when a field's name or value
 * decodes to text with a NUL (%00) or that is not UTF-8 (such a field cannot
 * be compared as sent, and dropping or cutting it could turn a forged
 * api_key into a good one), or when a field comes twice (web frameworks read
 * the first, so the one verified could differ from the one the game uses). */
static json_t *parse_form(const char *body, int *code, const char **why)
{
    *why = "a form field holds NUL (%00) or is not UTF-8";
    json_t *fields = json_object();
    *code = fields ? GG_OK : GG_ENOMEM;
    for (const char *field = body; *code == GG_OK && *field;) {
        size_t len = strcspn(field, "&");
        char *copy = copy_of(field, len);
        if (!copy) {
            *code = GG_ENOMEM;
            break;
        }
        for (char *c = copy; *c; c++)
            if (*c == '+')
                *c = ' ';
        char *eq = strchr(copy, '=');
        if (eq)
            *eq = '\0';
        size_t name_len, value_len;
        char *name = unescape(copy, &name_len);
        char *value = unescape(eq ? eq + 1 : "", &value_len);
        json_t *text = NULL, *checked_name = NULL;
        bool kept = false;
        if (!name || !value)
            *code = GG_ENOMEM;
        else if (strlen(name) != name_len || strlen(value) != value_len)
            *code = GG_ESIGNATURE;
        else if (*name && (!(checked_name = json_safe_string(name, code)) ||
                           !(text = json_safe_string(value, code))))
            *code = *code == GG_EINVAL ? GG_ESIGNATURE : *code;
        else if (text && json_object_get(fields, name)) {
            *code = GG_ESIGNATURE;
            *why = "a form field is given twice";
        } else if (text && json_object_set(fields, name, text) != 0)
            *code = GG_ENOMEM;
        else
            kept = text != NULL;
        if (!kept)
            json_safe_wipe(text); /* a value may be a key or a token */
        json_decref(text);
        json_decref(checked_name);
        wipe_curl_free(name, name_len);
        wipe_curl_free(value, value_len);
        wipe_free_bytes(copy, len);
        field += len + (field[len] == '&');
    }
    if (*code != GG_OK) {
        json_safe_wipe(fields);
        json_decref(fields);
        return NULL;
    }
    return fields;
}

static bool same_secret(const char *a, const char *b)
{
    size_t len = strlen(a);
    return len == strlen(b) && CRYPTO_memcmp(a, b, len) == 0;
}

/* A new token for a user, straight from Kongregate: the store keeps it for
 * the game whose key verified the callback, where every server sharing the
 * store uses it next. GG_OK, or why the store could not keep it (the game
 * should then answer with an error, for Kongregate to deliver it again). */
static int refresh_login(const struct config *config, const json_t *fields, const char *key,
                         struct strbuf *msg)
{
    const char *user_id = json_string_value(json_object_get(fields, "user_id"));
    const char *token = json_string_value(json_object_get(fields, "game_auth_token"));
    char scratch[SESSION_SCOPE_SIZE];
    const char *scope = config ? options_game_scope(&config->options, key, scratch) : NULL;
    if (!user_id || !token || !scope)
        return GG_OK;
    struct login_view login = {
        .user_id = user_id,
        .username = json_string_value(json_object_get(fields, "username")),
        .token = token,
        .site = scope,
    };
    int code = store_remember(config->store, options_store_secret(&config->options, key),
                              &service_kongregate, &login, msg);
    if (code != GG_OK)
        strbuf_adds(msg, " (the callback verifies, but the new token was not kept: answer "
                         "with an error so that Kongregate delivers it again)");
    return code;
}

static int verify_plain(const struct config *config, json_t *fields, const char *key,
                        const char **why, struct strbuf *store_msg)
{
    const char *given = json_string_value(json_object_get(fields, "api_key"));
    if (!given || !same_secret(given, key)) {
        *why = "the callback's api_key does not match";
        return GG_ESIGNATURE;
    }
    /* jansson frees the value without wiping it: wipe it first. */
    json_safe_wipe(json_object_get(fields, "api_key"));
    json_object_del(fields, "api_key");
    const char *event = json_string_value(json_object_get(fields, "event"));
    if (event && strcmp(event, "invalidate_user_inventory") == 0) {
        int code = refresh_login(config, fields, key, store_msg);
        if (code != GG_OK) {
            *why = store_msg->data && !store_msg->failed ? store_msg->data : "out of memory";
            return code;
        }
    }
    return GG_OK;
}

/* A signed event that names an order is recorded in the ledger, atomically,
 * before the game acts on it: the payload's "first_delivery" says whether
 * this delivery is the one that recorded it, so that a re-delivered order
 * is awarded once on whichever server it lands. The record is the game's
 * scope, then the event and the order_id as JSON texts (so that no two
 * orders meet: 12 and "12", or a NUL or a ':' within, stay apart). */
static int record_delivery(const struct config *config, const char *key, json_t *payload,
                           struct strbuf *msg)
{
    json_t *order = json_object_get(payload, "order_id");
    if (!order)
        return GG_OK; /* not about an order: nothing to award twice */
    json_t *event = json_object_get(payload, "event");
    if (!json_is_string(event) || !(json_is_integer(order) || json_is_string(order))) {
        strbuf_adds(msg, "the signed payload's order_id is not a whole number or text, "
                         "or it has no event: it cannot be recorded");
        return GG_EPROTOCOL;
    }
    /* Set before recording: once recorded, a failure to say "true" would
     * leave every later delivery reading false, and the order never awarded. */
    if (json_object_set_new(payload, "first_delivery", json_false()) != 0)
        return GG_ENOMEM;
    char scratch[SESSION_SCOPE_SIZE];
    const char *scope = options_game_scope(&config->options, key, scratch);
    char *event_text = json_safe_dump(event), *order_text = json_safe_dump(order);
    struct strbuf name = {0};
    if (scope && event_text && order_text)
        strbuf_addf(&name, "%s:%s:%s", scope, event_text, order_text);
    free(event_text);
    free(order_text);
    bool first = false;
    int code = !name.data || name.failed
                   ? GG_ENOMEM
                   : store_record_delivery(config->store, name.data,
                                   options_get_number(&config->options, OPT_LEDGER_RETENTION_MS),
                                   &first, msg);
    strbuf_release(&name);
    if (code == GG_OK && first)
        json_object_set_new(payload, "first_delivery", json_true()); /* replaces: no allocation */
    return code;
}

static int finish(gg_client *client, struct gg_result *result, int code, const char *why,
                  const char *key, gg_result **out)
{
    if (code != GG_OK) { /* nothing of an unverified payload is handed out */
        json_safe_wipe(result->body);
        json_decref(result->body);
        result->body = NULL;
    }
    struct secrets secrets = {0};
    secrets_add(&secrets, key);
    return api_exit(client, code, why, &secrets, result, out);
}

/* A bare signed_request rather than a form: no field has a value, since an
 * '=' is only ever padding at the end of a part (which verify_signed then
 * explains). */
static bool is_raw_signed_request(const char *body)
{
    if (strchr(body, '&'))
        return false;
    for (const char *eq = strchr(body, '='); eq; eq = strchr(eq + 1, '='))
        if (eq[1] != '=' && eq[1] != '.' && eq[1] != '\0')
            return false;
    return true;
}

/* config: whose store an invalidate_user_inventory's new token goes to, or
 * NULL. */
static int verify(gg_client *client, const struct config *config, struct gg_result *result,
                  const char *body, size_t body_len, const char *key, gg_result **out)
{
    if (!body)
        return finish(client, result, GG_EINVAL, "the callback body is NULL", key, out);
    if (!key || !*key)
        return finish(client, result, GG_EINVAL,
                      "no api_key: pass one or set option kongregate.api_key", key, out);
    if (body_len > CALLBACK_MAX_BYTES)
        return finish(client, result, GG_EINVAL, "the callback body is larger than 64 KiB", key,
                      out);
    if (memchr(body, '\0', body_len))
        return finish(client, result, GG_EINVAL, "the callback body contains NUL", key, out);

    char *text = copy_of(body, body_len);
    if (!text)
        return finish(client, result, GG_ENOMEM, "out of memory", key, out);
    const char *why = "out of memory";
    int code;
    bool signed_payload = false;
    struct strbuf store_msg = {0};
    if (is_raw_signed_request(text)) {
        code = verify_signed(text, key, &result->body, &why);
        signed_payload = true;
    } else {
        json_t *fields = parse_form(text, &code, &why);
        const char *signed_request = json_string_value(json_object_get(fields, "signed_request"));
        if (!fields)
            why = code == GG_ENOMEM ? "out of memory" : why;
        else if ((signed_payload = signed_request != NULL))
            code = verify_signed(signed_request, key, &result->body, &why);
        else if ((code = verify_plain(config, fields, key, &why, &store_msg)) == GG_OK)
            result->body = json_incref(fields);
        if (!result->body)
            json_safe_wipe(fields); /* not handed out: its values go now */
        json_decref(fields);
    }
    wipe_free_bytes(text, body_len);
    /* Without a client there is no ledger, and the payload says nothing of
     * a first delivery either way. */
    struct strbuf ledger_msg = {0};
    if (code == GG_OK && signed_payload && config &&
        (code = record_delivery(config, key, result->body, &ledger_msg)) != GG_OK)
        why = ledger_msg.failed || !ledger_msg.data ? "out of memory" : ledger_msg.data;
    code = finish(client, result, code, why, key, out);
    strbuf_release(&ledger_msg);
    strbuf_release(&store_msg);
    return code;
}

GG_EXTERN int gg_callback_verify(gg_client *client, const char *body, size_t body_len,
                                 const char *api_key, gg_result **out)
{
    struct gg_result *result = result_new();
    if (!result)
        return api_exit(client, GG_ENOMEM, NULL, NULL, NULL, out);
    struct config *config = client ? client_config(client) : NULL;
    const char *key = api_key   ? api_key
                      : config ? options_get(&config->options, OPT_KONGREGATE_API_KEY)
                               : NULL;
    int code = verify(client, config, result, body, body_len, key, out);
    config_release(config);
    return code;
}

static bool is_blank(const char *text)
{
    return !text || !text[strspn(text, " \t\r\n")];
}

static int reply(json_t *body, int code, const char *why, gg_result **out)
{
    struct gg_result *result = result_new();
    if (!result) {
        json_decref(body);
        return api_exit(NULL, GG_ENOMEM, NULL, NULL, NULL, out);
    }
    if (code == GG_OK && !body)
        code = GG_ENOMEM, why = "out of memory";
    if (code == GG_OK)
        result->body = body;
    else
        json_decref(body);
    return api_exit(NULL, code, why, NULL, result, out);
}

GG_EXTERN int gg_callback_reply_items(const char *const *fields, gg_result **out)
{
    static const char *const names[] = {"name", "description", "price", "image_url"};
    if (out)
        *out = NULL;
    if (!fields || !fields[0])
        return reply(NULL, GG_EINVAL, "an item reply needs at least one item", out);
    json_t *items = json_array();
    struct strbuf why = {0};
    int code = GG_OK;
    for (size_t at = 0; code == GG_OK && fields[at]; at += 4) {
        json_t *item = json_object();
        for (size_t f = 0; code == GG_OK && f < 4; f++) {
            const char *value = fields[at + f];
            if (is_blank(value)) {
                strbuf_addf(&why, "item %zu: '%s' is missing or blank", at / 4 + 1, names[f]);
                code = GG_EINVAL;
                break;
            }
            if (f == 2) {
                char *end;
                long long price = strtoll(value, &end, 10);
                if (*end || price <= 0 || !text_is_digits(value, strlen(value), 12)) {
                    strbuf_addf(&why, "item %zu: 'price' must be a whole number of kreds > 0",
                                at / 4 + 1);
                    code = GG_EINVAL;
                    break;
                }
                if (json_object_set_new(item, names[f], json_integer(price)) != 0)
                    code = GG_ENOMEM;
            } else {
                json_t *text = json_safe_string(value, &code);
                if (code == GG_EINVAL) {
                    strbuf_addf(&why, "item %zu: '%s' is not valid UTF-8", at / 4 + 1, names[f]);
                    break;
                }
                if (code == GG_OK && json_object_set_new(item, names[f], text) != 0)
                    code = GG_ENOMEM;
            }
        }
        if (json_array_append_new(items, item) != 0 && code == GG_OK)
            code = GG_ENOMEM;
    }
    json_t *body = json_object();
    /* set_new takes items even when it fails, so nothing leaks either way. */
    if (json_object_set_new(body, "items", items) != 0 && code == GG_OK)
        code = GG_ENOMEM;
    code = reply(body, code, code == GG_ENOMEM ? "out of memory" : why.data ? why.data : "", out);
    strbuf_release(&why);
    return code;
}

GG_EXTERN int gg_callback_reply_order(const char *state, gg_result **out)
{
    if (out)
        *out = NULL;
    if (!state || (strcmp(state, "completed") != 0 && strcmp(state, "canceled") != 0))
        return reply(NULL, GG_EINVAL, "state must be \"completed\" or \"canceled\"", out);
    return reply(json_pack("{s:s}", "state", state), GG_OK, "", out);
}
