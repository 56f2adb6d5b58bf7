/* A minimal test harness: CHECK records, check_summary prints the closing
 * "N passed, N failed" line and gives the exit status. */
#ifndef GG_CHECK_H
#define GG_CHECK_H

#include <stdio.h>
#include <string.h>

/* A test made of several files (an ABI suite and tests/c/api_fixture.c)
 * defines CHECK_SHARED_COUNTS, and counts in the fixture's counters: a check
 * that fails in any of its files fails the test. */
#ifdef CHECK_SHARED_COUNTS
extern int checks_passed, checks_failed;
#else
static int checks_passed, checks_failed;
#endif

static inline int check_record(int ok, const char *what, const char *file, int line)
{
    if (ok)
        checks_passed++;
    else {
        checks_failed++;
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
    }
    return ok;
}

#define CHECK(cond) check_record(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_INT(got, want)                                                              \
    do {                                                                                  \
        long long got_ = (got), want_ = (want);                                           \
        if (!check_record(got_ == want_, #got " == " #want, __FILE__, __LINE__))          \
            fprintf(stderr, "     got %lld, want %lld\n", got_, want_);                    \
    } while (0)
#define CHECK_STR(got, want)                                                              \
    do {                                                                                  \
        const char *got_ = (got), *want_ = (want);                                        \
        if (!check_record(got_ && want_ && strcmp(got_, want_) == 0, #got " == " #want,   \
                          __FILE__, __LINE__))                                            \
            fprintf(stderr, "     got \"%s\", want \"%s\"\n", got_ ? got_ : "(null)",     \
                    want_ ? want_ : "(null)");                                            \
    } while (0)
#define CHECK_CONTAINS(text, part)                                                        \
    do {                                                                                  \
        const char *text_ = (text), *part_ = (part);                                      \
        if (!check_record(text_ && strstr(text_, part_) != NULL, #text " contains " #part, \
                          __FILE__, __LINE__))                                            \
            fprintf(stderr, "     \"%s\" lacks \"%s\"\n", text_ ? text_ : "(null)", part_); \
    } while (0)
#define CHECK_LACKS(text, part)                                                           \
    do {                                                                                  \
        const char *text_ = (text), *part_ = (part);                                      \
        if (!check_record(text_ && strstr(text_, part_) == NULL, #text " lacks " #part,   \
                          __FILE__, __LINE__))                                            \
            fprintf(stderr, "     \"%s\" holds \"%s\"\n", text_ ? text_ : "(null)", part_); \
    } while (0)

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", checks_passed, checks_failed);
    return checks_failed == 0 && checks_passed > 0 ? 0 : 1;
}

#endif
