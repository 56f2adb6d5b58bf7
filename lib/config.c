#include "config.h"

#include <stdlib.h>

static atomic_ulong generations;

static struct config *config_alloc(void)
{
    struct config *config = calloc(1, sizeof *config);
    if (config) {
        config->generation = atomic_fetch_add(&generations, 1) + 1;
        atomic_init(&config->refs, 1);
    }
    return config;
}

struct config *config_new(void)
{
    struct config *config = config_alloc();
    struct strbuf ignored = {0};
    int code;
    if (config && !(config->store = store_open("memory", &ignored, &code))) {
        free(config);
        config = NULL;
    }
    strbuf_release(&ignored);
    return config;
}

struct config *config_copy(const struct config *from)
{
    struct config *config = config_alloc();
    if (!config)
        return NULL;
    if (!options_copy(&config->options, &from->options)) {
        free(config);
        return NULL;
    }
    config->store = from->store;
    store_retain(config->store);
    return config;
}

void config_retain(struct config *config)
{
    atomic_fetch_add(&config->refs, 1);
}

void config_release(struct config *config)
{
    if (!config || atomic_fetch_sub(&config->refs, 1) != 1)
        return;
    options_clear(&config->options);
    store_release(config->store);
    free(config);
}
