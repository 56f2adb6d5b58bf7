"""The C ABI as cffi sees it, and the loaded library."""

import os

from cffi import FFI

CDEF = """
enum gg_code {
    GG_OK = 0, GG_EINVAL = 1, GG_ENOMEM = 2, GG_ENETWORK = 3, GG_ETIMEOUT = 4,
    GG_ETLS = 5, GG_EHTTP = 6, GG_EPROTOCOL = 7, GG_ESERVICE = 8, GG_EAUTH = 9,
    GG_EDENIED = 10, GG_ESIGNATURE = 11, GG_ENOTFOUND = 12, GG_ECANCELED = 13
};
enum gg_param_flag {
    GG_PARAM_REQUIRED = 1, GG_PARAM_SECRET = 2, GG_PARAM_ONE_OF = 4, GG_PARAM_LOCAL = 8,
    GG_PARAM_COUNT = 16, GG_PARAM_PATH = 32, GG_PARAM_FROM_OPTION = 64,
    GG_PARAM_FROM_SESSION = 128
};
enum gg_outcome { GG_OUTCOME_SUCCEEDED = 0, GG_OUTCOME_NOT_APPLIED = 1, GG_OUTCOME_UNKNOWN = 2 };
enum gg_type { GG_TYPE_ABSENT = 0, GG_TYPE_NULL = 1, GG_TYPE_BOOLEAN = 2, GG_TYPE_NUMBER = 3,
               GG_TYPE_STRING = 4, GG_TYPE_ARRAY = 5, GG_TYPE_OBJECT = 6 };
enum gg_log_level { GG_LOG_ERROR = 1, GG_LOG_WARNING = 2, GG_LOG_INFO = 3, GG_LOG_DEBUG = 4 };
typedef void (*gg_log_fn)(void *userdata, int level, const char *message);
typedef struct gg_client gg_client;
typedef struct gg_result gg_result;

const char *gg_version(void);
const char *gg_strerror(int code);
int gg_client_new(gg_client **out);
void gg_client_free(gg_client *client);
int gg_client_set(gg_client *client, const char *option, const char *value);
const char *gg_client_errmsg(const gg_client *client);
int gg_call(gg_client *client, const char *endpoint, const char *const *params,
            gg_result **out);
typedef struct gg_pending gg_pending;
int gg_call_start(gg_client *client, const char *endpoint, const char *const *params,
                  void *userdata, gg_pending **out);
int gg_client_fd(gg_client *client, int *out);
int gg_client_next_done(gg_client *client, gg_pending **out);
void *gg_pending_userdata(const gg_pending *pending);
int gg_pending_finish(gg_pending *pending, gg_result **out);
int gg_pending_cancel(gg_pending *pending);
int gg_result_code(const gg_result *result);
const char *gg_result_message(const gg_result *result);
int gg_result_http_status(const gg_result *result);
int gg_result_outcome(const gg_result *result);
int gg_result_attempts(const gg_result *result);
int gg_client_set_log(gg_client *client, gg_log_fn fn, void *userdata);
const char *gg_result_get(const gg_result *result, const char *path);
int gg_result_type(const gg_result *result, const char *path);
size_t gg_result_count(const gg_result *result, const char *path);
const char *gg_result_json(const gg_result *result);
void gg_result_free(gg_result *result);

size_t gg_endpoint_count(void);
const char *gg_endpoint_name(size_t endpoint);
const char *gg_endpoint_method(size_t endpoint);
const char *gg_endpoint_path(size_t endpoint);
const char *gg_endpoint_summary(size_t endpoint);
int gg_endpoint_retry_safe(size_t endpoint);
int gg_endpoint_takes_counts(size_t endpoint);
size_t gg_endpoint_param_count(size_t endpoint);
const char *gg_endpoint_param_name(size_t endpoint, size_t param);
unsigned gg_endpoint_param_flags(size_t endpoint, size_t param);
const char *gg_endpoint_param_choices(size_t endpoint, size_t param);

int gg_session_get(gg_client *client, const char *service, const char *site,
                   const char *who, gg_result **out);
int gg_session_forget(gg_client *client, const char *service, const char *site,
                      const char *who);
int gg_client_share_sessions(gg_client *client, gg_client *owner);

int gg_callback_verify(gg_client *client, const char *body, size_t body_len,
                       const char *api_key, gg_result **out);
int gg_callback_reply_items(const char *const *fields, gg_result **out);
int gg_callback_reply_order(const char *state, gg_result **out);
"""

ffi = FFI()
ffi.cdef(CDEF)


def _candidates():
    """GAMEGATE_LIBRARY if set (and then only it), else the copy built in
    this checkout, else the installed one."""
    explicit = os.environ.get("GAMEGATE_LIBRARY")
    if explicit:
        return [explicit]
    here = os.path.dirname(os.path.abspath(__file__))
    built = os.path.join(here, "..", "..", "..", "build", "lib", "libgamegate.so.0")
    return [os.path.normpath(built), "libgamegate.so.0"]


def _load():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append("%s (no such file)" % path)
            continue
        try:
            return ffi.dlopen(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError("gamegate: cannot load libgamegate: tried " + "; ".join(tried)
                      + ". Build it with `make`, or set GAMEGATE_LIBRARY.")


lib = _load()


def text(cdata):
    """A C string from the library as str (NULL as None)."""
    if cdata == ffi.NULL:
        return None
    return ffi.string(cdata).decode("utf-8", errors="replace")
