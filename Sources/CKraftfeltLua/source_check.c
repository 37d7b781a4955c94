/* A cheap scan of a source text before Lua compiles it. Lua's parser runs in C with no
   hook, and joining a long chain of `and`/`or` is quadratic in its length (each new
   operand walks the whole jump list), so a 1 MiB chunk of `a or a or …` would compile
   for minutes. Real scripts have a few hundred such operators at most. */
#include "CKraftfeltLua.h"

#include <string.h>

#define KF_MAX_LOGICAL_OPERATORS 20000

static int is_name_char(unsigned char c) { return c == '_' || (c | 32) - 'a' < 26u || c - '0' < 10u || c >= 0x80; }

/* Length of a long bracket opening `[==[` at p (0 if none); sets its level. */
static size_t long_bracket(const char *p, const char *end, size_t *level) {
    if (p >= end || *p != '[') return 0;
    const char *q = p + 1;
    while (q < end && *q == '=') q++;
    if (q >= end || *q != '[') return 0;
    *level = (size_t)(q - p - 1);
    return (size_t)(q - p + 1);
}

static const char *skip_long(const char *p, const char *end, size_t level) {
    for (; p < end; p++) {
        if (*p != ']') continue;
        const char *q = p + 1;
        size_t n = 0;
        while (q < end && *q == '=') q++, n++;
        if (q < end && *q == ']' && n == level) return q + 1;
    }
    return end;
}

const char *kf_check_source(const char *source, size_t length) {
    const char *p = source, *end = source + length;
    long operators = 0;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        size_t level;
        if (c == '-' && p + 1 < end && p[1] == '-') {
            p += 2;
            size_t open = long_bracket(p, end, &level);
            if (open) {
                p = skip_long(p + open, end, level);
            } else {
                while (p < end && *p != '\n') p++;
            }
        } else if (c == '"' || c == '\'') {
            p++;
            while (p < end && *p != (char)c && *p != '\n') p += (*p == '\\' && p + 1 < end) ? 2 : 1;
            p++;
        } else if ((level = 0, long_bracket(p, end, &level))) {
            p = skip_long(p + long_bracket(p, end, &level), end, level);
        } else if (is_name_char(c)) {
            const char *start = p;
            while (p < end && is_name_char((unsigned char)*p)) p++;
            size_t n = (size_t)(p - start);
            if ((n == 2 && memcmp(start, "or", 2) == 0) || (n == 3 && memcmp(start, "and", 3) == 0)) {
                if (++operators > KF_MAX_LOGICAL_OPERATORS)
                    return "the chunk has more than 20000 'and'/'or' operators; split long conditions up";
            }
        } else {
            p++;
        }
    }
    return NULL;
}
