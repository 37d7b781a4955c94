/* table.sort for scripts: the same contract as Lua's (an unstable sort, "invalid order
   function for sorting" when the comparison is inconsistent, "array too big"), but the
   same order in every process, and every comparison charged to the budget.

   Lua's own sort picks a random pivot from the clock (clock() and time()) when the
   partitions get unbalanced, so a comparison with ties orders them differently from one
   process to the next, and a replayed session would diverge without noticing. Here the
   pivot comes from a generator in the VM, seeded by the session, so it is the same in a
   replay. A table with a metatable is copied out with its metamethods, sorted, and
   written back; a plain table is sorted in place with raw access. */
#include "CKraftfeltLua.h"

#include <limits.h>

#define KF_SORT_CHARGE 64     /* comparisons charged together */
#define KF_SORT_RANDOMIZE 100 /* partitions at least this long get a drawn pivot */

typedef struct {
    lua_State *L;
    int t;         /* the (plain) table being sorted */
    int compare;   /* stack index of the comparison function, 0 for '<' */
    long pending;  /* comparisons not charged yet */
    kf_vm *vm;
} kf_sorter;

static void kf_sort_flush(kf_sorter *s) {
    long n = s->pending;
    s->pending = 0;
    if (n > 0) kf_charge(s->L, n);
}

/* a < b for the values at stack indices a and b. */
static int kf_sort_less(kf_sorter *s, int a, int b) {
    lua_State *L = s->L;
    if (++s->pending >= KF_SORT_CHARGE) kf_sort_flush(s);
    if (s->compare == 0) {
        /* '<' on two strings compares their bytes in C: charged by their length */
        if (lua_type(L, a) == LUA_TSTRING && lua_type(L, b) == LUA_TSTRING) {
            size_t la = lua_rawlen(L, a), lb = lua_rawlen(L, b);
            s->pending += (long)((la < lb ? la : lb) / 16);
        }
        return lua_compare(L, a, b, LUA_OPLT);
    }
    lua_pushvalue(L, s->compare);
    lua_pushvalue(L, a - 1); /* one slot deeper now */
    lua_pushvalue(L, b - 2);
    lua_call(L, 2, 1);
    int less = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return less;
}

static void kf_sort_get(kf_sorter *s, lua_Integer i) { lua_rawgeti(s->L, s->t, i); }

/* t[i] = value on top, t[j] = value below it; pops both. */
static void kf_sort_set2(kf_sorter *s, lua_Integer i, lua_Integer j) {
    lua_rawseti(s->L, s->t, i);
    lua_rawseti(s->L, s->t, j);
}

/* The next pivot offset from the VM's generator (SplitMix64). */
static uint64_t kf_sort_draw(kf_vm *vm) {
    uint64_t z = (vm->sort_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int kf_sort_invalid(lua_State *L) { return luaL_error(L, "invalid order function for sorting"); }

/* Partitions t[lo..up] around the pivot, which is on the stack top and in t[up - 1];
   returns the pivot's final place. Fails when the comparison is inconsistent (an index
   runs out of the range). */
static lua_Integer kf_partition(kf_sorter *s, lua_Integer lo, lua_Integer up) {
    lua_State *L = s->L;
    lua_Integer i = lo;
    lua_Integer j = up - 1;
    for (;;) {
        /* from the left, past elements below the pivot */
        for (kf_sort_get(s, ++i); kf_sort_less(s, -1, -2); kf_sort_get(s, ++i)) {
            if (i == up - 1) kf_sort_invalid(L);
            lua_pop(L, 1);
        }
        /* from the right, past elements above the pivot */
        for (kf_sort_get(s, --j); kf_sort_less(s, -3, -1); kf_sort_get(s, --j)) {
            if (j < i) kf_sort_invalid(L);
            lua_pop(L, 1);
        }
        if (j < i) {
            lua_pop(L, 1); /* t[j] */
            /* swap the pivot (t[up - 1]) and t[i]: t[up - 1] = t[i], t[i] = pivot */
            kf_sort_set2(s, up - 1, i);
            return i;
        }
        kf_sort_set2(s, i, j); /* swap t[i] and t[j] */
    }
}

static void kf_sort_range(kf_sorter *s, lua_Integer lo, lua_Integer up, int randomize) {
    lua_State *L = s->L;
    while (lo < up) {
        /* order t[lo] and t[up] */
        kf_sort_get(s, lo);
        kf_sort_get(s, up);
        if (kf_sort_less(s, -1, -2)) kf_sort_set2(s, lo, up);
        else lua_pop(L, 2);
        if (up - lo == 1) break;
        lua_Integer p = lo + (up - lo) / 2;
        if (randomize && up - lo >= KF_SORT_RANDOMIZE) {
            lua_Unsigned quarter = (lua_Unsigned)(up - lo) / 4;
            p = (lua_Integer)(kf_sort_draw(s->vm) % (quarter * 2)) + lo + (lua_Integer)quarter;
        }
        /* order t[lo], t[p], t[up] */
        kf_sort_get(s, p);
        kf_sort_get(s, lo);
        if (kf_sort_less(s, -2, -1)) {
            kf_sort_set2(s, p, lo);
        } else {
            lua_pop(L, 1);
            kf_sort_get(s, up);
            if (kf_sort_less(s, -1, -2)) kf_sort_set2(s, p, up);
            else lua_pop(L, 2);
        }
        if (up - lo == 2) break;
        /* the pivot goes to t[up - 1] and stays on the stack */
        kf_sort_get(s, p);
        lua_pushvalue(L, -1);
        kf_sort_get(s, up - 1);
        kf_sort_set2(s, p, up - 1);
        p = kf_partition(s, lo, up); /* it takes the pivot off the stack */
        /* recurse into the smaller half, loop on the larger: the C stack stays small */
        lua_Integer smaller;
        if (p - lo < up - p) {
            kf_sort_range(s, lo, p - 1, randomize);
            smaller = p - lo;
            lo = p + 1;
        } else {
            kf_sort_range(s, p + 1, up, randomize);
            smaller = up - p;
            up = p - 1;
        }
        /* an unbalanced split: draw the pivots from now on */
        if ((up - lo) / 128 > smaller) randomize = 1;
    }
}

int kf_sort(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    int plain = !lua_getmetatable(L, 1);
    if (!plain) lua_pop(L, 1);
    lua_Integer n = plain ? (lua_Integer)lua_rawlen(L, 1) : luaL_len(L, 1);
    kf_charge(L, 1);
    if (n <= 1) return 0;
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    luaL_checkstack(L, 40, "table.sort");
    kf_sorter s = {L, 1, lua_isnil(L, 2) ? 0 : 2, 0, kf_vm_of(L)};
    if (!plain) {
        /* copy out through the metamethods, each element charged as it is read */
        lua_createtable(L, 0, 0);
        for (lua_Integer i = 1; i <= n; i++) {
            kf_charge(L, 1);
            lua_geti(L, 1, i);
            lua_rawseti(L, 3, i);
        }
        s.t = 3;
    }
    kf_sort_range(&s, 1, n, 0);
    kf_sort_flush(&s);
    if (!plain) {
        for (lua_Integer i = 1; i <= n; i++) {
            kf_charge(L, 1);
            lua_rawgeti(L, 3, i);
            lua_seti(L, 1, i);
        }
    }
    return 0;
}
