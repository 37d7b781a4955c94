#include "CKraftfeltBenchSupport.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>

int kfbench_add(lua_State *L) {
    lua_Integer a = luaL_checkinteger(L, 1);
    lua_Integer b = luaL_checkinteger(L, 2);
    lua_pushinteger(L, a + b);
    return 1;
}

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    size_t *bytes = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        *bytes -= old;
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block) *bytes = *bytes - old + nsize;
    return block;
}

static void count_hook(lua_State *L, lua_Debug *ar) {
    (void)L;
    (void)ar;
}

void kfbench_set_hook(lua_State *L, int interval) { lua_sethook(L, count_hook, LUA_MASKCOUNT, interval); }

lua_State *kfbench_new_state(size_t *bytes) {
    *bytes = 0;
    lua_State *L = lua_newstate(counting_alloc, bytes);
    luaL_openlibs(L);
    lua_pushcfunction(L, kfbench_add);
    lua_setglobal(L, "add");
    return L;
}

int kfbench_run(lua_State *L, const char *source) {
    if (luaL_loadstring(L, source) != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK) {
        fprintf(stderr, "plain Lua: %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
        return 1;
    }
    return 0;
}

int kfbench_load(lua_State *L, const char *source, size_t length) {
    int status = luaL_loadbufferx(L, source, length, "=bench", "t");
    lua_pop(L, 1);
    return status;
}
