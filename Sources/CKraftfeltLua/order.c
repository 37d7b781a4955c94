/* Orders and names that are the same in every process: `next` and `pairs` visit keys
   in a fixed order, and `tostring` names tables, functions and coroutines by their
   creation serial instead of their address.

   Stock Lua orders a table's keys by hash, and it seeds its string hash with the time
   and addresses at start-up and hashes tables and functions by address; so two runs of
   the same script, in two processes, can visit keys in different orders. A session must
   replay to the same state in a new process, so every order a script can observe here
   is a function of the values alone:
     booleans (false, true) < numbers (by value) < strings (bytewise) < tables <
     functions < coroutines, and objects by creation serial (see vm.c). */
#define _GNU_SOURCE /* dladdr */
#include "CKraftfeltLua.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A key as the sort sees it: 32 bytes, so a traversal of a table of a million keys takes
   32 MB for a moment, not more. */
typedef struct {
    union {
        lua_Integer i; /* booleans (0, 1) and integers */
        lua_Number n;  /* floats */
        const char *s; /* strings (alive in the scratch list while the sort runs) */
        uint64_t id;   /* objects: the serial; light C functions: the offset in their file */
    } v;
    union {
        size_t len;         /* strings */
        const char *object; /* light C functions: the file that holds them */
    } w;
    lua_Integer index; /* where the key is in the scratch list */
    int rank;
    int isint;
} kf_key;

enum { RANK_BOOLEAN = 1, RANK_NUMBER, RANK_STRING, RANK_TABLE, RANK_FUNCTION, RANK_THREAD, RANK_OTHER };

/* Describes the key at idx (no allocation, no error). */
static void kf_describe_key(lua_State *L, int idx, kf_key *k) {
    memset(k, 0, sizeof *k);
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
        k->rank = RANK_BOOLEAN;
        k->isint = 1;
        k->v.i = lua_toboolean(L, idx);
        break;
    case LUA_TNUMBER:
        k->rank = RANK_NUMBER;
        k->isint = lua_isinteger(L, idx);
        if (k->isint) k->v.i = lua_tointeger(L, idx);
        else k->v.n = lua_tonumber(L, idx);
        break;
    case LUA_TSTRING:
        k->rank = RANK_STRING;
        k->v.s = lua_tolstring(L, idx, &k->w.len);
        break;
    case LUA_TTABLE:
        k->rank = RANK_TABLE;
        k->v.id = kf_identity(L, idx);
        break;
    case LUA_TFUNCTION:
        k->rank = RANK_FUNCTION;
        k->v.id = kf_identity(L, idx);
        if (k->v.id == 0) {
            /* A light C function is code, not an object: its offset inside the file that
               holds it is the same in every process of the same build. */
            Dl_info info;
            const void *code = lua_topointer(L, idx);
            if (dladdr(code, &info) && info.dli_fbase) {
                k->v.id = (uint64_t)((const char *)code - (const char *)info.dli_fbase);
                k->w.object = info.dli_fname;
            }
        }
        break;
    case LUA_TTHREAD:
        k->rank = RANK_THREAD;
        k->v.id = kf_identity(L, idx);
        break;
    default: k->rank = RANK_OTHER; break;
    }
}

/* -1, 0 or 1 as integer i is below, equal to or above float f (exactly). */
static int kf_compare_int_float(lua_Integer i, lua_Number f) {
    if (f >= 9223372036854775808.0) return -1;
    if (f < -9223372036854775808.0) return 1;
    lua_Number whole = floor(f);
    lua_Integer w = (lua_Integer)whole;
    if (i < w) return -1;
    if (i > w) return 1;
    return f > whole ? -1 : 0;
}

static int kf_compare_keys(const kf_key *a, const kf_key *b) {
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    switch (a->rank) {
    case RANK_BOOLEAN: return (a->v.i > b->v.i) - (a->v.i < b->v.i);
    case RANK_NUMBER:
        if (a->isint && b->isint) return (a->v.i > b->v.i) - (a->v.i < b->v.i);
        if (!a->isint && !b->isint) return (a->v.n > b->v.n) - (a->v.n < b->v.n);
        return a->isint ? kf_compare_int_float(a->v.i, b->v.n) : -kf_compare_int_float(b->v.i, a->v.n);
    case RANK_STRING: {
        size_t n = a->w.len < b->w.len ? a->w.len : b->w.len;
        int c = memcmp(a->v.s, b->v.s, n);
        if (c != 0) return c < 0 ? -1 : 1;
        return (a->w.len > b->w.len) - (a->w.len < b->w.len);
    }
    case RANK_FUNCTION:
        if (a->v.id != b->v.id) return a->v.id < b->v.id ? -1 : 1;
        if (a->w.object != b->w.object)
            return strcmp(a->w.object ? a->w.object : "", b->w.object ? b->w.object : "");
        return 0;
    default:
        return (a->v.id > b->v.id) - (a->v.id < b->v.id);
    }
}

/* Heapsort: in place, O(n log n) at worst, and no memory outside the Lua heap (glibc's
   qsort mallocs a buffer the size of the array, which the VM's cap would not see). The
   keys are all different, so the order it leaves is the one order there is. */
static void kf_sift(kf_key *keys, size_t root, size_t n) {
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && kf_compare_keys(&keys[child], &keys[child + 1]) < 0) child++;
        if (kf_compare_keys(&keys[root], &keys[child]) >= 0) return;
        kf_key swap = keys[root];
        keys[root] = keys[child];
        keys[child] = swap;
        root = child;
    }
}

static void kf_sort_keys(kf_key *keys, size_t n) {
    if (n < 2) return;
    for (size_t i = n / 2; i-- > 0;) kf_sift(keys, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        kf_key swap = keys[0];
        keys[0] = keys[end];
        keys[end] = swap;
        kf_sift(keys, 0, end);
    }
}

/* log2(n) + 1, for charging a sort of n keys. */
static long kf_log2(lua_Integer n) {
    long l = 1;
    while (n > 1) {
        n >>= 1;
        l++;
    }
    return l;
}

/* Pushes a list of the keys of the table at t, in the fixed order; returns their count. */
static lua_Integer kf_push_sorted_keys(lua_State *L, int t) {
    t = lua_absindex(L, t);
    luaL_checkstack(L, 6, "too many nested traversals");
    lua_createtable(L, 0, 0); /* the keys as found, then sorted */
    int scratch = lua_gettop(L);
    lua_Integer n = 0;
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, scratch, ++n);
    }
    if (n == 0) return 0;
    kf_charge(L, (long)n * kf_log2(n));
    if ((size_t)n > SIZE_MAX / sizeof(kf_key)) luaL_error(L, "table too big to traverse");
    kf_key *keys = lua_newuserdatauv(L, (size_t)n * sizeof(kf_key), 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, scratch, i);
        kf_describe_key(L, -1, &keys[i - 1]); /* strings stay alive in the scratch list */
        keys[i - 1].index = i;
        lua_pop(L, 1);
    }
    kf_sort_keys(keys, (size_t)n);
    lua_createtable(L, (int)(n < 0x7fffffff ? n : 0), 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, scratch, keys[i - 1].index);
        lua_rawseti(L, -2, i);
    }
    lua_replace(L, scratch);
    lua_pop(L, 1); /* the descriptors */
    return n;
}

/* Finds key (at idx) in the sorted list at list (n keys); 0 when it is not there. */
static lua_Integer kf_find_key(lua_State *L, int list, lua_Integer n, int idx) {
    kf_key wanted, probe;
    kf_describe_key(L, idx, &wanted);
    lua_Integer lo = 1, hi = n;
    while (lo <= hi) {
        lua_Integer mid = lo + (hi - lo) / 2;
        lua_rawgeti(L, list, mid);
        kf_describe_key(L, -1, &probe);
        int c = kf_compare_keys(&probe, &wanted);
        lua_pop(L, 1);
        if (c == 0) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid - 1;
    }
    return 0;
}

/* Pushes the first key after position pos (of n) whose value in t is not nil, and its
   value; returns the new position, or 0 at the end (nothing pushed). */
static lua_Integer kf_advance(lua_State *L, int t, int list, lua_Integer pos, lua_Integer n) {
    for (lua_Integer p = pos + 1; p <= n; p++) {
        lua_rawgeti(L, list, p);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, t) != LUA_TNIL) return p;
        lua_pop(L, 2);
    }
    return 0;
}

/* ---- next: the traversals under way, kept in the registry ----------------------

   registry["kraftfelt.traversals"] is a list of at most KF_TRAVERSALS entries, the most
   recently used first, each { table, sorted keys, count, position }. A traversal of a
   table starts with next(t, nil), which sorts its keys; next(t, k) then continues from
   where k is (at once when k is the key it returned last). Entries hold their tables
   strongly; there are few, and what they keep alive is the same in every run. */
#define KF_TRAVERSALS 16

static int kf_traversals(lua_State *L) {
    if (lua_getfield(L, LUA_REGISTRYINDEX, "kraftfelt.traversals") == LUA_TTABLE) return lua_gettop(L);
    lua_pop(L, 1);
    lua_createtable(L, KF_TRAVERSALS, 0);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "kraftfelt.traversals");
    return lua_gettop(L);
}

/* Moves entry i of the list to the front; the entry is left on the stack. */
static void kf_to_front(lua_State *L, int list, lua_Integer i) {
    lua_rawgeti(L, list, i);
    for (lua_Integer j = i; j > 1; j--) {
        lua_rawgeti(L, list, j - 1);
        lua_rawseti(L, list, j);
    }
    lua_pushvalue(L, -1);
    lua_rawseti(L, list, 1);
}

/* Makes a fresh entry for the table at t at the front (the least recently used goes). */
static void kf_new_traversal(lua_State *L, int list, int t) {
    lua_Integer used = (lua_Integer)lua_rawlen(L, list);
    lua_Integer last = used < KF_TRAVERSALS ? used + 1 : KF_TRAVERSALS;
    for (lua_Integer j = last; j > 1; j--) {
        lua_rawgeti(L, list, j - 1);
        lua_rawseti(L, list, j);
    }
    lua_createtable(L, 4, 0);
    lua_pushvalue(L, t);
    lua_rawseti(L, -2, 1);
    lua_Integer n = kf_push_sorted_keys(L, t);
    if (n == 0) lua_createtable(L, 0, 0);
    lua_rawseti(L, -2, 2);
    lua_pushinteger(L, n);
    lua_rawseti(L, -2, 3);
    lua_pushinteger(L, 0);
    lua_rawseti(L, -2, 4);
    lua_pushvalue(L, -1);
    lua_rawseti(L, list, 1);
}

static lua_Integer kf_entry_integer(lua_State *L, int entry, int field) {
    lua_rawgeti(L, entry, field);
    lua_Integer v = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return v;
}

int kf_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    kf_charge(L, 1);
    luaL_checkstack(L, 8, "too many nested traversals");
    int list = kf_traversals(L);
    int entry = 0;
    if (lua_isnil(L, 2)) {
        kf_new_traversal(L, list, 1);
        entry = lua_gettop(L);
    } else {
        lua_Integer used = (lua_Integer)lua_rawlen(L, list);
        for (lua_Integer i = 1; i <= used && !entry; i++) {
            lua_rawgeti(L, list, i);
            lua_rawgeti(L, -1, 1);
            int same = lua_rawequal(L, -1, 1);
            lua_pop(L, 2);
            if (same) {
                kf_to_front(L, list, i);
                entry = lua_gettop(L);
            }
        }
    }
    lua_Integer pos = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!entry) {
            kf_new_traversal(L, list, 1);
            entry = lua_gettop(L);
        }
        lua_rawgeti(L, entry, 2);
        int keys = lua_gettop(L);
        lua_Integer n = kf_entry_integer(L, entry, 3);
        if (lua_isnil(L, 2)) break;
        lua_Integer last = kf_entry_integer(L, entry, 4);
        int hit = 0;
        if (last >= 1 && last <= n) {
            lua_rawgeti(L, keys, last);
            hit = lua_rawequal(L, -1, 2);
            lua_pop(L, 1);
        }
        pos = hit ? last : kf_find_key(L, keys, n, 2);
        if (pos > 0) break;
        /* Not a key of this traversal (keys changed since it began): start it again. */
        lua_settop(L, list);
        entry = 0;
        if (attempt == 1) return luaL_error(L, "invalid key to 'next'");
    }
    int keys = lua_gettop(L);
    lua_Integer n = kf_entry_integer(L, entry, 3);
    lua_Integer found = kf_advance(L, 1, keys, pos, n);
    lua_pushinteger(L, found);
    lua_rawseti(L, entry, 4);
    if (found == 0) {
        lua_pushnil(L);
        return 1;
    }
    return 2;
}

/* ---- pairs ----------------------------------------------------------------------- */

/* The iterator pairs returns: upvalues are the table, its sorted keys, their count and
   the position reached. */
static int kf_pairs_step(lua_State *L) {
    kf_charge(L, 1);
    luaL_checkstack(L, 4, NULL);
    lua_Integer pos = lua_tointeger(L, lua_upvalueindex(4));
    lua_Integer n = lua_tointeger(L, lua_upvalueindex(3));
    lua_Integer found = kf_advance(L, lua_upvalueindex(1), lua_upvalueindex(2), pos, n);
    lua_pushinteger(L, found ? found : n);
    lua_replace(L, lua_upvalueindex(4));
    if (found == 0) {
        lua_pushnil(L);
        return 1;
    }
    return 2;
}

int kf_pairs(lua_State *L) {
    luaL_checkany(L, 1);
    if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) { /* metamethod: it decides */
        lua_pushvalue(L, 1);
        lua_call(L, 1, 3);
        return 3;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    kf_charge(L, 1);
    lua_settop(L, 1);
    lua_pushvalue(L, 1);
    lua_Integer n = kf_push_sorted_keys(L, 1);
    if (n == 0) lua_createtable(L, 0, 0);
    lua_pushinteger(L, n);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, kf_pairs_step, 4);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* ---- tostring ----------------------------------------------------------------------- */

int kf_tostring(lua_State *L) {
    luaL_checkany(L, 1);
    kf_charge(L, 1);
    if (luaL_callmeta(L, 1, "__tostring")) {
        if (!lua_isstring(L, -1)) return luaL_error(L, "'__tostring' must return a string");
        return 1;
    }
    switch (lua_type(L, 1)) {
    case LUA_TNUMBER:
        /* a NaN prints as "-nan" or "nan" by its sign bit, which depends on the machine */
        if (!lua_isinteger(L, 1) && lua_tonumber(L, 1) != lua_tonumber(L, 1)) {
            lua_pushliteral(L, "nan");
            return 1;
        }
        luaL_tolstring(L, 1, NULL);
        return 1;
    case LUA_TNIL:
    case LUA_TBOOLEAN:
    case LUA_TSTRING: luaL_tolstring(L, 1, NULL); return 1;
    default: {
        int named = luaL_getmetafield(L, 1, "__name") == LUA_TSTRING;
        const char *kind = named ? lua_tostring(L, -1) : luaL_typename(L, 1);
        kf_vm *vm = kf_vm_of(L);
        uint64_t id = kf_identity(L, 1);
        if (id > vm->serial_base)
            lua_pushfstring(L, "%s: #%I", kind, (lua_Integer)(id - vm->serial_base));
        else
            lua_pushfstring(L, "%s: builtin", kind);
        return 1;
    }
    }
}

/* The identity string.format's %p shows, the same in every process: "0x" and the
   serial of a script's object, "0xb…" for what the sandbox made, "0xc…" and an offset for
   a light C function; nil for values that are not objects (numbers, strings, booleans). */
void kf_push_identity_text(lua_State *L, int idx) {
    kf_vm *vm = kf_vm_of(L);
    int type = lua_type(L, idx);
    if (type != LUA_TTABLE && type != LUA_TFUNCTION && type != LUA_TTHREAD) {
        lua_pushnil(L);
        return;
    }
    kf_key key;
    kf_describe_key(L, idx, &key);
    char text[40];
    if (type == LUA_TFUNCTION && kf_identity(L, idx) == 0)
        snprintf(text, sizeof text, "0xc%llx", (unsigned long long)key.v.id);
    else if (key.v.id > vm->serial_base)
        snprintf(text, sizeof text, "0x%llx", (unsigned long long)(key.v.id - vm->serial_base));
    else
        snprintf(text, sizeof text, "0xb%llx", (unsigned long long)key.v.id);
    lua_pushstring(L, text);
}
