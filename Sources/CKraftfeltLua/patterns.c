/*
 * Budgeted Lua 5.4 pattern matching: string.find, string.match, string.gmatch and
 * string.gsub with the exact semantics of Lua 5.4.4 (results, argument handling,
 * error messages).
 *
 * Why this file exists: the stock functions run their backtracking matcher entirely
 * in C, where Lua's count hook never fires, so a pathological pattern on a long
 * subject (".-.-.-.-b" on 100 kB of "a") could stall the host for minutes. Here every
 * matcher step is counted and charged in batches through kf_charge(), which raises
 * a Lua error (longjmp) once the instruction budget or the deadline is spent.
 *
 * Cost model: one unit per iteration of the matcher's main loop (pattern item tried
 * or recursive call), one per character examined by the repetition loops and by %b,
 * and one per 32 bytes of bulk work (memchr/memcmp, back-references, gsub output).
 *
 * No global mutable state: matcher state lives on the C stack, and the gmatch
 * iterator keeps its position in closure upvalues.
 */
#include "CKraftfeltLua.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#ifndef LUA_MAXCAPTURES
#define LUA_MAXCAPTURES 32
#endif

#define MAX_DEPTH 200       /* recursion limit of the matcher (MAXCCALLS) */
#define CHARGE_BATCH 1000   /* steps accumulated before calling kf_charge */
#define BULK_BYTES 32       /* bytes of memchr/memcmp/copy work per unit */

#define CAP_OPEN (-1)       /* capture opened but not yet closed */
#define CAP_POS (-2)        /* position capture "()" */

#define ESC '%'
#define SPECIALS "^$*+?.([%-"

typedef struct {
    lua_State *L;
    const char *src;        /* subject start */
    const char *src_end;    /* subject end */
    const char *pat_end;    /* pattern end */
    int depth;              /* remaining recursion allowance */
    int level;              /* number of captures in use */
    long steps;             /* work not charged yet */
    struct {
        const char *init;
        ptrdiff_t len;      /* length, CAP_OPEN or CAP_POS */
    } cap[LUA_MAXCAPTURES];
} Matcher;

static const char *do_match(Matcher *m, const char *s, const char *p);

/* ---- budget ---------------------------------------------------------- */

/* Charges the work counted so far (kf_charge may not return). */
static void flush(Matcher *m) {
    long n = m->steps;
    m->steps = 0;
    if (n > 0) kf_charge(m->L, n);
}

static inline void charge(Matcher *m, long units) {
    m->steps += units;
    if (m->steps >= CHARGE_BATCH) flush(m);
}

static void matcher_init(Matcher *m, lua_State *L, const char *s, size_t ls,
                         const char *p, size_t lp) {
    m->L = L;
    m->src = s;
    m->src_end = s + ls;
    m->pat_end = p + lp;
    m->depth = MAX_DEPTH;
    m->level = 0;
    m->steps = 1; /* every call is charged at least once */
}

/* Prepares for a match attempt at a new subject position. */
static void matcher_reset(Matcher *m) {
    m->level = 0;
    m->depth = MAX_DEPTH;
}

/* ---- single-character items ------------------------------------------ */

/* Does character c belong to class cl (%a, %d, ...)? Other characters match themselves. */
static int class_match(int c, int cl) {
    int r;
    switch (tolower(cl)) {
    case 'a': r = isalpha(c); break;
    case 'c': r = iscntrl(c); break;
    case 'd': r = isdigit(c); break;
    case 'g': r = isgraph(c); break;
    case 'l': r = islower(c); break;
    case 'p': r = ispunct(c); break;
    case 's': r = isspace(c); break;
    case 'u': r = isupper(c); break;
    case 'w': r = isalnum(c); break;
    case 'x': r = isxdigit(c); break;
    case 'z': r = (c == 0); break; /* deprecated, still accepted by 5.4 */
    default: return cl == c;
    }
    return isupper(cl) ? !r : (r != 0);
}

/* Set [...] from p (at '[') to close (at the closing ']'). */
static int set_match(int c, const char *p, const char *close) {
    int found = 1;
    if (p[1] == '^') { found = 0; p++; } /* complemented set */
    while (++p < close) {
        if (*p == ESC) {
            p++;
            if (class_match(c, (unsigned char)*p)) return found;
        } else if (p[1] == '-' && p + 2 < close) {
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2]) return found;
            p += 2;
        } else if ((unsigned char)*p == c) {
            return found;
        }
    }
    return !found;
}

/* Returns the end of the single-character item starting at p. */
static const char *item_end(Matcher *m, const char *p) {
    char c = *p++;
    if (c == ESC) {
        if (p == m->pat_end) luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (c == '[') {
        const char *start = p;
        if (*p == '^') p++;
        do { /* the first character is always part of the set, even ']' */
            if (p == m->pat_end) luaL_error(m->L, "malformed pattern (missing ']')");
            c = *p++;
            if (c == ESC && p < m->pat_end) p++;
        } while (*p != ']');
        charge(m, (long)((p - start) / BULK_BYTES)); /* finding the end walks the set */
        return p + 1;
    }
    return p;
}

/* Does the subject character at s match the item p..ep? */
static int single(Matcher *m, const char *s, const char *p, const char *ep) {
    int c;
    if (s >= m->src_end) return 0;
    c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case ESC: return class_match(c, (unsigned char)p[1]);
    case '[':
        charge(m, (long)((ep - p) / BULK_BYTES)); /* a set is scanned whole: charged by its size */
        return set_match(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

/* ---- special items ---------------------------------------------------- */

/* %bxy with p pointing at x. */
static const char *balance(Matcher *m, const char *s, const char *p) {
    int open, close, depth = 1;
    if (p >= m->pat_end - 1) luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->src_end || *s != *p) return NULL;
    open = *p;
    close = p[1];
    while (++s < m->src_end) {
        charge(m, 1);
        if (*s == close) {
            if (--depth == 0) return s + 1;
        } else if (*s == open) {
            depth++;
        }
    }
    return NULL;
}

/* %1..%9 inside a pattern: the text of an earlier, closed capture. */
static const char *backref(Matcher *m, const char *s, int digit) {
    int i = digit - '1';
    size_t len;
    if (i < 0 || i >= m->level || m->cap[i].len == CAP_OPEN)
        luaL_error(m->L, "invalid capture index %%%d", i + 1);
    len = (size_t)m->cap[i].len;
    if ((size_t)(m->src_end - s) < len) return NULL;
    charge(m, (long)(len / BULK_BYTES));
    return memcmp(m->cap[i].init, s, len) == 0 ? s + len : NULL;
}

static const char *open_capture(Matcher *m, const char *s, const char *p, ptrdiff_t kind) {
    const char *r;
    if (m->level >= LUA_MAXCAPTURES) luaL_error(m->L, "too many captures");
    m->cap[m->level].init = s;
    m->cap[m->level].len = kind;
    m->level++;
    r = do_match(m, s, p);
    if (r == NULL) m->level--;
    return r;
}

static const char *close_capture(Matcher *m, const char *s, const char *p) {
    const char *r;
    int i = m->level - 1;
    while (i >= 0 && m->cap[i].len != CAP_OPEN) i--;
    if (i < 0) luaL_error(m->L, "invalid pattern capture");
    m->cap[i].len = s - m->cap[i].init;
    r = do_match(m, s, p);
    if (r == NULL) m->cap[i].len = CAP_OPEN;
    return r;
}

/* Greedy repetition: take as many as possible, then give back one by one. */
static const char *repeat_greedy(Matcher *m, const char *s, const char *p, const char *ep) {
    ptrdiff_t n = 0;
    while (single(m, s + n, p, ep)) {
        charge(m, 1);
        n++;
    }
    for (; n >= 0; n--) {
        const char *r = do_match(m, s + n, ep + 1);
        if (r != NULL) return r;
    }
    return NULL;
}

/* Lazy repetition: try the rest first, extend by one character on failure. */
static const char *repeat_lazy(Matcher *m, const char *s, const char *p, const char *ep) {
    for (;;) {
        const char *r = do_match(m, s, ep + 1);
        if (r != NULL) return r;
        charge(m, 1);
        if (!single(m, s, p, ep)) return NULL;
        s++;
    }
}

/* Leaves a do_match frame, giving back its depth allowance. */
static const char *leave(Matcher *m, const char *s) {
    m->depth++;
    return s;
}

/* Matches pattern p against the subject at s; returns the end of the match or NULL. */
static const char *do_match(Matcher *m, const char *s, const char *p) {
    if (m->depth-- == 0) luaL_error(m->L, "pattern too complex");
    for (;;) {
        const char *ep;
        charge(m, 1);
        if (p == m->pat_end) return leave(m, s);
        switch (*p) {
        case '(':
            if (p[1] == ')') return leave(m, open_capture(m, s, p + 2, CAP_POS));
            return leave(m, open_capture(m, s, p + 1, CAP_OPEN));
        case ')':
            return leave(m, close_capture(m, s, p + 1));
        case '$':
            if (p + 1 == m->pat_end) return leave(m, s == m->src_end ? s : NULL);
            break; /* a '$' elsewhere is an ordinary character */
        case ESC:
            if (p[1] == 'b') {
                s = balance(m, s, p + 2);
                if (s == NULL) return leave(m, NULL);
                p += 4;
                continue;
            }
            if (p[1] == 'f') {
                int prev, cur;
                p += 2;
                if (*p != '[') luaL_error(m->L, "missing '[' after '%%f' in pattern");
                ep = item_end(m, p);
                charge(m, (long)(2 * (ep - p) / BULK_BYTES)); /* the set is scanned twice */
                prev = (s == m->src) ? 0 : (unsigned char)s[-1];
                cur = (s < m->src_end) ? (unsigned char)*s : 0;
                if (set_match(prev, p, ep - 1) || !set_match(cur, p, ep - 1))
                    return leave(m, NULL);
                p = ep;
                continue;
            }
            if (p[1] >= '0' && p[1] <= '9') {
                s = backref(m, s, p[1]);
                if (s == NULL) return leave(m, NULL);
                p += 2;
                continue;
            }
            break; /* %a, %., ...: a single-character class */
        }
        ep = item_end(m, p);
        if (!single(m, s, p, ep)) {
            if (*ep == '*' || *ep == '?' || *ep == '-') { /* zero repetitions are fine */
                p = ep + 1;
                continue;
            }
            return leave(m, NULL);
        }
        switch (*ep) {
        case '?': {
            const char *r = do_match(m, s + 1, ep + 1);
            if (r != NULL) return leave(m, r);
            p = ep + 1;
            continue;
        }
        case '+': return leave(m, repeat_greedy(m, s + 1, p, ep));
        case '*': return leave(m, repeat_greedy(m, s, p, ep));
        case '-': return leave(m, repeat_lazy(m, s, p, ep));
        default: /* exactly one */
            s++;
            p = ep;
            continue;
        }
    }
}

/* ---- captures ---------------------------------------------------------- */

/* Locates capture i (the whole match s..e if the pattern has no captures and i == 0).
   For a position capture it pushes the position and returns CAP_POS. */
static ptrdiff_t get_capture(Matcher *m, int i, const char *s, const char *e, const char **out) {
    ptrdiff_t len;
    if (i >= m->level) {
        if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
        *out = s;
        return e - s;
    }
    len = m->cap[i].len;
    *out = m->cap[i].init;
    if (len == CAP_OPEN) luaL_error(m->L, "unfinished capture");
    else if (len == CAP_POS) lua_pushinteger(m->L, (m->cap[i].init - m->src) + 1);
    return len;
}

static void push_capture(Matcher *m, int i, const char *s, const char *e) {
    const char *text;
    ptrdiff_t len = get_capture(m, i, s, e, &text);
    if (len != CAP_POS) lua_pushlstring(m->L, text, (size_t)len);
}

/* Pushes all captures (or the whole match when there are none and s != NULL). */
static int push_captures(Matcher *m, const char *s, const char *e) {
    int i, n = (m->level == 0 && s != NULL) ? 1 : m->level;
    luaL_checkstack(m->L, n, "too many captures");
    for (i = 0; i < n; i++) push_capture(m, i, s, e);
    return n;
}

/* ---- find / match ------------------------------------------------------ */

/* Translates a relative initial position (negative counts from the end) to 1-based. */
static size_t start_index(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len) return 1;
    return len + (size_t)pos + 1;
}

static int has_specials(const char *p, size_t lp) {
    size_t i;
    for (i = 0; i < lp; i++)
        if (memchr(SPECIALS, p[i], sizeof(SPECIALS) - 1) != NULL) return 1;
    return 0;
}

/* Plain substring search; returns the first occurrence of p in s or NULL. */
static const char *plain_find(Matcher *m, const char *s, size_t ls, const char *p, size_t lp) {
    const char *cur = s, *last;
    if (lp == 0) return s;
    if (lp > ls) return NULL;
    last = s + (ls - lp); /* last possible start */
    while (cur <= last) {
        const char *hit = memchr(cur, *p, (size_t)(last - cur) + 1);
        if (hit == NULL) {
            charge(m, 1 + (long)((last - cur) / BULK_BYTES));
            return NULL;
        }
        charge(m, 1 + (long)(((hit - cur) + (ptrdiff_t)lp) / BULK_BYTES));
        if (memcmp(hit + 1, p + 1, lp - 1) == 0) return hit;
        cur = hit + 1;
    }
    return NULL;
}

static int find_or_match(lua_State *L, int is_find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
    Matcher m;
    if (init > ls) { /* starts after the end: nothing can match */
        luaL_pushfail(L);
        return 1;
    }
    if (is_find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
        const char *hit;
        matcher_init(&m, L, s, ls, p, lp);
        hit = plain_find(&m, s + init, ls - init, p, lp);
        flush(&m);
        if (hit != NULL) {
            lua_pushinteger(L, (hit - s) + 1);
            lua_pushinteger(L, (lua_Integer)((size_t)(hit - s) + lp));
            return 2;
        }
    } else {
        const char *cur = s + init;
        int anchored = (*p == '^');
        if (anchored) { p++; lp--; } /* '^' is not part of the pattern proper */
        matcher_init(&m, L, s, ls, p, lp);
        do {
            const char *e;
            matcher_reset(&m);
            e = do_match(&m, cur, p);
            if (e != NULL) {
                flush(&m);
                if (!is_find) return push_captures(&m, cur, e);
                lua_pushinteger(L, (cur - s) + 1);
                lua_pushinteger(L, e - s);
                return push_captures(&m, NULL, NULL) + 2;
            }
        } while (cur++ < m.src_end && !anchored);
        flush(&m);
    }
    luaL_pushfail(L);
    return 1;
}

int kf_str_find(lua_State *L) { return find_or_match(L, 1); }
int kf_str_match(lua_State *L) { return find_or_match(L, 0); }

/* ---- gmatch ------------------------------------------------------------ */

/* Iterator; upvalues: subject, pattern, next start offset, end offset of the last
   match (-1 for none), so that an empty match right after a match is skipped. */
static int gmatch_next(lua_State *L) {
    size_t ls, lp;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
    lua_Integer pos = lua_tointeger(L, lua_upvalueindex(3));
    lua_Integer last = lua_tointeger(L, lua_upvalueindex(4));
    Matcher m;
    matcher_init(&m, L, s, ls, p, lp);
    for (; pos <= (lua_Integer)ls; pos++) {
        const char *e;
        matcher_reset(&m);
        e = do_match(&m, s + pos, p);
        if (e != NULL && (e - s) != last) {
            flush(&m);
            lua_pushinteger(L, e - s);
            lua_copy(L, -1, lua_upvalueindex(3));
            lua_replace(L, lua_upvalueindex(4));
            return push_captures(&m, s + pos, e);
        }
    }
    /* Exhausted: later calls find nothing either, so skip the rescan. */
    lua_pushinteger(L, (lua_Integer)ls + 1);
    lua_replace(L, lua_upvalueindex(3));
    flush(&m);
    return 0;
}

int kf_str_gmatch(lua_State *L) {
    size_t ls, lp;
    size_t init;
    luaL_checklstring(L, 1, &ls);
    luaL_checklstring(L, 2, &lp);
    init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) init = ls + 1; /* past the end: the iterator yields nothing */
    lua_settop(L, 2);
    lua_pushinteger(L, (lua_Integer)init);
    lua_pushinteger(L, -1);
    lua_pushcclosure(L, gmatch_next, 4);
    return 1;
}

/* ---- gsub -------------------------------------------------------------- */

/* Appends the replacement string (argument 3) with %0-%9 and %% expanded. */
static void add_template(Matcher *m, luaL_Buffer *b, const char *s, const char *e) {
    size_t l;
    const char *r = lua_tolstring(m->L, 3, &l);
    const char *esc;
    while ((esc = memchr(r, ESC, l)) != NULL) {
        luaL_addlstring(b, r, (size_t)(esc - r));
        esc++; /* the character after '%' (the string's terminating NUL at the end) */
        if (*esc == ESC) {
            luaL_addchar(b, ESC);
        } else if (*esc == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (*esc >= '1' && *esc <= '9') {
            const char *text;
            ptrdiff_t len = get_capture(m, *esc - '1', s, e, &text);
            if (len == CAP_POS) luaL_addvalue(b);
            else luaL_addlstring(b, text, (size_t)len);
        } else {
            luaL_error(m->L, "invalid use of '%c' in replacement string", ESC);
        }
        l -= (size_t)(esc + 1 - r);
        r = esc + 1;
    }
    luaL_addlstring(b, r, l);
}

/* Appends the replacement for the match s..e; returns whether the text changed. */
static int add_replacement(Matcher *m, luaL_Buffer *b, const char *s, const char *e, int kind) {
    lua_State *L = m->L;
    if (kind == LUA_TFUNCTION) {
        int n;
        lua_pushvalue(L, 3);
        n = push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (kind == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_template(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) { /* nil or false: keep the original text */
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

int kf_str_gsub(lua_State *L) {
    size_t ls, lp;
    const char *src = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *last = NULL;
    int kind = lua_type(L, 3);
    lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    int anchored = (*p == '^');
    lua_Integer n = 0;
    int changed = 0;
    Matcher m;
    luaL_Buffer b;
    luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING ||
                     kind == LUA_TFUNCTION || kind == LUA_TTABLE, 3, "string/function/table");
    luaL_buffinit(L, &b);
    if (anchored) { p++; lp--; }
    matcher_init(&m, L, src, ls, p, lp);
    while (n < max_n) {
        const char *e;
        matcher_reset(&m);
        e = do_match(&m, src, p);
        if (e != NULL && e != last) {
            size_t before = luaL_bufflen(&b);
            n++;
            changed = add_replacement(&m, &b, src, e, kind) | changed;
            charge(&m, (long)((luaL_bufflen(&b) - before) / BULK_BYTES));
            src = last = e;
        } else if (src < m.src_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchored) break;
    }
    charge(&m, (long)((size_t)(m.src_end - src) / BULK_BYTES));
    flush(&m);
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, src, (size_t)(m.src_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}
