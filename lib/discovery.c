/* The endpoint table as the ABI shows it to bindings and tools. */
#include "endpoints.h"
#include "gamegate.h"

static const struct param_spec *param_at(size_t endpoint, size_t param)
{
    const struct endpoint *row = endpoint_at(endpoint);
    return row && param < endpoint_param_count(row) ? &row->params[param] : NULL;
}

GG_EXTERN size_t gg_endpoint_count(void)
{
    size_t count = 0;
    while (endpoint_at(count))
        count++;
    return count;
}

GG_EXTERN const char *gg_endpoint_name(size_t endpoint)
{
    const struct endpoint *row = endpoint_at(endpoint);
    return row ? row->name : NULL;
}

GG_EXTERN const char *gg_endpoint_method(size_t endpoint)
{
    const struct endpoint *row = endpoint_at(endpoint);
    return row ? row->method : NULL;
}

GG_EXTERN const char *gg_endpoint_path(size_t endpoint)
{
    const struct endpoint *row = endpoint_at(endpoint);
    return row ? row->path : NULL;
}

GG_EXTERN const char *gg_endpoint_summary(size_t endpoint)
{
    const struct endpoint *row = endpoint_at(endpoint);
    return row ? row->summary : NULL;
}

GG_EXTERN int gg_endpoint_retry_safe(size_t endpoint)
{
    const struct endpoint *row = endpoint_at(endpoint);
    return row && row->retry_safe;
}

GG_EXTERN int gg_endpoint_takes_counts(size_t endpoint)
{
    const struct endpoint *row = endpoint_at(endpoint);
    return row && (row->flags & EXTRA_COUNTS);
}

GG_EXTERN size_t gg_endpoint_param_count(size_t endpoint)
{
    const struct endpoint *row = endpoint_at(endpoint);
    return row ? endpoint_param_count(row) : 0;
}

GG_EXTERN const char *gg_endpoint_param_name(size_t endpoint, size_t param)
{
    const struct param_spec *spec = param_at(endpoint, param);
    return spec ? spec->name : NULL;
}

GG_EXTERN unsigned int gg_endpoint_param_flags(size_t endpoint, size_t param)
{
    const struct param_spec *spec = param_at(endpoint, param);
    if (!spec)
        return 0;
    const struct endpoint *row = endpoint_at(endpoint);
    unsigned flags = spec->flags;
    if (endpoint_param_in_path(row, spec->name))
        flags |= GG_PARAM_PATH;
    if (endpoint_param_is_alternative(row, spec->name))
        flags |= GG_PARAM_ONE_OF; /* {a|b}: exactly one of them */
    if (spec->from_option != OPT_NONE)
        flags |= GG_PARAM_FROM_OPTION;
    if (spec->from_session != FROM_NOTHING)
        flags |= GG_PARAM_FROM_SESSION;
    return flags;
}

GG_EXTERN const char *gg_endpoint_param_choices(size_t endpoint, size_t param)
{
    const struct param_spec *spec = param_at(endpoint, param);
    return spec ? spec->choices : NULL;
}
