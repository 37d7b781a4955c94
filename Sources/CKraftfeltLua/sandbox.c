/* The sandbox: safe libraries, C replacements the prelude installs, loading text
   chunks with a fresh environment, and small protected helpers for Swift. */
#define _GNU_SOURCE /* timegm */
#include "CKraftfeltLua.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* setmetatable without __gc: finalizers run with hooks off, so no limit could stop them. */
static int kf_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in Kraftfelt scripts");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* True when a thread waits for the host: the script may not resume or close it. */
static int kf_waiting(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTHREAD);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, "kraftfelt.waiting");
    lua_pushvalue(L, 1);
    lua_pushboolean(L, lua_rawget(L, -2) != LUA_TNIL);
    return 1;
}

/* The source check, for the sandbox's load: nil when fine, else the message. */
static int kf_checksource(lua_State *L) {
    size_t length;
    const char *source = luaL_checklstring(L, 1, &length);
    kf_vm *vm = kf_vm_of(L);
    if (vm->source_limit > 0 && length > vm->source_limit) {
        lua_pushfstring(L, "the chunk has %I bytes; the limit is %I", (lua_Integer)length,
                        (lua_Integer)vm->source_limit);
        return 1;
    }
    const char *problem = kf_check_source(source, length);
    if (problem) lua_pushstring(L, problem);
    else lua_pushnil(L);
    return 1;
}

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

static int kf_utctime(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
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

/* The stop message once the script was stopped by a limit (false before): handlers and
   closers must not run on after a stop. */
static int kf_stopped(lua_State *L) {
    if (kf_vm_of(L)->stop_reason == KF_STOP_NONE)
        lua_pushboolean(L, 0);
    else
        kf_push_stop_message(L);
    return 1;
}

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
        {LUA_GNAME, luaopen_base},         {LUA_COLIBNAME, luaopen_coroutine}, {LUA_TABLIBNAME, luaopen_table},
        {LUA_STRLIBNAME, luaopen_string},  {LUA_MATHLIBNAME, luaopen_math},    {LUA_UTF8LIBNAME, luaopen_utf8},
        {LUA_OSLIBNAME, luaopen_os},       {NULL, NULL},
    };
    lua_settop(L, 0);
    lua_newtable(L); /* 1: raw primitives for the prelude */
    for (const luaL_Reg *lib = libraries; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 0);
        lua_setfield(L, 1, lib->name);
    }
    static const luaL_Reg replacements[] = {
        {"setmetatable", kf_setmetatable}, {"stopped", kf_stopped}, {"find", kf_str_find},
        {"match", kf_str_match},           {"gmatch", kf_str_gmatch}, {"gsub", kf_str_gsub},
        {"waiting", kf_waiting},           {"checksource", kf_checksource}, {"utctime", kf_utctime},
        {NULL, NULL},
    };
    luaL_setfuncs(L, replacements, 0);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, "kraftfelt.modules");
    lua_setfield(L, 1, "modules");
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
    a->status = luaL_loadbufferx(L, a->source, a->length, a->chunkname, "t");
    if (a->status != LUA_OK) return lua_error(L);
    lua_getfield(L, LUA_REGISTRYINDEX, "kraftfelt.sandbox");
    lua_getfield(L, -1, "newenv");
    lua_call(L, 0, 1);
    if (lua_setupvalue(L, 1, 1) == NULL) lua_pop(L, 1);
    lua_settop(L, 1);
    return 1;
}

int kf_load(lua_State *L, const char *source, size_t length, const char *chunkname) {
    kf_load_args a = {source, length, chunkname, LUA_OK};
    if (!lua_checkstack(L, 3)) return LUA_ERRMEM;
    /* The environment is built by trusted prelude code: not under a run's budget or
       deadline (the last run's deadline may have passed long ago). */
    kf_vm *vm = kf_vm_of(L);
    int64_t limit = vm->instruction_limit;
    double deadline = vm->deadline;
    vm->instruction_limit = 0;
    vm->deadline = 0;
    lua_pushcfunction(L, kf_load_body);
    lua_pushlightuserdata(L, &a);
    int status = lua_pcall(L, 1, 1, 0);
    vm->instruction_limit = limit;
    vm->deadline = deadline;
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
