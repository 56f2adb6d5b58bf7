#include "json_safe.h"

#include "gamegate.h"
#include "platform.h"
#include "strbuf.h"
#include "wiping_alloc.h"

#include <openssl/err.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Marks a string that stands for a number: a control character no server
 * sends raw, then random hex, so no string a server sends can pass for one. */
#define MARKER_LEN 33
static char marker[MARKER_LEN + 1];
static pthread_once_t marker_once = PTHREAD_ONCE_INIT;

static void make_marker(void)
{
    unsigned char noise[16];
    if (RAND_bytes(noise, sizeof noise) != 1) {
        ERR_clear_error();
        /* Still unknown to any server: no part of it is ever sent out. */
        unsigned long long mix = (unsigned long long)time(NULL) ^
                                 ((unsigned long long)platform_pid() << 32) ^ (uintptr_t)&noise;
        memcpy(noise, &mix, sizeof mix);
        memcpy(noise + 8, &mix, sizeof mix);
    }
    marker[0] = '\x1f';
    for (int i = 0; i < 16; i++)
        snprintf(marker + 1 + 2 * i, 3, "%02x", noise[i]);
}

static const char *number_marker(void)
{
    pthread_once(&marker_once, make_marker);
    return marker;
}

/* What jansson spends on each kind of value, in bytes, as measured with
 * glibc's malloc (an empty array 136, an empty object 232, a number 40, a
 * string 40 and its text, an object member 80 and its name). */
enum { COST_ARRAY = 136, COST_OBJECT = 232, COST_NUMBER = 40, COST_STRING = 40,
       COST_MEMBER = 80, COST_LITERAL = 8 };

static bool is_number_char(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Whether the token is a JSON number (RFC 8259):
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool is_json_number(const char *t, size_t len)
{
    size_t i = 0;
    if (i < len && t[i] == '-')
        i++;
    if (i < len && t[i] == '0')
        i++;
    else if (i < len && is_digit(t[i]))
        while (i < len && is_digit(t[i]))
            i++;
    else
        return false;
    if (i < len && t[i] == '.') {
        if (++i >= len || !is_digit(t[i]))
            return false;
        while (i < len && is_digit(t[i]))
            i++;
    }
    if (i < len && (t[i] == 'e' || t[i] == 'E')) {
        if (++i < len && (t[i] == '+' || t[i] == '-'))
            i++;
        if (i >= len || !is_digit(t[i]))
            return false;
        while (i < len && is_digit(t[i]))
            i++;
    }
    return i == len;
}

/* Whether jansson can hold a valid JSON number: a 64-bit integer, or a
 * double whose decimal exponent stays below 308 (judged from the text, not
 * by strtod, whose reading of '.' depends on the locale; a number at the
 * very edge is kept as text, which loses nothing). */
static bool number_fits(const char *token, size_t len)
{
    bool negative = token[0] == '-';
    const char *digits = token + negative;
    size_t count = len - negative;
    if (!memchr(token, '.', len) && !memchr(token, 'e', len) && !memchr(token, 'E', len)) {
        if (count != 19)
            return count < 19;
        return memcmp(digits, negative ? "9223372036854775808" : "9223372036854775807", 19) <= 0;
    }
    /* The position of the first significant digit, as a power of ten. */
    long long magnitude = 0;
    size_t i = 0, integer_digits = 0;
    while (i < count && is_digit(digits[i]))
        integer_digits++, i++;
    bool all_zero = true;
    for (size_t j = 0; j < count && digits[j] != 'e' && digits[j] != 'E'; j++)
        if (digits[j] >= '1' && digits[j] <= '9')
            all_zero = false;
    if (all_zero)
        return true; /* zero, whatever its exponent */
    if (integer_digits > 1 || digits[0] != '0') {
        magnitude = (long long)integer_digits - 1;
    } else {
        size_t j = i + 1; /* after "0." */
        long long zeros = 0;
        while (j < count && digits[j] == '0')
            zeros++, j++;
        magnitude = -zeros - 1;
    }
    const char *e = memchr(token, 'e', len);
    if (!e)
        e = memchr(token, 'E', len);
    if (e) {
        const char *x = e + 1;
        bool minus = *x == '-';
        x += *x == '-' || *x == '+';
        long long exponent = 0;
        for (; x < token + len; x++) {
            if (exponent > 100000) /* far past any double */
                return minus;
            exponent = exponent * 10 + (*x - '0');
        }
        magnitude += minus ? -exponent : exponent;
    }
    return magnitude < 308; /* underflow is fine: jansson reads it as 0 */
}

/* What a number kept as text costs: the marked string jansson holds, and
 * its share of the rewritten text. */
#define COST_KEPT_NUMBER (COST_STRING + 2 * (MARKER_LEN + 2))

/* One pass over the text, outside strings as inside: adds up the cost of
 * the tree it would make and, when out is given, writes the text with every
 * valid number jansson cannot hold, in a value's place, turned into a marked
 * string (anything else is left for jansson to refuse). Returns how many
 * such numbers there are, or -1 once the cost passes max_cost. */
static long scan(const char *text, size_t len, size_t max_cost, struct strbuf *out)
{
    size_t cost = 0, copied = 0;
    long kept = 0;
    /* Which containers are open, to tell a member's name from a value. */
    enum { DEPTH_MAX = 4096 };
    char open[DEPTH_MAX];
    size_t depth = 0;
    bool expect_name = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < len && text[j] != '"')
                j += text[j] == '\\' ? 2 : 1;
            cost += (expect_name ? COST_MEMBER : COST_STRING) + (j - i);
            i = j;
        } else if (c == '[' || c == '{') {
            cost += c == '[' ? COST_ARRAY : COST_OBJECT;
            if (depth < DEPTH_MAX)
                open[depth] = c;
            depth++;
            expect_name = c == '{';
        } else if (c == ']' || c == '}') {
            depth -= depth > 0;
            expect_name = false;
        } else if (c == ',') {
            expect_name = depth > 0 && depth <= DEPTH_MAX && open[depth - 1] == '{';
        } else if (c == ':') {
            expect_name = false;
        } else if (c == '-' || is_digit(c)) {
            size_t j = i;
            while (j < len && is_number_char(text[j]))
                j++;
            bool keep = !expect_name && depth <= DEPTH_MAX && is_json_number(text + i, j - i) &&
                        !number_fits(text + i, j - i);
            cost += keep ? COST_KEPT_NUMBER + (j - i) : COST_NUMBER;
            if (keep) {
                kept++;
                if (out) {
                    strbuf_add(out, text + copied, i - copied);
                    /* The marker's control character, escaped as JSON wants. */
                    strbuf_addf(out, "\"\\u001f%s", number_marker() + 1);
                    strbuf_add(out, text + i, j - i);
                    strbuf_adds(out, "\"");
                    copied = j;
                }
            }
            i = j - 1;
        } else if (c == 't' || c == 'f' || c == 'n') {
            cost += COST_LITERAL;
        }
        if (max_cost && cost > max_cost)
            return -1;
    }
    if (out)
        strbuf_add(out, text + copied, len - copied);
    return kept;
}

const char json_safe_too_costly[] = "it would take more memory to hold than allowed";

static const char *describe(const json_error_t *error)
{
    switch (json_error_code(error)) {
    case json_error_invalid_utf8: return "invalid UTF-8";
    case json_error_premature_end_of_input: return "it ends too soon";
    case json_error_end_of_input_expected: return "text follows the JSON value";
    case json_error_null_character: return "a NUL character";
    case json_error_numeric_overflow: return "a number out of range";
    case json_error_duplicate_key: return "a duplicate key";
    case json_error_null_byte_in_key: return "a NUL in a member's name, which jansson cannot hold";
    default: return "invalid syntax or nesting too deep";
    }
}

json_t *json_safe_load(const char *text, size_t len, size_t flags, size_t max_cost, int *code,
                       const char **what)
{
    long kept = scan(text, len, max_cost, NULL);
    if (kept < 0) {
        *code = GG_EPROTOCOL;
        *what = json_safe_too_costly;
        return NULL;
    }
    struct strbuf rewritten = {0};
    if (kept > 0) {
        scan(text, len, 0, &rewritten);
        if (rewritten.failed) {
            strbuf_release(&rewritten);
            *code = GG_ENOMEM;
            *what = "out of memory";
            return NULL;
        }
        text = rewritten.data;
        len = rewritten.len;
    }
    json_error_t error;
    json_t *value = json_loadb(text, len, flags, &error);
    /* jansson reports some allocation failures as syntax errors, and some
     * with no error text at all: a body that parses on the second try was
     * not malformed. */
    if (!value && json_error_code(&error) != json_error_out_of_memory)
        value = json_loadb(text, len, flags, &error);
    strbuf_release(&rewritten);
    if (value) {
        *code = GG_OK;
        return value;
    }
    bool memory = json_error_code(&error) == json_error_out_of_memory || !error.text[0];
    *code = memory ? GG_ENOMEM : GG_EPROTOCOL;
    *what = memory ? "out of memory" : describe(&error);
    return NULL;
}

const char *json_safe_number_text(const json_t *node)
{
    const char *text = json_string_value(node);
    const char *mark = number_marker();
    if (!text || text[0] != mark[0] || json_string_length(node) <= MARKER_LEN ||
        memcmp(text, mark, MARKER_LEN) != 0)
        return NULL;
    return text + MARKER_LEN;
}

/* Where a marked string begins in dumped text: jansson escapes the
 * marker's first character as \u001F (or \u001f in other versions). */
static char *find_marked(char *text)
{
    const char *hex = number_marker() + 1;
    for (char *at = text; (at = strstr(at, "\"\\u001")); at++)
        if ((at[6] == 'F' || at[6] == 'f') && strncmp(at + 7, hex, MARKER_LEN - 1) == 0)
            return at;
    return NULL;
}

char *json_safe_dump(const json_t *node)
{
    char *text = json_dumps(node, JSON_COMPACT | JSON_ENCODE_ANY);
    char *hit = text ? find_marked(text) : NULL;
    if (!hit)
        return text;
    const size_t quoted_len = 7 + MARKER_LEN - 1; /* the quote, \u001F and the hex */
    char *in = text, *out = text;
    for (; hit; hit = find_marked(in)) {
        memmove(out, in, (size_t)(hit - in));
        out += hit - in;
        char *number = hit + quoted_len, *end = number;
        while (is_number_char(*end))
            end++;
        if (*end != '"' || end == number) { /* not one of ours after all */
            memmove(out, hit, quoted_len);
            out += quoted_len;
            in = number;
            continue;
        }
        memmove(out, number, (size_t)(end - number));
        out += end - number;
        in = end + 1;
    }
    memmove(out, in, strlen(in) + 1);
    return text;
}

void json_safe_wipe(json_t *node)
{
    if (json_is_string(node)) {
        wipe((char *)json_string_value(node), json_string_length(node));
    } else if (json_is_object(node)) {
        const char *key;
        json_t *value;
        json_object_foreach(node, key, value)
            json_safe_wipe(value);
    } else if (json_is_array(node)) {
        size_t i;
        json_t *value;
        json_array_foreach(node, i, value)
            json_safe_wipe(value);
    }
}
