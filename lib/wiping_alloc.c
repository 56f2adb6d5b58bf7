#include "wiping_alloc.h"

#include "platform.h"

#include <curl/curl.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Each block is preceded by its size, in a header that keeps the block as
 * aligned as malloc's. */
union header {
    size_t size;
    max_align_t align;
};

void wipe(void *data, size_t size)
{
    platform_wipe(data, size);
}

void wipe_free(char *text)
{
    if (text) {
        wipe(text, strlen(text));
        free(text);
    }
}

void wipe_free_bytes(void *block, size_t size)
{
    if (block) {
        wipe(block, size);
        free(block);
    }
}

void wipe_curl_free(char *text, size_t size)
{
    if (text) {
        wipe(text, size);
        curl_free(text);
    }
}

static atomic_ulong failures;
static atomic_ulong allocations;
static bool installed_in_curl;

static void *wiping_malloc(size_t size)
{
    if (size > SIZE_MAX - sizeof(union header)) {
        atomic_fetch_add(&failures, 1);
        return NULL;
    }
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    union header *block = malloc(sizeof *block + size);
    if (!block) {
        atomic_fetch_add(&failures, 1);
        return NULL;
    }
    block->size = size;
    return block + 1;
}

static void wiping_free(void *ptr)
{
    if (!ptr)
        return;
    union header *block = (union header *)ptr - 1;
    wipe(ptr, block->size);
    free(block);
}

/* Never calls realloc, which may move the block and leave the old copy
 * unwiped. A block is grown where it lies when malloc gave it room beyond
 * what was asked (libcurl grows its buffers a few bytes at a time); else it
 * moves here, and the old one is wiped. Shrinking keeps the recorded size,
 * so that the free wipes all that was written. */
static void *wiping_realloc(void *ptr, size_t size)
{
    if (!ptr)
        return wiping_malloc(size);
    if (size == 0) {
        wiping_free(ptr);
        return NULL;
    }
    union header *block = (union header *)ptr - 1;
    if (size <= platform_usable_size(block) - sizeof *block) {
        if (size > block->size)
            block->size = size;
        return ptr;
    }
    void *moved = wiping_malloc(size);
    if (!moved)
        return NULL;
    size_t old = block->size;
    memcpy(moved, ptr, old < size ? old : size);
    wiping_free(ptr);
    return moved;
}

static void *wiping_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        atomic_fetch_add(&failures, 1);
        return NULL;
    }
    void *block = wiping_malloc(count * size);
    if (block)
        memset(block, 0, count * size);
    return block;
}

static char *wiping_strdup(const char *text)
{
    size_t len = strlen(text) + 1;
    char *copy = wiping_malloc(len);
    return copy ? memcpy(copy, text, len) : NULL;
}

int wiping_alloc_install(void)
{
    /* libcurl keeps the allocator of whoever initializes it first. */
    if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, wiping_malloc, wiping_free, wiping_realloc,
                             wiping_strdup, wiping_calloc) != CURLE_OK)
        return -1;
    /* Only a first initialization installs the functions; a later one just
     * counts. One allocation tells which happened. */
    unsigned long before = atomic_load(&allocations);
    char *probe = curl_easy_escape(NULL, "probe", 0);
    installed_in_curl = atomic_load(&allocations) != before;
    curl_free(probe);
    return 0;
}

bool wiping_alloc_in_curl(void)
{
    return installed_in_curl;
}

unsigned long wiping_alloc_failures(void)
{
    return atomic_load(&failures);
}
