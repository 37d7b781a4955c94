/* Library functions that charge the budget for their work.

   Lua's count hook sees VM instructions only. A C library function does its work
   between two instructions, so a loop of a few instructions around a slow C call
   (utf8.len of a 30 MB string, string.rep("", math.maxinteger), table.insert at the
   front of a million elements, table.concat over a range that __len makes huge) would
   run far past the limits between two ticks of the hook. Every library function a
   script can reach whose work grows with its input is wrapped here: the wrapper
   charges that work to the step's budget (a check point, see vm.c), then calls the
   stock function in the same call frame, so its results and its error messages ("bad
   argument #1 to 'upper'") are exactly the stock ones. Work that only the result
   reveals (the length of a formatted string) is charged after the call.

   Unit of work: one VM instruction's worth, about sixteen bytes of copying. */
#include "CKraftfeltLua.h"

#include <limits.h>
#include <string.h>

#define KF_BYTES_PER_UNIT 16
#define KF_CALL_UNITS 8 /* a call of a C function costs about as much as eight instructions */

/* The size of a string argument (0 when it is not a string or number). */
static size_t kf_arg_length(lua_State *L, int idx) {
    int t = lua_type(L, idx);
    if (t != LUA_TSTRING && t != LUA_TNUMBER) return 0;
    size_t n = 0;
    if (t == LUA_TSTRING) lua_tolstring(L, idx, &n);
    return n;
}

/* An optional integer argument, or `fallback` (also when it is not an integer: the
   stock function then raises the proper error itself). */
static lua_Integer kf_arg_integer(lua_State *L, int idx, lua_Integer fallback) {
    int ok = 0;
    lua_Integer v = lua_tointegerx(L, idx, &ok);
    return ok ? v : fallback;
}

/* Elements between i and j (inclusive), 0 when the range is empty; never overflows. */
static long kf_span(lua_Integer i, lua_Integer j) {
    if (j < i) return 0;
    lua_Unsigned n = (lua_Unsigned)j - (lua_Unsigned)i;
    return n >= (lua_Unsigned)LONG_MAX ? LONG_MAX : (long)n + 1;
}

/* True for a table with no metatable: the stock table functions then loop over it with
   raw access, in C, charged here by the range before they start. On a table with a
   metatable every access is a metamethod: a Lua function counts its instructions, and a
   C function in a script's reach charges its own call, so the loop is charged as it goes
   (and a loop that stops early, as an error in __newindex makes it, costs what it did). */
static int kf_plain(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TTABLE) return 0;
    if (!lua_getmetatable(L, idx)) return 1;
    lua_pop(L, 1);
    return 0;
}

/* The length of a plain table argument (0 for anything else: see kf_plain). */
static lua_Integer kf_table_length(lua_State *L, int idx) {
    return kf_plain(L, idx) ? (lua_Integer)lua_rawlen(L, idx) : 0;
}

/* A string position as the string functions read it (negative counts from the end). */
static size_t kf_position(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos > len ? len : (size_t)pos;
    if (pos == 0) return 1;
    if (pos < -(lua_Integer)len) return 1;
    return len + (size_t)pos + 1;
}

static long kf_bytes(size_t n) {
    size_t units = n / KF_BYTES_PER_UNIT;
    return units >= (size_t)LONG_MAX ? LONG_MAX : (long)units;
}

/* Work known before the call. */
static long kf_cost_before(lua_State *L, int kind) {
    int top = lua_gettop(L);
    switch (kind) {
    case KF_COST_ARGUMENTS: return top;
    case KF_COST_FIRST_STRING:
    case KF_COST_FORMAT_RESULTS: return kf_bytes(kf_arg_length(L, 1));
    case KF_COST_EACH_BYTE: {
        /* lower and upper call tolower/toupper for every byte: four bytes are about one
           instruction's worth (at sixteen, a 100M budget let them run past 2 s). */
        size_t units = kf_arg_length(L, 1) / 4;
        return units >= (size_t)LONG_MAX ? LONG_MAX : (long)units;
    }
    case KF_COST_STRING_RANGE: {
        /* utf8.len(s, i, j) scans s[i..j] (i = 1, j = -1 when absent). */
        size_t len = kf_arg_length(L, 1);
        size_t i = kf_position(kf_arg_integer(L, 2, 1), len);
        size_t j = kf_position(kf_arg_integer(L, 3, -1), len);
        return j >= i ? kf_bytes(j - i + 1) : 0;
    }
    case KF_COST_INSERT: return top == 3 ? (long)kf_table_length(L, 1) : 1;
    case KF_COST_REMOVE: return (long)kf_table_length(L, 1);
    case KF_COST_MOVE: {
        int target = lua_isnoneornil(L, 5) ? 1 : 5;
        if (!kf_plain(L, 1) || !kf_plain(L, target)) return 0;
        lua_Integer f = kf_arg_integer(L, 2, 1), e = kf_arg_integer(L, 3, 0), t = kf_arg_integer(L, 4, 1);
        if (e < f) return 0;
        /* the stock function refuses these ranges before it moves anything */
        if (!(f > 0 || e < LUA_MAXINTEGER + f)) return 0;
        if (t > LUA_MAXINTEGER - (e - f + 1) + 1) return 0;
        return kf_span(f, e);
    }
    case KF_COST_CONCAT: {
        if (!kf_plain(L, 1)) return 0;
        lua_Integer i = kf_arg_integer(L, 3, 1);
        lua_Integer j = lua_isnoneornil(L, 4) ? kf_table_length(L, 1) : kf_arg_integer(L, 4, 0);
        /* the join stops at the first element that is missing: at the latest after the border */
        lua_Integer border = (lua_Integer)lua_rawlen(L, 1);
        if (j > border + 1) j = border + 1;
        return kf_span(i, j);
    }
    default: return 0;
    }
}

/* How far a scan moved: from position `from` to the first result (an integer), or to
   the end of the string (no integer result). */
static long kf_moved(lua_State *L, int n, lua_Integer from) {
    size_t len = kf_arg_length(L, 1);
    lua_Integer to = (lua_Integer)len;
    if (n > 0 && lua_isinteger(L, lua_gettop(L) - n + 1)) to = lua_tointeger(L, lua_gettop(L) - n + 1);
    lua_Unsigned d = to >= from ? (lua_Unsigned)to - (lua_Unsigned)from : (lua_Unsigned)from - (lua_Unsigned)to;
    return d / KF_BYTES_PER_UNIT >= (lua_Unsigned)LONG_MAX ? LONG_MAX : (long)(d / KF_BYTES_PER_UNIT);
}

/* Work the results show: how many there are and the bytes of the strings among them;
   for the utf8 scans, how far they moved. */
static long kf_cost_after(lua_State *L, int kind, int n, lua_Integer from) {
    switch (kind) {
    case KF_COST_ARGUMENTS:
    case KF_COST_INSERT:
    case KF_COST_REMOVE:
    case KF_COST_MOVE:
    case KF_COST_FIRST_STRING:
    case KF_COST_EACH_BYTE:
    case KF_COST_STRING_RANGE:
    case KF_COST_CALL: return 0;
    case KF_COST_CODE_STEP:
    case KF_COST_OFFSET: return kf_moved(L, n, from);
    default: break;
    }
    long units = n;
    int top = lua_gettop(L);
    for (int i = top - n + 1; i <= top; i++) {
        if (lua_type(L, i) == LUA_TSTRING) {
            size_t len;
            lua_tolstring(L, i, &len);
            long b = kf_bytes(len);
            units = units > LONG_MAX - b ? LONG_MAX : units + b;
        }
    }
    return units;
}

/* For a table with a metatable, the table functions' own loops (tablelib.c), which
   charge every element; NULL for the stock function. */
static lua_CFunction kf_table_loop(lua_State *L, int kind) {
    if (lua_type(L, 1) != LUA_TTABLE) return NULL;
    int plain = kf_plain(L, 1);
    switch (kind) {
    case KF_COST_INSERT: return plain ? NULL : kf_table_insert;
    case KF_COST_REMOVE: return plain ? NULL : kf_table_remove;
    case KF_COST_CONCAT: return plain ? NULL : kf_table_concat;
    case KF_COST_UNPACK: return plain ? NULL : kf_table_unpack;
    case KF_COST_MOVE: {
        int target = lua_isnoneornil(L, 5) ? 1 : 5;
        if (lua_type(L, target) != LUA_TTABLE) return NULL;
        return plain && kf_plain(L, target) ? NULL : kf_table_move;
    }
    default: return NULL;
    }
}

/* The wrapper: upvalue 1 is the stock function (a light C function, which uses no
   upvalues of its own), upvalue 2 the kind of cost. */
static int kf_charged(lua_State *L) {
    lua_CFunction f = lua_tocfunction(L, lua_upvalueindex(1));
    int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
    lua_CFunction loop = kf_table_loop(L, kind);
    if (loop != NULL) {
        kf_charge(L, KF_CALL_UNITS);
        return loop(L);
    }
    long before = kf_cost_before(L, kind);
    kf_charge(L, before < LONG_MAX - KF_CALL_UNITS ? before + KF_CALL_UNITS : LONG_MAX);
    /* Where a utf8 scan starts: the iterator's position, or offset's starting point. */
    lua_Integer from = kind == KF_COST_CODE_STEP ? kf_arg_integer(L, 2, 0)
                       : kind == KF_COST_OFFSET  ? kf_arg_integer(L, 3, kf_arg_integer(L, 2, 0) >= 0 ? 1 : (lua_Integer)kf_arg_length(L, 1) + 1)
                                                 : 0;
    int n = f(L);
    long after = kf_cost_after(L, kind, n, from);
    if (after > 0) kf_charge(L, after);
    if (kind == KF_COST_CODES && n == 3) {
        /* utf8.codes: the iterator it returns skips runs of continuation bytes, so it is
           charged too. */
        lua_pushvalue(L, -3);
        lua_pushinteger(L, KF_COST_CODE_STEP);
        lua_pushcclosure(L, kf_charged, 2);
        lua_replace(L, -4);
    }
    return n;
}

/* raw.chargeall(lib): every light C function in the table lib (a stock function with no
   upvalues) becomes a wrapper that charges a call, so that no C function in a script's
   reach is free: a C loop that calls C metamethods is charged for every call. */
int kf_charge_all(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_newtable(L); /* the replacements, set after the traversal */
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        int light = 0;
        if (lua_iscfunction(L, -1)) {
            if (lua_getupvalue(L, -1, 1) == NULL) light = 1;
            else lua_pop(L, 1); /* a closure's upvalue */
        }
        if (!light) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_pushinteger(L, KF_COST_CALL);
        lua_pushcclosure(L, kf_charged, 2);
        lua_rawset(L, 2);
    }
    lua_pushnil(L);
    while (lua_next(L, 2) != 0) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, 1);
    }
    return 0;
}

/* math.random: the stock generator, charged like any call; its arguments are checked
   here, in the call's own frame (the stock function keeps its state in an upvalue, so it
   is called, not entered), so errors name the function as stock Lua does. Upvalue 1: the
   stock function. */
int kf_math_random(lua_State *L) {
    kf_charge(L, KF_CALL_UNITS);
    int n = lua_gettop(L);
    lua_Integer low = 1, up = 0;
    switch (n) {
    case 0: break;
    case 1:
        up = luaL_checkinteger(L, 1);
        if (up != 0) luaL_argcheck(L, low <= up, 1, "interval is empty");
        break;
    case 2:
        low = luaL_checkinteger(L, 1);
        up = luaL_checkinteger(L, 2);
        luaL_argcheck(L, low <= up, 1, "interval is empty");
        break;
    default: return luaL_error(L, "wrong number of arguments");
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    if (n >= 1) lua_pushinteger(L, n == 1 ? up : low);
    if (n == 2) lua_pushinteger(L, up);
    lua_call(L, n, 1);
    return 1;
}

/* ipairs: stock semantics, but the iterator it returns is charged (upvalue 1: the stock
   iterator, wrapped): a C loop could otherwise call it as a metamethod for free. */
int kf_ipairs(lua_State *L) {
    luaL_checkany(L, 1);
    kf_charge(L, KF_CALL_UNITS);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

/* raw.charged(f, kind): the charging wrapper of stock function f. */
int kf_make_charged(lua_State *L) {
    luaL_argexpected(L, lua_iscfunction(L, 1), 1, "C function");
    lua_Integer kind = luaL_checkinteger(L, 2);
    lua_settop(L, 1);
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, kf_charged, 2);
    return 1;
}

/* string.rep: stock semantics, but an empty result is made at once (the stock loop
   copies nothing n times, for n up to math.maxinteger), and the result's size is
   charged before it is built. Upvalue 1: the stock function. */
int kf_str_rep(lua_State *L) {
    size_t l, lsep;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        kf_charge(L, KF_CALL_UNITS);
        lua_pushliteral(L, "");
        return 1;
    }
    /* A result too large for a size_t is the stock error; one larger than the memory cap
       fails when it is allocated, as a memory error; the rest is charged by its size. */
    double size = (double)n * (double)(l + lsep);
    size_t cap = kf_vm_of(L)->memory_limit;
    if (l + lsep < l || (double)(l + lsep) > (double)LUA_MAXINTEGER / (double)n)
        return luaL_error(L, "resulting string too large");
    if (cap == 0 || size <= (double)cap) {
        double units = size / KF_BYTES_PER_UNIT;
        kf_charge(L, units >= (double)(LONG_MAX - KF_CALL_UNITS) ? LONG_MAX : (long)units + KF_CALL_UNITS);
    } else {
        kf_charge(L, KF_CALL_UNITS);
    }
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* string.format: stock semantics, except that %s of a table, function or coroutine
   shows the sandbox's tostring (no address), and %p shows the value's identity ("0x1f";
   "(null)" for values that have none, strings included). Upvalue 1: the stock
   function; upvalue 2: the sandbox's tostring. */
int kf_str_format(lua_State *L) {
    size_t length;
    const char *format = luaL_checklstring(L, 1, &length);
    kf_charge(L, KF_CALL_UNITS + kf_bytes(length));
    int top = lua_gettop(L);
    int arg = 1;
    int rewrite = 0;
    for (const char *p = format, *end = format + length; p < end; p++) {
        if (*p != '%') continue;
        if (++p < end && *p == '%') continue;
        if (++arg > top) break; /* the stock function says "no value" */
        p += strspn(p, "-+#0 123456789.");
        if (p >= end) break;
        int type = lua_type(L, arg);
        int object = type == LUA_TTABLE || type == LUA_TFUNCTION || type == LUA_TTHREAD ||
                     type == LUA_TUSERDATA || type == LUA_TLIGHTUSERDATA;
        if (*p == 's' && object) {
            lua_pushvalue(L, lua_upvalueindex(2));
            lua_pushvalue(L, arg);
            lua_call(L, 1, 1);
            lua_replace(L, arg);
        } else if (*p == 'p') {
            kf_push_identity_text(L, arg);
            if (lua_isnil(L, -1)) {
                lua_pop(L, 1);
                lua_pushliteral(L, "(null)");
            }
            lua_replace(L, arg);
            rewrite = 1;
        }
    }
    if (rewrite) {
        /* %p becomes %s of the identity text (its flags and width still apply). */
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (const char *p = format, *end = format + length; p < end; p++) {
            luaL_addchar(&b, *p);
            if (*p != '%') continue;
            if (p + 1 < end && p[1] == '%') {
                luaL_addchar(&b, *++p);
                continue;
            }
            size_t span = strspn(p + 1, "-+#0 123456789.");
            luaL_addlstring(&b, p + 1, span);
            p += span;
            if (p + 1 < end) {
                p++;
                luaL_addchar(&b, *p == 'p' ? 's' : *p);
            }
        }
        luaL_pushresult(&b);
        lua_replace(L, 1);
    }
    int n = lua_tocfunction(L, lua_upvalueindex(1))(L);
    long after = kf_cost_after(L, KF_COST_RESULTS, n, 0);
    if (after > 0) kf_charge(L, after);
    return n;
}
