/*
 * gamegate: server-to-server calls to the Kongregate and KIT Cloud Social
 * (KickApps) back ends, behind a flat C ABI that any FFI can load.
 *
 * Conventions (the same everywhere in this header):
 * - Every function that can fail returns an int code (GG_OK or a GG_E*
 *   constant). Codes are never renumbered; new ones are only appended.
 * - Output arguments come first; a function stores into *out only what the
 *   caller must later free with the matching *_free.
 * - Every *_free accepts NULL and does nothing.
 * - Strings returned as const char * are borrowed: each function states how
 *   long the string lives. Copy it to keep it longer.
 * - A gg_client is used by one thread at a time; distinct clients are
 *   independent and may be used from different threads at once.
 * - No error message ever contains a key, a token or a password.
 */
#ifndef GAMEGATE_H
#define GAMEGATE_H

#include <stddef.h>

#if defined(_WIN32)
#  define GG_EXTERN __declspec(dllexport)
#elif defined(__GNUC__)
#  define GG_EXTERN __attribute__((visibility("default")))
#else
#  define GG_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define GG_VERSION_MAJOR 0
#define GG_VERSION_MINOR 1
#define GG_VERSION_PATCH 0

enum gg_code {
    GG_OK = 0,
    GG_EINVAL = 1,     /* unknown option or endpoint, bad or missing parameter */
    GG_ENOMEM = 2,     /* an allocation failed */
    GG_ENETWORK = 3,   /* could not connect, connection reset, bad response framing */
    GG_ETIMEOUT = 4,   /* connect or total time limit reached */
    GG_ETLS = 5,       /* TLS handshake or certificate verification failed */
    GG_EHTTP = 6,      /* the service answered with an HTTP status other than 2xx */
    GG_EPROTOCOL = 7,  /* the body is not the JSON the service documents, or too large */
    GG_ESERVICE = 8,   /* the service reported an error (success:false, status "-1") */
    GG_EAUTH = 9,      /* credentials or developer key rejected */
    GG_EDENIED = 10    /* IP not whitelisted or banned, privileges too low */
};

typedef struct gg_client gg_client;
typedef struct gg_result gg_result;

/* "MAJOR.MINOR.PATCH" of the loaded library. Static. */
GG_EXTERN const char *gg_version(void);

/* Static text for any code, including unknown ones. */
GG_EXTERN const char *gg_strerror(int code);

/* Creates a client with default options. On failure *out is NULL. */
GG_EXTERN int gg_client_new(gg_client **out);

/* Frees the client and wipes the keys it held. NULL is a no-op. */
GG_EXTERN void gg_client_free(gg_client *client);

/*
 * Sets an option by name; value NULL restores the default. Options:
 *   kongregate.api_key, kongregate.base_url,
 *   kickapps.developer_key, kickapps.as, kickapps.base_url,
 *   timeout_ms, connect_timeout_ms, max_response_bytes,
 *   ca_file, proxy, user_agent, local_address.
 * An unknown option or a value it cannot take is GG_EINVAL, named in
 * gg_client_errmsg().
 */
GG_EXTERN int gg_client_set(gg_client *client, const char *option, const char *value);

/*
 * The message of the last failed gg_client_set or gg_call on this client,
 * "" after a success. Lives until the next call on this client.
 */
GG_EXTERN const char *gg_client_errmsg(const gg_client *client);

/*
 * Calls an endpoint by name ("kongregate.authenticate", ...). params is a
 * NULL-terminated list of name, value pairs, or NULL. Keys (api_key,
 * developerKey, as) come from the client's options unless params name them.
 * Whenever a result can be allocated it is stored in *out, on failure too,
 * so that its message and the service's own error fields can be read; out
 * may be NULL when the caller needs only the code.
 */
GG_EXTERN int gg_call(gg_client *client, const char *endpoint,
                      const char *const *params, gg_result **out);

/* The code gg_call returned for this result. */
GG_EXTERN int gg_result_code(const gg_result *result);

/* What went wrong, "" on success. Lives as long as the result. */
GG_EXTERN const char *gg_result_message(const gg_result *result);

/* The HTTP status of the response, 0 if none arrived. */
GG_EXTERN int gg_result_http_status(const gg_result *result);

/*
 * The value at a dotted path ("username", "items.0.name", "user_vars.level";
 * "" is the whole body). Strings read back as themselves; numbers, booleans,
 * null, objects and arrays as their JSON text. NULL if the path is absent.
 * Lives as long as the result.
 */
GG_EXTERN const char *gg_result_get(const gg_result *result, const char *path);

/* Elements of the array or members of the object at path; 0 otherwise. */
GG_EXTERN size_t gg_result_count(const gg_result *result, const char *path);

/*
 * The normalized body as compact JSON: KickApps' one-element array wrapper
 * and JSONP padding removed. "" when no JSON body arrived. Lives as long as
 * the result.
 */
GG_EXTERN const char *gg_result_json(const gg_result *result);

/* NULL is a no-op. */
GG_EXTERN void gg_result_free(gg_result *result);

#ifdef __cplusplus
}
#endif

#endif
