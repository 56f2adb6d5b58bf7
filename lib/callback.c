/* Kongregate's callbacks to the game: verifying them, and building replies. */
#include "client.h"
#include "gamegate.h"
#include "result.h"
#include "session.h"
#include "strbuf.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
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

static void sign(const char *key, const char *payload, size_t payload_len,
                 char out[SIGNATURE_B64URL_LEN + 1])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)payload, payload_len, mac,
         &mac_len);
    unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    EVP_EncodeBlock(b64, mac, (int)mac_len);
    OPENSSL_cleanse(mac, sizeof mac);
    for (int i = 0; i < SIGNATURE_B64URL_LEN; i++)
        out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : (char)b64[i];
    out[SIGNATURE_B64URL_LEN] = '\0';
}

/* Decodes unpadded base64url; NULL if it is not. */
static unsigned char *b64url_decode(const char *text, size_t len, size_t *out_len)
{
    size_t padded_len = (len + 3) / 4 * 4;
    char *padded = malloc(padded_len + 1);
    unsigned char *out = malloc(padded_len / 4 * 3 + 1);
    if (!padded || !out) {
        free(padded);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < padded_len; i++)
        padded[i] = i >= len ? '=' : text[i] == '-' ? '+' : text[i] == '_' ? '/' : text[i];
    int decoded = EVP_DecodeBlock(out, (unsigned char *)padded, (int)padded_len);
    free(padded);
    if (decoded < 0) {
        free(out);
        return NULL;
    }
    *out_len = (size_t)decoded - (padded_len - len); /* EVP counts the pad as zero bytes */
    return out;
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
        *why = "malformed signed_request: not base64url";
        return GG_ESIGNATURE;
    }
    /* The HMAC is over the encoded payload text, and is checked before any
     * of that text is decoded or parsed. */
    char expected[SIGNATURE_B64URL_LEN + 1];
    sign(key, encoded, encoded_len, expected);
    bool match = signature_len == SIGNATURE_B64URL_LEN &&
                 CRYPTO_memcmp(expected, request, SIGNATURE_B64URL_LEN) == 0;
    OPENSSL_cleanse(expected, sizeof expected);
    if (!match) {
        *why = "the signature does not match (wrong api_key, or a forged or altered request)";
        return GG_ESIGNATURE;
    }
    size_t json_len = 0;
    unsigned char *json = b64url_decode(encoded, encoded_len, &json_len);
    if (!json) {
        *why = "malformed signed_request: the payload is not base64url";
        return GG_ESIGNATURE;
    }
    *payload = json_loadb((const char *)json, json_len, 0, NULL);
    free(json);
    if (!json_is_object(*payload)) {
        *why = "the signed payload is not a JSON object";
        return GG_ESIGNATURE;
    }
    const char *algorithm = json_string_value(json_object_get(*payload, "algorithm"));
    if (!algorithm || strcmp(algorithm, "HMAC-SHA256") != 0) {
        *why = "the signed payload's algorithm is not HMAC-SHA256";
        return GG_ESIGNATURE;
    }
    return GG_OK;
}

/* application/x-www-form-urlencoded into a JSON object of strings. */
static json_t *parse_form(const char *body)
{
    json_t *fields = json_object();
    for (const char *field = body; fields && *field;) {
        size_t len = strcspn(field, "&");
        char *copy = strndup(field, len);
        if (!copy) {
            json_decref(fields);
            return NULL;
        }
        for (char *c = copy; *c; c++)
            if (*c == '+')
                *c = ' ';
        char *eq = strchr(copy, '=');
        if (eq)
            *eq = '\0';
        char *name = curl_easy_unescape(NULL, copy, 0, NULL);
        char *value = curl_easy_unescape(NULL, eq ? eq + 1 : "", 0, NULL);
        /* json_string refuses invalid UTF-8 and NUL: such a field is dropped. */
        json_t *text = value ? json_string(value) : NULL;
        if (name && *name && text)
            json_object_set(fields, name, text);
        json_decref(text);
        if (value)
            OPENSSL_cleanse(value, strlen(value));
        curl_free(name);
        curl_free(value);
        OPENSSL_cleanse(copy, len);
        free(copy);
        field += len + (field[len] == '&');
    }
    return fields;
}

static bool same_secret(const char *a, const char *b)
{
    size_t len = strlen(a);
    return len == strlen(b) && CRYPTO_memcmp(a, b, len) == 0;
}

/* A new token for a user, straight from Kongregate: the store keeps it. */
static void refresh_login(gg_client *client, const json_t *fields)
{
    const char *user_id = json_string_value(json_object_get(fields, "user_id"));
    const char *token = json_string_value(json_object_get(fields, "game_auth_token"));
    char key[SESSION_KEY_MAX];
    if (!client || !user_id || !token || !session_key(key, "kongregate", NULL, user_id))
        return;
    struct session_data data = {
        .user_id = (char *)user_id,
        .username = (char *)json_string_value(json_object_get(fields, "username")),
        .token = (char *)token,
    };
    session_remember(client->sessions, key, &data);
}

static int verify_plain(gg_client *client, json_t *fields, const char *key, const char **why)
{
    const char *given = json_string_value(json_object_get(fields, "api_key"));
    if (!given || !same_secret(given, key)) {
        *why = "the callback's api_key does not match";
        return GG_ESIGNATURE;
    }
    json_object_del(fields, "api_key");
    const char *event = json_string_value(json_object_get(fields, "event"));
    if (event && strcmp(event, "invalidate_user_inventory") == 0)
        refresh_login(client, fields);
    return GG_OK;
}

static int finish(gg_client *client, struct gg_result *result, int code, const char *why,
                  const char *key, gg_result **out)
{
    const char *secrets[] = {key ? key : ""};
    result_set_outcome(result, code, why, secrets, 1);
    if (code != GG_OK) { /* nothing of an unverified payload is handed out */
        json_decref(result->body);
        result->body = NULL;
    }
    if (client)
        client_remember(client, code, result->message);
    return result_hand_out(result, out);
}

GG_EXTERN int gg_callback_verify(gg_client *client, const char *body, size_t body_len,
                                 const char *api_key, gg_result **out)
{
    if (out)
        *out = NULL;
    struct gg_result *result = result_new();
    if (!result)
        return GG_ENOMEM;
    const char *key = api_key ? api_key
                              : client ? options_get(&client->options, OPT_KONGREGATE_API_KEY)
                                       : NULL;
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

    char *text = strndup(body, body_len);
    if (!text)
        return finish(client, result, GG_ENOMEM, "out of memory", key, out);
    const char *why = "out of memory";
    int code;
    if (!strchr(text, '=')) {
        code = verify_signed(text, key, &result->body, &why);
    } else {
        json_t *fields = parse_form(text);
        const char *signed_request = json_string_value(json_object_get(fields, "signed_request"));
        if (!fields)
            code = GG_ENOMEM;
        else if (signed_request)
            code = verify_signed(signed_request, key, &result->body, &why);
        else if ((code = verify_plain(client, fields, key, &why)) == GG_OK)
            result->body = json_incref(fields);
        json_decref(fields);
    }
    OPENSSL_cleanse(text, body_len);
    free(text);
    return finish(client, result, code, why, key, out);
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
        return GG_ENOMEM;
    }
    if (code == GG_OK && !body)
        code = GG_ENOMEM, why = "out of memory";
    if (code == GG_OK)
        result->body = body;
    else
        json_decref(body);
    result_set_outcome(result, code, why, NULL, 0);
    return result_hand_out(result, out);
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
                if (*end || price <= 0 || value[0] < '0' || value[0] > '9' ||
                    strlen(value) > 12) {
                    strbuf_addf(&why, "item %zu: 'price' must be a whole number of kreds > 0",
                                at / 4 + 1);
                    code = GG_EINVAL;
                    break;
                }
                json_object_set_new(item, names[f], json_integer(price));
            } else {
                json_object_set_new(item, names[f], json_string(value));
            }
        }
        if (code == GG_OK && json_object_size(item) != 4) {
            strbuf_addf(&why, "item %zu: a field is not valid UTF-8", at / 4 + 1);
            code = GG_EINVAL;
        }
        json_array_append_new(items, item);
    }
    json_t *body = json_pack("{s:o}", "items", items);
    code = reply(body, code, why.data ? why.data : "", out);
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
