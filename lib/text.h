/* Small text checks that several files make, kept once (as jansson keeps
 * its own in jansson_private.h). */
#ifndef GG_TEXT_H
#define GG_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Whether the first len bytes of text are 1 to max_len ASCII digits. */
static inline bool text_is_digits(const char *text, size_t len, size_t max_len)
{
    if (len == 0 || len > max_len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (text[i] < '0' || text[i] > '9')
            return false;
    return true;
}

/* The 1-based position of text among choices written "a|b|c"; 0 if absent. */
static inline int text_choice_number(const char *choices, const char *text)
{
    size_t len = strlen(text);
    int number = 1;
    for (const char *at = choices; at; number++) {
        const char *bar = strchr(at, '|');
        size_t choice_len = bar ? (size_t)(bar - at) : strlen(at);
        if (choice_len == len && strncmp(at, text, len) == 0)
            return number;
        at = bar ? bar + 1 : NULL;
    }
    return 0;
}

#endif
