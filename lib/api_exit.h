/* The one way out of every public function that makes, changes or hands
 * out something (tools/lint-exits holds them to it), after SQLite's
 * sqlite3ApiExit: what a caller reads afterwards, on the result and in
 * gg_client_errmsg, is set here alone, and cleaned here alone. */
#ifndef GG_API_EXIT_H
#define GG_API_EXIT_H

#include "gamegate.h"
#include "message.h"

/* Ends a public function with code. message (NULL: the code's own text) is
 * cleaned of secrets and of the client's keys before it is kept: on result,
 * whose body is scrubbed of the same on a failure, and on client for this
 * thread's gg_client_errmsg. result then goes to *out, or is freed when out
 * is NULL; *out is NULL when there is no result. client, secrets, result
 * and out may each be NULL. Returns code. */
int api_exit(gg_client *client, int code, const char *message, const struct secrets *secrets,
             gg_result *result, gg_result **out);

#endif
