/* The sandbox: safe libraries, C replacements the prelude installs, loading text
   chunks with a fresh environment, and small protected helpers for Swift. */
#include "CKraftfeltLua.h"

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
        {NULL, NULL},
    };
    luaL_setfuncs(L, replacements, 0);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, "kraftfelt.modules");
    lua_setfield(L, 1, "modules");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, "kraftfelt.host");
    lua_setfield(L, 1, "host");

    a->status = luaL_loadbufferx(L, a->source, a->length, "=kraftfelt.prelude", "t");
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
    lua_pushcfunction(L, kf_load_body);
    lua_pushlightuserdata(L, &a);
    int status = lua_pcall(L, 1, 1, 0);
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
