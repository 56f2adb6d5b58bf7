/*
 * gamegate: server-to-server calls to the Kongregate and KIT Cloud Social
 * (KickApps) back ends, behind a flat C ABI that any FFI can load.
 *
 * Conventions (the same everywhere in this header):
 * - Every function that can fail returns an int code (GG_OK or a GG_E*
 *   constant). Codes are never renumbered; new ones are only appended.
 * - A result comes back through the last argument, out, which the caller
 *   frees with the matching *_free.
 * - Every *_free accepts NULL and does nothing.
 * - Strings returned as const char * are borrowed: each function states how
 *   long the string lives. Copy it to keep it longer.
 * - A gg_client may be used by many threads at once: calls run together, each
 *   on a connection from the client's pool. It must not be freed while
 *   another thread uses it. A client made before fork() may be used in the
 *   child, which opens connections of its own and never touches the parent's.
 * - A gg_result may be read by several threads at once; it is freed once.
 * - No error message ever contains a key, a token or a password.
 */
#ifndef GAMEGATE_H
#define GAMEGATE_H

#include <stddef.h>

/* Exported from the library, imported by its callers (GG_BUILDING_LIBRARY
 * is defined only while building gamegate.dll; GG_STATIC by callers that
 * link gamegate's objects themselves). */
#if defined(_WIN32) && defined(GG_BUILDING_LIBRARY)
#  define GG_EXTERN __declspec(dllexport)
#elif defined(_WIN32) && defined(GG_STATIC)
#  define GG_EXTERN
#elif defined(_WIN32)
#  define GG_EXTERN __declspec(dllimport)
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
    GG_EDENIED = 10,   /* IP not whitelisted or banned, privileges too low */
    GG_ESIGNATURE = 11,/* a callback's signature or api_key does not verify */
    GG_ENOTFOUND = 12, /* the session store holds nothing for that user */
    GG_ECANCELED = 13, /* an asynchronous call was canceled (gg_pending_cancel) */
    GG_ESTORE = 14     /* the store session.store names could not be read or written */
};

/* What gg_endpoint_param_flags reports of a parameter. */
enum gg_param_flag {
    GG_PARAM_REQUIRED = 1 << 0,     /* the call fails without it */
    GG_PARAM_SECRET = 1 << 1,       /* a key, token or password */
    GG_PARAM_ONE_OF = 1 << 2,       /* exactly one of the endpoint's ONE_OF parameters */
    GG_PARAM_LOCAL = 1 << 3,        /* read by gamegate, never sent (e.g. member) */
    GG_PARAM_COUNT = 1 << 4,        /* a whole number >= 0 */
    GG_PARAM_PATH = 1 << 5,         /* a segment of the URL path */
    GG_PARAM_FROM_OPTION = 1 << 6,  /* defaults to a client option (a key, the site) */
    GG_PARAM_FROM_SESSION = 1 << 7  /* defaults to what the session store remembers */
};

/* What a failed call did to the service, for deciding whether to send it again. */
enum gg_outcome {
    GG_OUTCOME_SUCCEEDED = 0,   /* the service answered success */
    GG_OUTCOME_NOT_APPLIED = 1, /* nothing took effect: refused locally, never sent, a
                                   read, or the service answered with an error or a 4xx */
    GG_OUTCOME_UNKNOWN = 2      /* a call that changes state may have been applied: the
                                   request left and no complete answer came back, or the
                                   answer was a 3xx, a 5xx (503 included) or unreadable.
                                   Reconcile (e.g. user_items) before sending it again */
};

/* What gg_result_type reports of the value at a path. */
enum gg_type {
    GG_TYPE_ABSENT = 0, /* nothing at that path */
    GG_TYPE_NULL = 1,
    GG_TYPE_BOOLEAN = 2,
    GG_TYPE_NUMBER = 3,
    GG_TYPE_STRING = 4,
    GG_TYPE_ARRAY = 5,
    GG_TYPE_OBJECT = 6
};

enum gg_log_level {
    GG_LOG_ERROR = 1,   /* a call that changes state ended with an unknown outcome */
    GG_LOG_WARNING = 2, /* a call failed, or is being retried */
    GG_LOG_INFO = 3,    /* a call succeeded */
    GG_LOG_DEBUG = 4    /* each attempt: method, path (never the query), status, bytes */
};

/* Receives log lines, already cleaned of secrets; message lives for the call.
 * It must not call functions of the client that logs (it may run under the
 * client's locks). */
typedef void (*gg_log_fn)(void *userdata, int level, const char *message);

typedef struct gg_client gg_client;
typedef struct gg_result gg_result;

/* "MAJOR.MINOR.PATCH" of the loaded library. Static. */
GG_EXTERN const char *gg_version(void);

/* Static text for any code, including unknown ones. */
GG_EXTERN const char *gg_strerror(int code);

/* Creates a client with default options. On failure *out is NULL. */
GG_EXTERN int gg_client_new(gg_client **out);

/* Frees the client and wipes the keys it held (and libcurl's copies of
 * them, when gamegate initialized libcurl). NULL is a no-op. */
GG_EXTERN void gg_client_free(gg_client *client);

/*
 * Sets an option by name; value NULL restores the default. Options:
 *   kongregate.api_key, kongregate.base_url,
 *   kickapps.developer_key, kickapps.as, kickapps.base_url,
 *   timeout_ms, connect_timeout_ms, max_response_bytes,
 *   min_bytes_per_second, min_speed_window_ms,
 *   retry.attempts, retry.deadline_ms, retry.backoff_ms, retry.max_backoff_ms,
 *   ca_file, proxy, user_agent, local_address,
 *   session.capacity, session.ttl_ms, log_level (error|warning|info|debug),
 *   max_connections.
 * An unknown option or a value it cannot take is GG_EINVAL, named in
 * gg_client_errmsg(). Calls in flight finish with the options they began
 * with.
 */
GG_EXTERN int gg_client_set(gg_client *client, const char *option, const char *value);

/*
 * Sends the client's log lines at or above option log_level (default info) to
 * fn; NULL stops logging. fn is called on the thread making the call, from
 * several threads at once when several call.
 */
GG_EXTERN int gg_client_set_log(gg_client *client, gg_log_fn fn, void *userdata);

/*
 * The message of the calling thread's last call on this client (gg_client_set,
 * gg_call, gg_session_*, gg_callback_verify, ...) if it failed, "" after a
 * success. Each thread reads its own. Lives until the same thread's next call
 * on this client.
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
/*
 * gg_call with the parameters as two arrays and their length: names[i] and
 * values[i] for i < count, no terminator (for FFIs where a trailing NULL is
 * easy to forget). A NULL name or value is refused with GG_EINVAL.
 */
GG_EXTERN int gg_call_n(gg_client *client, const char *endpoint, const char *const *names,
                        const char *const *values, size_t count, gg_result **out);

/*
 * Asynchronous calls, for event loops: nothing here waits for the network,
 * except a shared session store (session.store naming SQLite or Redis),
 * which gg_call_start reads and gg_pending_finish writes on the caller's
 * thread (never on the I/O thread). gg_call_start
 * checks and starts a call like gg_call (same validation, session store,
 * retries, outcome and redaction) and returns at once; *out (if out is not
 * NULL) is a handle for gg_pending_cancel, valid until gg_pending_finish.
 * Its transfers run on the client's connections, driven by the client's I/O
 * thread; retry waits are timers. A call refused before sending completes
 * at once. When calls complete, the fd of gg_client_fd turns readable;
 * gg_client_next_done then takes them one by one (*out NULL when none is
 * left), gg_pending_userdata gives back the userdata passed to
 * gg_call_start, and gg_pending_finish hands over the result (as gg_call
 * does, remembering a login it carries) and frees the handle. A client is freed only once every call it
 * started has been finished.
 */
typedef struct gg_pending gg_pending;
GG_EXTERN int gg_call_start(gg_client *client, const char *endpoint,
                            const char *const *params, void *userdata, gg_pending **out);
/* gg_call_start with counted parameters, as gg_call_n takes them. */
GG_EXTERN int gg_call_start_n(gg_client *client, const char *endpoint,
                              const char *const *names, const char *const *values,
                              size_t count, void *userdata, gg_pending **out);
/* A file descriptor to watch for reading (an eventfd); the client's own.
 * Where the system has none (Windows), GG_EINVAL: poll gg_client_next_done. */
GG_EXTERN int gg_client_fd(gg_client *client, int *out);
GG_EXTERN int gg_client_next_done(gg_client *client, gg_pending **out);
GG_EXTERN void *gg_pending_userdata(const gg_pending *pending);
GG_EXTERN int gg_pending_finish(gg_pending *pending, gg_result **out);
/*
 * Ends the call as soon as possible: it completes with GG_ECANCELED and the
 * outcome of what was sent (GG_OUTCOME_UNKNOWN for a state change whose
 * request had left), or with its own result if it completed first.
 */
GG_EXTERN int gg_pending_cancel(gg_pending *pending);

/*
 * Observing calls one attempt at a time, for metrics and tracing. fn is
 * called twice per attempt, on the thread that runs it (a blocking caller's
 * or the client's I/O thread), from several threads at once if calls run at
 * once: with gg_attempt_phase GG_ATTEMPT_STARTING before the request is sent,
 * when gg_attempt_add_header may add a header to it (a trace context, e.g.
 * traceparent), and GG_ATTEMPT_ENDED after it, when the rest can be read.
 * The attempt and its strings live for the callback. Nothing an attempt
 * reports holds a key, a token or a parameter's value. Once
 * gg_client_set_observer returns, the previous fn is never called again;
 * NULL removes it. As in libcurl's callbacks, fn must not call functions of
 * its own client (other than the gg_attempt_* ones on attempt): it may run
 * under the client's locks.
 */
enum gg_attempt_phase { GG_ATTEMPT_STARTING = 0, GG_ATTEMPT_ENDED = 1 };
typedef struct gg_attempt gg_attempt;
typedef void (*gg_observe_fn)(void *userdata, gg_attempt *attempt);
GG_EXTERN int gg_client_set_observer(gg_client *client, gg_observe_fn fn, void *userdata);
GG_EXTERN int gg_attempt_phase(const gg_attempt *attempt);
GG_EXTERN const char *gg_attempt_endpoint(const gg_attempt *attempt); /* "kongregate.items" */
GG_EXTERN const char *gg_attempt_method(const gg_attempt *attempt);   /* "GET" or "POST" */
GG_EXTERN const char *gg_attempt_path(const gg_attempt *attempt);     /* with {param} segments */
GG_EXTERN int gg_attempt_number(const gg_attempt *attempt);           /* 1 for the first */
/* Once ended: the HTTP status (0: no response), the time from start to end,
 * the response body's bytes, the attempt's code, the outcome the call would
 * have if it ended here, and 1 if another attempt follows. */
GG_EXTERN int gg_attempt_http_status(const gg_attempt *attempt);
GG_EXTERN long long gg_attempt_elapsed_us(const gg_attempt *attempt);
GG_EXTERN long long gg_attempt_bytes(const gg_attempt *attempt);
GG_EXTERN int gg_attempt_code(const gg_attempt *attempt);
GG_EXTERN int gg_attempt_outcome(const gg_attempt *attempt);
GG_EXTERN int gg_attempt_retrying(const gg_attempt *attempt);
/*
 * While starting: adds "name: value" to this attempt's request. GG_EINVAL
 * for a name that is not an HTTP token or is one gamegate or libcurl manages
 * (Host, Accept, Content-Length, Content-Type, Connection, User-Agent, ...),
 * a value that is empty, starts or ends with a space, or holds a control
 * character (CR and LF among them), a line over 1 KiB, more than 8 headers,
 * or after the start; GG_ENOMEM when it could not be added.
 */
GG_EXTERN int gg_attempt_add_header(gg_attempt *attempt, const char *name, const char *value);

/* The code gg_call returned for this result. */
GG_EXTERN int gg_result_code(const gg_result *result);

/* What went wrong, "" on success. Lives as long as the result. */
GG_EXTERN const char *gg_result_message(const gg_result *result);

/* The HTTP status of the response, 0 if none arrived. */
GG_EXTERN int gg_result_http_status(const gg_result *result);

/* GG_OUTCOME_*: whether sending the call again is safe. */
GG_EXTERN int gg_result_outcome(const gg_result *result);

/* How many times the request was sent (0 if it was refused before sending). */
GG_EXTERN int gg_result_attempts(const gg_result *result);

/*
 * The value at a path: "" is the whole body; a path starting with '/' is a
 * JSON Pointer (RFC 6901: "/items/0/name", "/a.b" for a member named "a.b",
 * ~1 for '/' and ~0 for '~' within a name); any other path is dotted names
 * ("username", "items.0.name", "user_vars.level"). Strings read back as
 * themselves; numbers (also those beyond 64 bits or a double's range),
 * booleans, null, objects and arrays as their JSON text. NULL if the path
 * is absent, or for a string holding NUL (only a callback's payload can
 * have one), whose type is GG_TYPE_STRING and whose exact text is in
 * gg_result_json. Lives as long as the result.
 */
GG_EXTERN const char *gg_result_get(const gg_result *result, const char *path);

/* GG_TYPE_* of the value at path, GG_TYPE_ABSENT if none: tells JSON null
 * from the string "null". */
GG_EXTERN int gg_result_type(const gg_result *result, const char *path);

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

/*
 * The endpoint table, for bindings and tools that must not keep a list of
 * their own. Endpoints are numbered 0 .. gg_endpoint_count() - 1 and their
 * parameters 0 .. gg_endpoint_param_count(e) - 1; strings are static; an index
 * out of range gives NULL (or 0).
 */
GG_EXTERN size_t gg_endpoint_count(void);
GG_EXTERN const char *gg_endpoint_name(size_t endpoint);
GG_EXTERN const char *gg_endpoint_method(size_t endpoint);   /* "GET" or "POST" */
GG_EXTERN const char *gg_endpoint_path(size_t endpoint);     /* with {param} segments */
GG_EXTERN const char *gg_endpoint_summary(size_t endpoint);  /* one line */
/* 1 if a failed call may be sent again without changing state twice. */
GG_EXTERN int gg_endpoint_retry_safe(size_t endpoint);
/* 1 if the endpoint also takes any name=<whole number> pairs (statistics). */
GG_EXTERN int gg_endpoint_takes_counts(size_t endpoint);
GG_EXTERN size_t gg_endpoint_param_count(size_t endpoint);
GG_EXTERN const char *gg_endpoint_param_name(size_t endpoint, size_t param);
GG_EXTERN unsigned int gg_endpoint_param_flags(size_t endpoint, size_t param); /* GG_PARAM_* */
/* "daily|weekly|lifetime" when only those values are accepted, else NULL. */
GG_EXTERN const char *gg_endpoint_param_choices(size_t endpoint, size_t param);

/*
 * The session store. A successful kongregate.authenticate remembers
 * user_id -> username and game_auth_token for the game (the api_key in
 * force); a successful KickApps token creation remembers the member (by
 * username and by userId) on its site -> TOKEN, PRIVILEGES, METHOD. Calls
 * that need those take them from the store when the caller leaves them out.
 * Options: session.capacity (entries; the least recently used go first) and
 * session.ttl_ms.
 *
 * service is "kongregate" (who: a user_id of the game whose api_key the
 * option kongregate.api_key holds; site ignored) or "kickapps" (who: a
 * userId when all digits, else a username; site: the `as`, NULL for the
 * kickapps.as option).
 * gg_session_get stores a result whose fields are the remembered ones
 * (kongregate: user_id, username, game_auth_token; kickapps: as, userId,
 * username, TOKEN, PRIVILEGES, METHOD), or GG_ENOTFOUND.
 */
GG_EXTERN int gg_session_get(gg_client *client, const char *service, const char *site,
                             const char *who, gg_result **out);
/* Forgets the user; GG_ENOTFOUND if nothing was remembered. */
GG_EXTERN int gg_session_forget(gg_client *client, const char *service, const char *site,
                                const char *who);
/*
 * Makes client use owner's session store from now on, so that clients in
 * different threads share what they learn; the store lives until the last
 * client using it is freed. The store is thread-safe.
 */
GG_EXTERN int gg_client_share_sessions(gg_client *client, gg_client *owner);

/*
 * Kongregate's callbacks to the game's callback URL. body is the raw
 * `signed_request` value or the whole application/x-www-form-urlencoded body,
 * of body_len bytes. Signed events are verified (HMAC-SHA256 with the api_key,
 * compared in constant time before anything is decoded; algorithm must be
 * HMAC-SHA256); plain events must carry the client's api_key. api_key NULL
 * means the kongregate.api_key option; client may be NULL when api_key is
 * given. The result's fields are the payload (signed) or the form fields but
 * api_key (plain). An invalidate_user_inventory event replaces the user's
 * game_auth_token in the client's session store. GG_ESIGNATURE when it does
 * not verify: a wrong signature or api_key, a malformed signed_request, an
 * algorithm other than HMAC-SHA256, a form field holding NUL (%00) or bytes
 * that are not UTF-8. GG_EINVAL for a NULL or NUL-holding body, one over
 * 64 KiB, or no api_key.
 */
GG_EXTERN int gg_callback_verify(gg_client *client, const char *body, size_t body_len,
                                 const char *api_key, gg_result **out);
/*
 * The game's reply to item_order_request: fields is a NULL-terminated list of
 * name, description, price, image_url quadruples (all non-blank, price a
 * whole number of kreds > 0). gg_result_json(*out) is the body to send.
 */
GG_EXTERN int gg_callback_reply_items(const char *const *fields, gg_result **out);
/* The reply to item_order_placed: state is "completed" or "canceled". */
GG_EXTERN int gg_callback_reply_order(const char *state, gg_result **out);

#ifdef __cplusplus
}
#endif

#endif
