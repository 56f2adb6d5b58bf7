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
    if (config && !(config->ledger = ledger_open("memory", &ignored, &code))) {
        free(config);
        config = NULL;
    }
    strbuf_release(&ignored);
    if (config && !(config->sessions = session_store_new())) {
        ledger_release(config->ledger);
        free(config);
        return NULL;
    }
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
    config->sessions = from->sessions;
    session_store_retain(config->sessions);
    config->ledger = from->ledger;
    ledger_retain(config->ledger);
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
    session_store_release(config->sessions);
    ledger_release(config->ledger);
    free(config);
}
