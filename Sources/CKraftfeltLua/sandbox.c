/* The sandbox: safe libraries, the C functions that replace stock ones for scripts,
   loading text chunks with a fresh environment, and small protected helpers for Swift.

   A replacement that wraps a stock C function calls it in the same call frame (the
   stock function uses no upvalues), so its error messages name the function and the
   script's line exactly as stock Lua does. */
#define _GNU_SOURCE /* timegm */
#include "CKraftfeltLua.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- metatables ------------------------------------------------------------------

   setmetatable installs a sealed copy of the metatable the script gives: the fields Lua
   reads as metamethods, copied once, with __metatable pointing back at the script's
   table (so getmetatable returns it, and `getmetatable(x) == Class` holds). The script
   cannot change the copy afterwards, so what it was checked for stays true:
     __gc     refused: finalizers run with hooks off, where no limit can stop them;
     __mode   refused: weak tables let a script observe when the collector runs (which
              differs between processes), and ephemeron tables make a collection
              quadratic in C;
     __call   must be a function: a table whose __call is itself loops in C.
   Adding a metamethod to the script's table after setmetatable has no effect. */
static char kf_sealed_marker; /* key in a sealed copy: 1, or 2 when the original was protected */

static const char *const kf_metamethods[] = {
    "__index", "__newindex", "__len",  "__eq",  "__add",   "__sub",   "__mul",  "__mod",      "__pow",
    "__div",   "__idiv",     "__band", "__bor", "__bxor",  "__shl",   "__shr",  "__unm",      "__bnot",
    "__lt",    "__le",       "__concat", "__call", "__close", "__tostring", "__name", "__pairs", NULL,
};

static int kf_raw_field(lua_State *L, int t, const char *name) {
    lua_pushstring(L, name);
    return lua_rawget(L, t);
}

static int kf_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    kf_charge(L, 32);
    if (lua_getmetatable(L, 1)) {
        int protected_ = lua_rawgetp(L, -1, &kf_sealed_marker) == LUA_TNUMBER && lua_tointeger(L, -1) == 2;
        lua_pop(L, 2);
        if (protected_) return luaL_error(L, "cannot change a protected metatable");
    }
    lua_settop(L, 2);
    if (t == LUA_TNIL) {
        lua_setmetatable(L, 1);
        return 1;
    }
    if (kf_raw_field(L, 2, "__gc") != LUA_TNIL)
        return luaL_error(L, "setmetatable: __gc metamethods are not allowed in Kraftfelt scripts");
    if (kf_raw_field(L, 2, "__mode") != LUA_TNIL)
        return luaL_error(L, "setmetatable: weak tables (__mode) are not allowed in Kraftfelt scripts");
    int call = kf_raw_field(L, 2, "__call");
    if (call != LUA_TNIL && call != LUA_TFUNCTION)
        return luaL_error(L, "setmetatable: '__call' must be a function, got a %s", lua_typename(L, call));
    lua_settop(L, 2);
    lua_createtable(L, 0, 4);
    for (const char *const *name = kf_metamethods; *name; name++) {
        if (kf_raw_field(L, 2, *name) == LUA_TNIL) lua_pop(L, 1);
        else lua_setfield(L, 3, *name);
    }
    int protected_ = kf_raw_field(L, 2, "__metatable") != LUA_TNIL;
    if (!protected_) {
        lua_pop(L, 1);
        lua_pushvalue(L, 2);
    }
    lua_setfield(L, 3, "__metatable");
    lua_pushinteger(L, protected_ ? 2 : 1);
    lua_rawsetp(L, 3, &kf_sealed_marker);
    lua_setmetatable(L, 1);
    lua_settop(L, 1);
    return 1;
}

/* ---- stops -------------------------------------------------------------------------- */

/* Raises the stop again once the VM is stopped: functions that catch errors (resume,
   close, wrap) must not let a script go on after a limit stopped it. */
static void kf_raise_if_stopped(lua_State *L) {
    if (kf_vm_of(L)->stop_reason == KF_STOP_NONE) return;
    kf_push_stop_message(L);
    lua_error(L);
}

/* The stop message once the script was stopped by a limit (false before). */
static int kf_stopped(lua_State *L) {
    if (kf_vm_of(L)->stop_reason == KF_STOP_NONE) lua_pushboolean(L, 0);
    else kf_push_stop_message(L);
    return 1;
}

/* ---- coroutines ----------------------------------------------------------------------

   A thread that waits for the host (an open question, a timer) belongs to the host: the
   script may neither resume nor close it. After a stop, nothing is resumed or closed:
   closing a coroutine killed from the hook would run its __close handlers with hooks
   off. */
static int kf_thread_waits(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TTHREAD) return 0;
    luaL_checkstack(L, 3, NULL);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, "kraftfelt.waiting");
    lua_pushvalue(L, idx);
    int waits = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return waits;
}

/* coroutine.resume; upvalue 1: the stock function. */
static int kf_co_resume(lua_State *L) {
    kf_charge(L, 1 + lua_gettop(L));
    if (kf_thread_waits(L, 1)) return luaL_error(L, "cannot resume a script thread that waits for the host");
    int n = lua_tocfunction(L, lua_upvalueindex(1))(L);
    kf_raise_if_stopped(L);
    return n;
}

/* coroutine.close; upvalue 1: the stock function. */
static int kf_co_close(lua_State *L) {
    kf_charge(L, 1);
    kf_raise_if_stopped(L);
    if (kf_thread_waits(L, 1)) return luaL_error(L, "cannot close a script thread that waits for the host");
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* The function coroutine.wrap returns; upvalue 1: the coroutine. */
static int kf_wrap_step(lua_State *L) {
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    int narg = lua_gettop(L);
    kf_charge(L, 1 + narg);
    if (!lua_checkstack(co, narg)) return luaL_error(L, "too many arguments to resume");
    lua_xmove(L, co, narg);
    int nres = 0;
    int status = lua_resume(co, L, narg, &nres);
    kf_raise_if_stopped(L);
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            return luaL_error(L, "too many results to resume");
        }
        lua_xmove(co, L, nres);
        return nres;
    }
    lua_xmove(co, L, 1); /* the error */
    int dead = lua_status(co);
    if (dead != LUA_OK && dead != LUA_YIELD) {
        /* the error killed the coroutine: close its pending to-be-closed variables */
        lua_pop(L, 1);
        lua_resetthread(co);
        kf_raise_if_stopped(L);
        lua_xmove(co, L, 1); /* the error, or one from a __close handler */
    }
    if (status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

static int kf_co_wrap(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    kf_charge(L, 1);
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, kf_wrap_step, 1);
    return 1;
}

/* ---- load ------------------------------------------------------------------------------

   load for scripts: text only, size-limited and checked before Lua parses it (the parser
   runs without the hook); a reader function's pieces are collected first, each charged.
   Upvalue 1: the script's own environment, the default for what it loads. */
static int kf_fail(lua_State *L, const char *message) {
    luaL_pushfail(L);
    lua_pushstring(L, message);
    return 2;
}

static int kf_script_load(lua_State *L) {
    kf_vm *vm = kf_vm_of(L);
    int env = !lua_isnone(L, 4) ? 4 : lua_upvalueindex(1);
    const char *mode = luaL_optstring(L, 3, "bt");
    if (strchr(mode, 't') == NULL) return kf_fail(L, "load: only text chunks can be loaded in Kraftfelt scripts");
    size_t length;
    const char *source;
    const char *chunkname;
    if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
        source = lua_tolstring(L, 1, &length);
        chunkname = luaL_optstring(L, 2, source);
    } else {
        chunkname = luaL_optstring(L, 2, "=(load)");
        luaL_checktype(L, 1, LUA_TFUNCTION);
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (;;) {
            kf_charge(L, 1);
            lua_pushvalue(L, 1);
            lua_call(L, 0, 1);
            if (lua_isnil(L, -1)) {
                lua_pop(L, 1);
                break;
            }
            if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER) {
                lua_pop(L, 1);
                return kf_fail(L, "reader function must return a string");
            }
            size_t n;
            lua_tolstring(L, -1, &n);
            if (n == 0) {
                lua_pop(L, 1);
                break;
            }
            kf_charge(L, (long)(n / 16));
            if (vm->source_limit > 0 && luaL_bufflen(&b) + n > vm->source_limit) {
                lua_pop(L, 1);
                lua_pushfstring(L, "load: the chunk has more than %I bytes; the limit is %I",
                                (lua_Integer)vm->source_limit, (lua_Integer)vm->source_limit);
                return kf_fail(L, lua_tostring(L, -1));
            }
            luaL_addvalue(&b);
        }
        luaL_pushresult(&b);
        source = lua_tolstring(L, -1, &length);
    }
    if (vm->source_limit > 0 && length > vm->source_limit) {
        lua_pushfstring(L, "load: the chunk has %I bytes; the limit is %I", (lua_Integer)length,
                        (lua_Integer)vm->source_limit);
        return kf_fail(L, lua_tostring(L, -1));
    }
    kf_charge(L, 1 + (long)length); /* the scan and the parse, both in C */
    const char *problem = kf_check_source(source, length);
    if (problem) {
        lua_pushfstring(L, "load: %s", problem);
        return kf_fail(L, lua_tostring(L, -1));
    }
    if (luaL_loadbufferx(L, source, length, chunkname, "t") != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushvalue(L, env);
    if (lua_setupvalue(L, -2, 1) == NULL) lua_pop(L, 1);
    return 1;
}

/* raw.loader(env): the load function of the environment env. */
static int kf_make_loader(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_pushcclosure(L, kf_script_load, 1);
    return 1;
}

/* The source check, for the prelude: nil when fine, else the message. */
static int kf_checksource(lua_State *L) {
    size_t length;
    const char *source = luaL_checklstring(L, 1, &length);
    const char *problem = kf_check_source(source, length);
    if (problem) lua_pushstring(L, problem);
    else lua_pushnil(L);
    return 1;
}

/* ---- os and math ---------------------------------------------------------------------- */

/* os.time(t) in UTC (timegm), so a session's times do not depend on the host's zone. */
static int kf_field(lua_State *L, const char *key, int fallback, int delta) {
    int isnum;
    int type = lua_getfield(L, 1, key);
    lua_Integer value = lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 1);
    if (!isnum) {
        if (type != LUA_TNIL) return luaL_error(L, "field '%s' is not an integer", key);
        if (fallback < 0) return luaL_error(L, "field '%s' missing in date table", key);
        return fallback;
    }
    if (value < -100000000 || value > 100000000) return luaL_error(L, "field '%s' is out-of-bound", key);
    return (int)(value - delta);
}

/* os.time; upvalue 1: the host's clock (seconds since 1970 on the session's clock). */
static int kf_os_time(lua_State *L) {
    kf_charge(L, 1);
    if (lua_isnoneornil(L, 1)) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_call(L, 0, 1);
        return 1;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    struct tm ts = {0};
    ts.tm_year = kf_field(L, "year", -1, 1900);
    ts.tm_mon = kf_field(L, "month", -1, 1);
    ts.tm_mday = kf_field(L, "day", -1, 0);
    ts.tm_hour = kf_field(L, "hour", 12, 0);
    ts.tm_min = kf_field(L, "min", 0, 0);
    ts.tm_sec = kf_field(L, "sec", 0, 0);
    time_t t = timegm(&ts);
    if (t == (time_t)(-1)) return luaL_error(L, "time result cannot be represented in this installation");
    lua_pushinteger(L, (lua_Integer)t);
    return 1;
}

/* os.date, always in UTC and at the session's time by default; upvalue 1: the stock
   function, upvalue 2: the host's clock. */
static int kf_os_date(lua_State *L) {
    size_t length = 0;
    lua_settop(L, 2);
    if (lua_isnil(L, 1)) lua_pushliteral(L, "%c");
    else lua_pushvalue(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) {
        const char *format = lua_tolstring(L, -1, &length);
        if (format[0] != '!') {
            lua_pushliteral(L, "!");
            lua_insert(L, -2);
            lua_concat(L, 2);
        }
    }
    lua_replace(L, 1);
    kf_charge(L, 1 + (long)length);
    if (lua_isnil(L, 2)) {
        lua_pushvalue(L, lua_upvalueindex(2));
        lua_call(L, 0, 1);
        lua_replace(L, 2);
    }
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* math.randomseed: with arguments as in stock Lua; without, seeded from the session's
   generator (never from the clock), so a replay draws the same numbers. Returns the two
   seed components. Upvalue 1: the stock function; upvalue 2: the host's seed source. */
static int kf_randomseed(lua_State *L) {
    kf_charge(L, 1);
    if (lua_gettop(L) == 0) {
        lua_pushvalue(L, lua_upvalueindex(2));
        lua_call(L, 0, 2);
    } else {
        lua_Integer a = luaL_checkinteger(L, 1);
        lua_Integer b = luaL_optinteger(L, 2, 0);
        lua_settop(L, 0);
        lua_pushinteger(L, a);
        lua_pushinteger(L, b);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 2);
    return 2;
}

/* print: each argument through the sandbox's tostring, joined with tabs, to the host's
   log. Upvalue 1: the host's print; upvalue 2: the sandbox's tostring. */
static int kf_print(lua_State *L) {
    int n = lua_gettop(L);
    kf_charge(L, 1 + n);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        lua_pushvalue(L, lua_upvalueindex(2));
        lua_pushvalue(L, i);
        lua_call(L, 1, 1);
        if (i > 1) luaL_addchar(&b, '\t');
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, -2);
    lua_call(L, 1, 0);
    return 0;
}

/* The message handler xpcall installs: once a limit stopped the script, the script's
   handler never runs (Lua calls it with hooks off when the stop is raised from the hook);
   otherwise it is the script's. Upvalue 1: the script's handler. */
static int kf_xpcall_handler(lua_State *L) {
    if (kf_vm_of(L)->stop_reason != KF_STOP_NONE) return lua_gettop(L);
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

/* xpcall; upvalue 1: the stock function, entered with the handler wrapped. */
static int kf_xpcall(lua_State *L) {
    kf_charge(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, kf_xpcall_handler, 1);
    lua_replace(L, 2);
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* raw.closure(name, upvalues...): one of the replacements above, closed over the stock
   functions and host functions it needs. */
static int kf_make_closure(lua_State *L) {
    static const struct {
        const char *name;
        lua_CFunction f;
        int upvalues;
    } makers[] = {
        {"resume", kf_co_resume, 1}, {"close", kf_co_close, 1},     {"rep", kf_str_rep, 1},
        {"format", kf_str_format, 2}, {"date", kf_os_date, 2},      {"time", kf_os_time, 1},
        {"randomseed", kf_randomseed, 2}, {"random", kf_math_random, 1},
        {"ipairs", kf_ipairs, 1},         {"print", kf_print, 2},      {"xpcall", kf_xpcall, 1},
        {NULL, NULL, 0},
    };
    const char *name = luaL_checkstring(L, 1);
    for (int i = 0; makers[i].name; i++) {
        if (strcmp(makers[i].name, name) != 0) continue;
        lua_settop(L, 1 + makers[i].upvalues);
        lua_pushcclosure(L, makers[i].f, makers[i].upvalues);
        return 1;
    }
    return luaL_error(L, "kraftfelt: no replacement named %s (host bug)", name);
}

/* ---- opening the sandbox -------------------------------------------------------------- */

typedef struct {
    const char *source;
    size_t length;
    int status;
} kf_prelude_args;

/* The prelude compiled once per process: every VM loads the same trusted bytecode
   instead of parsing the text again (scripts themselves can never load bytecode). */
static pthread_mutex_t kf_prelude_lock = PTHREAD_MUTEX_INITIALIZER;
static char *kf_prelude_code;
static size_t kf_prelude_code_length;

static int kf_collect_dump(lua_State *L, const void *p, size_t size, void *ud) {
    (void)L;
    (void)ud;
    size_t needed = kf_prelude_code_length + size;
    char *grown = realloc(kf_prelude_code, needed);
    if (grown == NULL) return 1;
    memcpy(grown + kf_prelude_code_length, p, size);
    kf_prelude_code = grown;
    kf_prelude_code_length = needed;
    return 0;
}

/* Loads the prelude: from the cached bytecode, compiling and caching it first if needed. */
static int kf_load_prelude(lua_State *L, const char *source, size_t length) {
    pthread_mutex_lock(&kf_prelude_lock);
    if (kf_prelude_code == NULL) {
        lua_State *compiler = luaL_newstate();
        if (compiler && luaL_loadbufferx(compiler, source, length, "=kraftfelt.prelude", "t") == LUA_OK) {
            if (lua_dump(compiler, kf_collect_dump, NULL, 0) != 0) {
                free(kf_prelude_code);
                kf_prelude_code = NULL;
                kf_prelude_code_length = 0;
            }
        }
        if (compiler) lua_close(compiler);
    }
    int status = kf_prelude_code
                     ? luaL_loadbufferx(L, kf_prelude_code, kf_prelude_code_length, "=kraftfelt.prelude", "b")
                     : luaL_loadbufferx(L, source, length, "=kraftfelt.prelude", "t");
    pthread_mutex_unlock(&kf_prelude_lock);
    return status;
}

static int kf_open_sandbox_body(lua_State *L) {
    kf_prelude_args *a = lua_touserdata(L, 1);
    static const luaL_Reg libraries[] = {
        {LUA_GNAME, luaopen_base},        {LUA_COLIBNAME, luaopen_coroutine}, {LUA_TABLIBNAME, luaopen_table},
        {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},    {LUA_UTF8LIBNAME, luaopen_utf8},
        {LUA_OSLIBNAME, luaopen_os},      {NULL, NULL},
    };
    lua_settop(L, 0);
    lua_newtable(L); /* 1: raw primitives for the prelude */
    for (const luaL_Reg *lib = libraries; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 0);
        lua_setfield(L, 1, lib->name);
    }
    static const luaL_Reg replacements[] = {
        {"setmetatable", kf_setmetatable}, {"stopped", kf_stopped},
        {"find", kf_str_find},             {"match", kf_str_match},
        {"gmatch", kf_str_gmatch},         {"gsub", kf_str_gsub},
        {"checksource", kf_checksource},   {"charged", kf_make_charged},
        {"closure", kf_make_closure},      {"loader", kf_make_loader},
        {"wrap", kf_co_wrap},              {"next", kf_next},
        {"pairs", kf_pairs},               {"tostring", kf_tostring},
        {"sort", kf_sort},                 {"chargeall", kf_charge_all},
        {NULL, NULL},
    };
    luaL_setfuncs(L, replacements, 0);
    static const struct {
        const char *name;
        int kind;
    } costs[] = {
        {"ARGUMENTS", KF_COST_ARGUMENTS}, {"RESULTS", KF_COST_RESULTS}, {"FIRST_STRING", KF_COST_FIRST_STRING},
        {"STRING_RANGE", KF_COST_STRING_RANGE}, {"INSERT", KF_COST_INSERT}, {"REMOVE", KF_COST_REMOVE},
        {"MOVE", KF_COST_MOVE}, {"CONCAT", KF_COST_CONCAT}, {"CODES", KF_COST_CODES}, {"OFFSET", KF_COST_OFFSET},
        {"CALL", KF_COST_CALL}, {"UNPACK", KF_COST_UNPACK}, {"FORMAT_RESULTS", KF_COST_FORMAT_RESULTS},
        {"EACH_BYTE", KF_COST_EACH_BYTE},
        {NULL, 0},
    };
    lua_newtable(L);
    for (int i = 0; costs[i].name; i++) {
        lua_pushinteger(L, costs[i].kind);
        lua_setfield(L, -2, costs[i].name);
    }
    lua_setfield(L, 1, "cost");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_setfield(L, 1, "loaded");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, "kraftfelt.modules");
    lua_setfield(L, 1, "modules");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, "kraftfelt.hidden");
    lua_setfield(L, 1, "hidden");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, "kraftfelt.host");
    lua_setfield(L, 1, "host");

    a->status = kf_load_prelude(L, a->source, a->length);
    if (a->status != LUA_OK) return lua_error(L);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1); /* 2: { newenv = ..., string = ..., describe = ... } */
    lua_getfield(L, -1, "describe");
    kf_vm_of(L)->describe_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_setfield(L, LUA_REGISTRYINDEX, "kraftfelt.sandbox");

    /* The string metatable: the sandbox's string table, and no way to reach it. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_getfield(L, LUA_REGISTRYINDEX, "kraftfelt.sandbox");
    lua_getfield(L, -1, "string");
    lua_setfield(L, -3, "__index");
    lua_pop(L, 1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");

    /* Nothing loads with the real globals: chunks get their own environment. */
    lua_newtable(L);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    /* What the sandbox made is "builtin"; scripts' objects are numbered from here. */
    kf_vm_of(L)->serial_base = kf_vm_of(L)->next_serial;
    return 0;
}

int kf_open_sandbox(lua_State *L, const char *prelude, size_t length) {
    kf_prelude_args a = {prelude, length, LUA_OK};
    if (!lua_checkstack(L, 3)) return LUA_ERRMEM;
    lua_pushcfunction(L, kf_open_sandbox_body);
    lua_pushlightuserdata(L, &a);
    int status = lua_pcall(L, 1, 0, 0);
    return a.status != LUA_OK ? a.status : status;
}

typedef struct {
    const char *source;
    size_t length;
    const char *chunkname;
    double seconds; /* how long parsing may take (0: no limit) */
    int status;
} kf_load_args;

static int kf_load_body(lua_State *L) {
    kf_load_args *a = lua_touserdata(L, 1);
    lua_settop(L, 0);
    const char *problem = kf_check_source(a->source, a->length);
    if (problem) {
        a->status = LUA_ERRSYNTAX;
        lua_pushfstring(L, "%s: %s", a->chunkname + (a->chunkname[0] == '@'), problem);
        return lua_error(L);
    }
    /* The parser runs in C: its large allocations check a deadline of its own. */
    kf_vm *vm = kf_vm_of(L);
    vm->deadline = a->seconds > 0 ? kf_monotonic_now() + a->seconds : 0; /* read by the allocator only */
    a->status = luaL_loadbufferx(L, a->source, a->length, a->chunkname, "t");
    vm->deadline = 0;
    if (a->status != LUA_OK) return lua_error(L);
    lua_getfield(L, LUA_REGISTRYINDEX, "kraftfelt.sandbox");
    lua_getfield(L, -1, "newenv");
    lua_call(L, 0, 1);
    if (lua_setupvalue(L, 1, 1) == NULL) lua_pop(L, 1);
    lua_settop(L, 1);
    return 1;
}

int kf_load(lua_State *L, const char *source, size_t length, const char *chunkname, double seconds) {
    kf_load_args a = {source, length, chunkname, seconds, LUA_OK};
    if (!lua_checkstack(L, 3)) return LUA_ERRMEM;
    /* The environment is built by trusted prelude code: not under a step's budget or
       deadline (the last step's deadline may have passed long ago). Its work is not
       counted either, so the step's count is the same whenever the host loads. */
    kf_vm *vm = kf_vm_of(L);
    int64_t limit = vm->instruction_limit, used = vm->instructions_used;
    double deadline = vm->deadline;
    vm->instruction_limit = 0;
    vm->deadline = 0;
    kf_vm_update_next_check(vm);
    lua_pushcfunction(L, kf_load_body);
    lua_pushlightuserdata(L, &a);
    int status = lua_pcall(L, 1, 1, 0);
    vm->instruction_limit = limit;
    vm->instructions_used = used;
    vm->deadline = deadline;
    kf_vm_update_next_check(vm);
    return a.status != LUA_OK ? a.status : status;
}

/* Runs the C function and arguments on top of the stack, protected; it returns one
   registry reference (LUA_NOREF when it failed, for want of memory). */
static int kf_protected_ref(lua_State *L, int nargs) {
    if (lua_pcall(L, nargs, 1, 0) != LUA_OK) {
        lua_pop(L, 1);
        return LUA_NOREF;
    }
    int ref = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return ref;
}

static int kf_new_thread_body(lua_State *L) {
    lua_State **out = lua_touserdata(L, 1);
    *out = lua_newthread(L);
    lua_pushinteger(L, luaL_ref(L, LUA_REGISTRYINDEX));
    return 1;
}

int kf_new_thread(lua_State *L, lua_State **thread) {
    if (!lua_checkstack(L, 3)) return LUA_NOREF;
    lua_pushcfunction(L, kf_new_thread_body);
    lua_pushlightuserdata(L, thread);
    return kf_protected_ref(L, 1);
}

static int kf_ref_body(lua_State *L) {
    lua_settop(L, 1);
    lua_pushinteger(L, luaL_ref(L, LUA_REGISTRYINDEX));
    return 1;
}

int kf_ref(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (!lua_checkstack(L, 3)) return LUA_NOREF;
    lua_pushcfunction(L, kf_ref_body);
    lua_pushvalue(L, idx);
    return kf_protected_ref(L, 1);
}

static int kf_unref_body(lua_State *L) {
    luaL_unref(L, LUA_REGISTRYINDEX, (int)lua_tointeger(L, 1));
    return 0;
}

void kf_unref(lua_State *L, int ref) {
    if (ref < 0 || !lua_checkstack(L, 3)) return;
    lua_pushcfunction(L, kf_unref_body);
    lua_pushinteger(L, ref);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) lua_pop(L, 1);
}

static int kf_traceback_body(lua_State *L) {
    lua_State *co = lua_touserdata(L, 1);
    luaL_traceback(L, co, NULL, 0);
    return 1;
}

int kf_traceback(lua_State *L, lua_State *co) {
    if (!lua_checkstack(L, 3)) return LUA_ERRMEM;
    lua_pushcfunction(L, kf_traceback_body);
    lua_pushlightuserdata(L, co);
    return lua_pcall(L, 1, 1, 0);
}
