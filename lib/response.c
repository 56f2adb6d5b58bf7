#include "response.h"

#include "gamegate.h"
#include "json_safe.h"

#include <stdio.h>
#include <string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_name_char(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$' ||
           (!first && ((c >= '0' && c <= '9') || c == '.'));
}

/* name( ... ) with an optional ';': narrows [*start, *end) to the inside.
 * Returns false, leaving the span alone, when the body is not JSONP. */
static bool strip_jsonp(const char *body, size_t *start, size_t *end)
{
    size_t i = *start, j = *end;
    if (i >= j || !is_name_char(body[i], true))
        return false;
    while (i < j && is_name_char(body[i], false))
        i++;
    while (i < j && is_space(body[i]))
        i++;
    if (i >= j || body[i] != '(')
        return false;
    while (j > i && is_space(body[j - 1]))
        j--;
    if (j > i && body[j - 1] == ';')
        j--;
    while (j > i && is_space(body[j - 1]))
        j--;
    if (j <= i + 1 || body[j - 1] != ')')
        return false;
    *start = i + 1;
    *end = j - 1;
    return true;
}

const char *response_field_text(const json_t *object, const char *key, char *scratch,
                                size_t size)
{
    const json_t *value = json_object_get(object, key);
    const char *number = json_safe_number_text(value);
    if (number)
        return number;
    if (json_is_string(value))
        return json_string_value(value);
    if (json_is_integer(value) && scratch) {
        snprintf(scratch, size, "%lld", (long long)json_integer_value(value));
        return scratch;
    }
    return NULL;
}

const char *response_kind(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

int response_parse(const char *body, size_t len, bool unwrap_single_array, size_t max_cost,
                   json_t **out, struct strbuf *msg)
{
    *out = NULL;
    size_t start = 0, end = len;
    while (start < end && is_space(body[start]))
        start++;
    if (start == end) {
        strbuf_adds(msg, "the response body is empty");
        return GG_EPROTOCOL;
    }
    strip_jsonp(body, &start, &end);

    int code;
    const char *what = "";
    json_t *root = json_safe_load(body + start, end - start, JSON_DECODE_ANY, max_cost, &code,
                                  &what);
    if (!root) {
        if (code == GG_ENOMEM)
            strbuf_adds(msg, "out of memory while parsing the response");
        else if (what == json_safe_too_costly)
            strbuf_addf(msg, "the response would take more than %zu bytes of memory to hold "
                             "(%d times max_response_bytes)", max_cost, RESPONSE_COST_FACTOR);
        else
            strbuf_addf(msg, "the response is not JSON (%s)", what);
        return code;
    }
    if (unwrap_single_array && json_is_array(root) && json_array_size(root) == 1 &&
        json_is_object(json_array_get(root, 0))) {
        json_t *inner = json_incref(json_array_get(root, 0));
        json_decref(root);
        root = inner;
    }
    *out = root;
    return GG_OK;
}
