#include "CKraftfeltBenchSupport.h"
#include <lauxlib.h>

int kfbench_add(lua_State *L) {
    lua_Integer a = luaL_checkinteger(L, 1);
    lua_Integer b = luaL_checkinteger(L, 2);
    lua_pushinteger(L, a + b);
    return 1;
}

void kfbench_register(lua_State *L) {
    lua_pushcfunction(L, kfbench_add);
    lua_setglobal(L, "add");
}
