/* Plain, unsandboxed Lua states: the floors the benchmarks compare Kraftfelt against. */
#ifndef CKRAFTFELT_BENCH_SUPPORT_H
#define CKRAFTFELT_BENCH_SUPPORT_H
#include <lua.h>
#include <stddef.h>

/* add(a, b): two integer arguments, one integer result, checked like any C library function. */
int kfbench_add(lua_State *L);

/* A plain state with the standard libraries and the global `add`; its allocator counts bytes
   into *bytes (which must outlive the state). */
lua_State *kfbench_new_state(size_t *bytes);

/* Sets an empty count hook, so a plain state pays what the sandbox's hook costs Lua. */
void kfbench_set_hook(lua_State *L, int interval);

/* Runs a chunk in a plain state; 0 on success, else prints the error. */
int kfbench_run(lua_State *L, const char *source);

/* Loads (compiles, does not run) a chunk; 0 on success. Pops it. */
int kfbench_load(lua_State *L, const char *source, size_t length);
#endif
