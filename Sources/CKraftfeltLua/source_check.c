/* A cheap scan of a source text before Lua compiles it. Lua's parser runs in C with no
   hook, and joining a long chain of `and`/`or` is quadratic in its length (each new
   operand walks the whole jump list), so a 1 MiB chunk of `a or a or …` would compile
   for minutes. Real scripts have a few hundred such operators at most. */
#include "CKraftfeltLua.h"

#include <string.h>

#define KF_MAX_LOGICAL_OPERATORS 20000

static int is_name_char(unsigned char c) { return c == '_' || (c | 32) - 'a' < 26u || c - '0' < 10u || c >= 0x80; }

/* Counts the words `and` and `or` anywhere in the text, strings and comments included:
   a scan that followed Lua's lexer (its \z escapes, its comments that end at \r) could be
   led astray, and counting a few words too many only refuses a text with more than 20,000
   of them. */
const char *kf_check_source(const char *source, size_t length) {
    const char *p = source, *end = source + length;
    long operators = 0;
    while (p < end) {
        if (!is_name_char((unsigned char)*p)) {
            p++;
            continue;
        }
        const char *start = p;
        while (p < end && is_name_char((unsigned char)*p)) p++;
        size_t n = (size_t)(p - start);
        if ((n == 2 && memcmp(start, "or", 2) == 0) || (n == 3 && memcmp(start, "and", 3) == 0)) {
            if (++operators > KF_MAX_LOGICAL_OPERATORS)
                return "the chunk has more than 20000 'and'/'or' operators; split long conditions up";
        }
    }
    return NULL;
}
