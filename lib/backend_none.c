/* Where SQLite and hiredis are not built in (Windows, for now), the shared
 * stores are refused by name when session.store names one. */
#include "backend.h"

#include "gamegate.h"

static struct backend *not_built(const char *which, struct strbuf *msg, int *code)
{
    strbuf_addf(msg, "session.store: %s stores are not built into gamegate on this system "
                     "(\"memory\" is)", which);
    *code = GG_EINVAL;
    return NULL;
}

struct backend *sqlite_backend_open(const char *path, struct strbuf *msg, int *code)
{
    (void)path;
    return not_built("SQLite", msg, code);
}

struct backend *redis_backend_open(const char *url, struct strbuf *msg, int *code)
{
    (void)url;
    return not_built("Redis", msg, code);
}
