/* The table library's loops for tables with a metatable.

   On such a table every element the loop reads or writes may go through __index or
   __newindex: a chain of up to 2000 tables walked in C, or a C function, for each element.
   The stock functions loop in C without a check point, so one call could run for minutes
   within a single charge. These loops have the stock functions' contract (results,
   argument checks and messages) and charge every element they touch, so the budget and
   the deadline are checked as they go. Plain tables keep the stock functions (charged.c). */
#include "CKraftfeltLua.h"

#include <limits.h>

/* One element read or written: a check point. */
static inline void kf_element(lua_State *L) { kf_charge(L, 1); }

int kf_table_insert(lua_State *L) {
    lua_Integer e = luaL_len(L, 1);
    e = (lua_Integer)((lua_Unsigned)e + 1u); /* the first empty element */
    lua_Integer pos;
    switch (lua_gettop(L)) {
    case 2: pos = e; break;
    case 3: {
        pos = luaL_checkinteger(L, 2);
        luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
        for (lua_Integer i = e; i > pos; i--) {
            kf_element(L);
            lua_geti(L, 1, i - 1);
            lua_seti(L, 1, i);
        }
        break;
    }
    default: return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    kf_element(L);
    lua_seti(L, 1, pos);
    return 0;
}

int kf_table_remove(lua_State *L) {
    lua_Integer size = luaL_len(L, 1);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size) /* as Lua 5.4.4 checks it (and names argument 1) */
        luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 1, "position out of bounds");
    kf_element(L);
    lua_geti(L, 1, pos);
    for (; pos < size; pos++) {
        kf_element(L);
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);
    }
    kf_element(L);
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    return 1;
}

static void kf_concat_field(lua_State *L, luaL_Buffer *b, lua_Integer i) {
    kf_element(L);
    lua_geti(L, 1, i);
    if (!lua_isstring(L, -1))
        luaL_error(L, "invalid value (%s) at index %I in table for 'concat'", luaL_typename(L, -1), (lua_Integer)i);
    size_t n;
    lua_tolstring(L, -1, &n);
    kf_charge(L, (long)(n / 16));
    luaL_addvalue(b);
}

int kf_table_concat(lua_State *L) {
    lua_Integer last = luaL_len(L, 1);
    size_t lsep;
    const char *sep = luaL_optlstring(L, 2, "", &lsep);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    last = luaL_optinteger(L, 4, last);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (; i < last; i++) {
        kf_concat_field(L, &b, i);
        luaL_addlstring(&b, sep, lsep);
    }
    if (i == last) kf_concat_field(L, &b, i);
    luaL_pushresult(&b);
    return 1;
}

int kf_table_unpack(lua_State *L) {
    lua_Integer i = luaL_optinteger(L, 2, 1);
    lua_Integer e = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
    if (i > e) return 0;
    lua_Unsigned n = (lua_Unsigned)e - (lua_Unsigned)i; /* elements minus one */
    if (n >= (unsigned int)INT_MAX || !lua_checkstack(L, (int)(++n)))
        return luaL_error(L, "too many results to unpack");
    for (; i < e; i++) {
        kf_element(L);
        lua_geti(L, 1, i);
    }
    kf_element(L);
    lua_geti(L, 1, e);
    return (int)n;
}

int kf_table_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, tt, LUA_TTABLE);
    if (e >= f) {
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
        lua_Integer n = e - f + 1;
        luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
            for (lua_Integer i = 0; i < n; i++) {
                kf_element(L);
                lua_geti(L, 1, f + i);
                lua_seti(L, tt, t + i);
            }
        } else {
            for (lua_Integer i = n - 1; i >= 0; i--) {
                kf_element(L);
                lua_geti(L, 1, f + i);
                lua_seti(L, tt, t + i);
            }
        }
    }
    lua_pushvalue(L, tt);
    return 1;
}
