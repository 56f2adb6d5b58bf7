#include "json_safe.h"

#include "gamegate.h"

#include <stdbool.h>

json_t *json_safe_string(const char *text, int *code)
{
    /* Twice: a failure that does not repeat was memory, not the text. */
    json_t *value = json_string(text);
    if (!value)
        value = json_string(text);
    if (value) {
        *code = GG_OK;
        return value;
    }
    json_t *unchecked = json_string_nocheck(text);
    *code = unchecked ? GG_EINVAL : GG_ENOMEM;
    json_decref(unchecked);
    return NULL;
}

static const char *describe(const json_error_t *error)
{
    switch (json_error_code(error)) {
    case json_error_invalid_utf8: return "invalid UTF-8";
    case json_error_premature_end_of_input: return "it ends too soon";
    case json_error_end_of_input_expected: return "text follows the JSON value";
    case json_error_null_character: return "a NUL character";
    case json_error_numeric_overflow: return "a number out of range";
    case json_error_duplicate_key: return "a duplicate key";
    default: return "invalid syntax or nesting too deep";
    }
}

json_t *json_safe_load(const char *text, size_t len, size_t flags, int *code,
                       const char **what)
{
    json_error_t error;
    json_t *value = json_loadb(text, len, flags, &error);
    /* jansson reports some allocation failures as syntax errors, and some
     * with no error text at all: a body that parses on the second try was
     * not malformed. */
    if (!value && json_error_code(&error) != json_error_out_of_memory)
        value = json_loadb(text, len, flags, &error);
    if (value) {
        *code = GG_OK;
        return value;
    }
    bool memory = json_error_code(&error) == json_error_out_of_memory || !error.text[0];
    *code = memory ? GG_ENOMEM : GG_EPROTOCOL;
    *what = memory ? "out of memory" : describe(&error);
    return NULL;
}
