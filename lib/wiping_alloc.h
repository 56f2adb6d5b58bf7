/* The allocator gamegate gives libcurl: every block is wiped when freed, so
 * the copies libcurl makes of URLs and request bodies (which hold keys and
 * tokens) do not outlive their use; and failed allocations are counted, so
 * that a libcurl "out of memory" can be told from libcurl refusing what a
 * server sent (it reports a giant header line with the same code).
 * jansson's allocator is left alone: it is the whole process's, and blocks
 * made before a switch would be freed by the wrong function after it. */
#ifndef GG_WIPING_ALLOC_H
#define GG_WIPING_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* Zeroes size bytes at data in a way the compiler keeps even when the memory
 * is freed next: every secret gamegate held is wiped through here. */
void wipe(void *data, size_t size);
/* Wipes a string malloc gave, then frees it; NULL is a no-op. */
void wipe_free(char *text);
/* The same for size bytes that may hold NUL, and for what libcurl
 * allocated (curl_free). NULL is a no-op. */
void wipe_free_bytes(void *block, size_t size);
void wipe_curl_free(char *text, size_t size);

/* Initializes libcurl with this allocator, unless the process initialized
 * libcurl before (then libcurl keeps its own, and nothing is wiped). 0 on
 * success, -1 when libcurl could not be initialized. Once per process. */
int wiping_alloc_install(void);

/* Whether libcurl allocates through this allocator. */
bool wiping_alloc_in_curl(void);

/* How many allocations have failed so far, in any thread. */
unsigned long wiping_alloc_failures(void);

#endif
