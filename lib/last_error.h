/* gg_client_errmsg's text, kept per thread: with one client shared by many
 * threads, each thread reads the outcome of its own last call. */
#ifndef GG_LAST_ERROR_H
#define GG_LAST_ERROR_H

/* Records the outcome of this thread's latest call on the client with that
 * serial number; message NULL means the code's own text. */
void last_error_set(unsigned long long client_serial, int code, const char *message);
/* The message of this thread's latest failed call on that client, "" after a
 * success or when there was none. Lives until this thread's next call on it. */
const char *last_error_get(unsigned long long client_serial);

#endif
