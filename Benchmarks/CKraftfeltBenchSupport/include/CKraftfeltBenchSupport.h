/* Raw C functions: the floor the host-function benchmark compares against. */
#ifndef CKRAFTFELT_BENCH_SUPPORT_H
#define CKRAFTFELT_BENCH_SUPPORT_H
#include <lua.h>

/* add(a, b): two integer arguments, one integer result, checked like luaL_checkinteger. */
int kfbench_add(lua_State *L);

/* Registers kfbench_add as the global `add` in a plain (non-sandboxed) state. */
void kfbench_register(lua_State *L);
#endif
