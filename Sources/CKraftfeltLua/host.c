/* Host functions: the trampoline between Lua and Swift, and the value buffer. */
#include "CKraftfeltLua.h"

#include <string.h>

static void kf_read(lua_State *L, kf_buffer *b, void *out, size_t n) {
    if (b->length - b->read < n) luaL_error(L, "kraftfelt: corrupt value encoding (host bug)");
    memcpy(out, b->data + b->read, n);
    b->read += n;
}

static void kf_push_value(lua_State *L, kf_buffer *b) {
    uint8_t tag;
    luaL_checkstack(L, 4, "host value nested too deeply");
    kf_read(L, b, &tag, 1);
    switch (tag) {
    case KF_TAG_NIL: lua_pushnil(L); break;
    case KF_TAG_FALSE: lua_pushboolean(L, 0); break;
    case KF_TAG_TRUE: lua_pushboolean(L, 1); break;
    case KF_TAG_INTEGER: {
        int64_t v;
        kf_read(L, b, &v, sizeof v);
        lua_pushinteger(L, (lua_Integer)v);
        break;
    }
    case KF_TAG_NUMBER: {
        double v;
        kf_read(L, b, &v, sizeof v);
        lua_pushnumber(L, (lua_Number)v);
        break;
    }
    case KF_TAG_STRING: {
        uint64_t n;
        kf_read(L, b, &n, sizeof n);
        if (b->length - b->read < n) luaL_error(L, "kraftfelt: corrupt value encoding (host bug)");
        lua_pushlstring(L, (const char *)b->data + b->read, (size_t)n);
        b->read += (size_t)n;
        break;
    }
    case KF_TAG_TABLE: {
        uint32_t narr, nhash;
        kf_read(L, b, &narr, sizeof narr);
        kf_read(L, b, &nhash, sizeof nhash);
        lua_createtable(L, (int)narr, (int)nhash);
        for (uint32_t i = 1; i <= narr; i++) {
            kf_push_value(L, b);
            lua_rawseti(L, -2, (lua_Integer)i);
        }
        for (uint32_t i = 0; i < nhash; i++) {
            kf_push_value(L, b);
            kf_push_value(L, b);
            lua_rawset(L, -3);
        }
        break;
    }
    case KF_TAG_REF: {
        int32_t ref;
        kf_read(L, b, &ref, sizeof ref);
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        break;
    }
    default: luaL_error(L, "kraftfelt: corrupt value encoding (host bug)");
    }
}

/* Pushes every value in the VM's buffer; returns how many. Raises on allocation failure. */
static int kf_push_buffer(lua_State *L) {
    kf_buffer *b = &kf_vm_of(L)->buffer;
    int n = 0;
    b->read = 0;
    while (b->read < b->length) {
        kf_push_value(L, b);
        n++;
    }
    return n;
}

int kf_push_buffer_protected(lua_State *L, int *count) {
    int base = lua_gettop(L);
    if (!lua_checkstack(L, 2)) return LUA_ERRMEM;
    lua_pushcfunction(L, kf_push_buffer);
    int status = lua_pcall(L, 0, LUA_MULTRET, 0);
    *count = lua_gettop(L) - base;
    return status;
}

/* Raises the message on top of the stack with the caller's position in front. */
static int kf_raise_with_position(lua_State *L) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
    return lua_error(L);
}

/* Continues a host function after the host resumed its coroutine with
   (true, results...) or (false, message). */
static int kf_continue(lua_State *L, int status, lua_KContext ctx) {
    (void)status;
    (void)ctx;
    if (kf_vm_of(L)->host_resuming != L || lua_type(L, 1) != LUA_TBOOLEAN)
        return luaL_error(L, "a script thread that waits for the host can only be resumed by the host");
    int ok = lua_toboolean(L, 1);
    lua_remove(L, 1);
    if (ok) return lua_gettop(L);
    lua_settop(L, 1);
    return kf_raise_with_position(L);
}

/* Checks the arguments against the declared parameters (reading integers once). */
static void kf_check_arguments(const kf_host_function *f, kf_call *call) {
    lua_State *L = call->L;
    if (call->count < f->minimum) {
        call->bad_argument = call->count;
        return;
    }
    if (call->count > f->maximum) {
        call->bad_argument = -2;
        return;
    }
    int n = call->count < f->nchecks ? call->count : f->nchecks;
    for (int i = 0; i < n; i++) {
        const kf_param_check *check = &f->checks[i];
        if (check->integer_only) {
            int exact = 0;
            lua_Integer value = lua_tointegerx(L, i + 1, &exact);
            if (exact) {
                if (i < 4) {
                    call->integers[i] = (int64_t)value;
                    call->integers_read |= 1u << i;
                }
                continue;
            }
        }
        int type = lua_type(L, i + 1);
        if (!check->integer_only && (check->accepted & (1u << (type + 1)))) continue;
        if (check->optional && type == LUA_TNIL) continue;
        call->bad_argument = i;
        return;
    }
}

static int kf_trampoline(lua_State *L) {
    const kf_host_function *f = lua_touserdata(L, lua_upvalueindex(1));
    /* A check point before Swift runs: a stopped script makes no more host calls (so it
       has no effects after a stop), and the budget and deadline are checked. */
    kf_charge(L, KF_HOST_CALL_UNITS);
    kf_call call;
    call.L = L;
    call.count = lua_gettop(L);
    call.bad_argument = -1;
    call.integers_read = 0;
    kf_check_arguments(f, &call);
    int32_t status = kf_swift_dispatch(f->box, &call);
    if (status >= 0) return status;
    switch (status) {
    case KF_HOST_VALUES: return kf_push_buffer(L);
    case KF_HOST_SUSPEND:
        lua_settop(L, 0);
        /* Mark the thread, so the script's own coroutine.resume/close refuse it. */
        luaL_getsubtable(L, LUA_REGISTRYINDEX, "kraftfelt.waiting");
        lua_pushthread(L);
        lua_pushboolean(L, 1);
        lua_rawset(L, -3);
        lua_settop(L, 0);
        return lua_yieldk(L, 0, 0, kf_continue);
    default:
        lua_settop(L, 0);
        kf_push_buffer(L);
        lua_settop(L, 1);
        return kf_raise_with_position(L);
    }
}

typedef struct {
    const char *module;
    int global;
    const char *name;
    const kf_host_function *function;
} kf_add_args;

/* registry["kraftfelt.modules"][module][name] = closure; module NULL: registry["kraftfelt.host"]. */
static int kf_add_host_function_body(lua_State *L) {
    kf_add_args *a = lua_touserdata(L, 1);
    luaL_getsubtable(L, LUA_REGISTRYINDEX,
                     a->module == NULL ? "kraftfelt.host" : a->global ? "kraftfelt.modules" : "kraftfelt.hidden");
    if (a->module) luaL_getsubtable(L, -1, a->module);
    lua_pushlightuserdata(L, (void *)a->function);
    lua_pushcclosure(L, kf_trampoline, 1);
    lua_setfield(L, -2, a->name);
    return 0;
}

int kf_add_host_function(lua_State *L, const char *module, int global, const char *name,
                         const kf_host_function *function) {
    kf_add_args a = {module, global, name, function};
    if (!lua_checkstack(L, 3)) return LUA_ERRMEM;
    lua_pushcfunction(L, kf_add_host_function_body);
    lua_pushlightuserdata(L, &a);
    return lua_pcall(L, 1, 0, 0);
}

static int kf_push_module_body(lua_State *L) {
    kf_add_args *a = lua_touserdata(L, 1);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, a->global ? "kraftfelt.modules" : "kraftfelt.hidden");
    luaL_getsubtable(L, -1, a->module);
    return 1;
}

int kf_push_module(lua_State *L, const char *module, int global) {
    kf_add_args a = {module, global, NULL, NULL};
    if (!lua_checkstack(L, 3)) return LUA_ERRMEM;
    lua_pushcfunction(L, kf_push_module_body);
    lua_pushlightuserdata(L, &a);
    return lua_pcall(L, 1, 1, 0);
}

int kf_resume(lua_State *co, lua_State *from, int nargs, int *nresults) {
    kf_vm *vm = kf_vm_of(co);
    /* The start and the end of a run are check points too (for replaying a stop that
       fell between a run's last check point and its end). */
    if (kf_replay_check(vm)) {
        *nresults = 0;
        return LUA_OK;
    }
    lua_State *previous = vm->host_resuming;
    vm->host_resuming = co;
    int status = lua_resume(co, from, nargs, nresults);
    vm->host_resuming = previous;
    if (status == LUA_OK || status == LUA_YIELD) kf_replay_check(vm);
    return status;
}

static int kf_set_waiting_body(lua_State *L) {
    luaL_getsubtable(L, LUA_REGISTRYINDEX, "kraftfelt.waiting");
    lua_pushvalue(L, 1);
    if (lua_toboolean(L, 2))
        lua_pushboolean(L, 1);
    else
        lua_pushnil(L);
    lua_rawset(L, -3);
    return 0;
}

int kf_set_waiting(lua_State *L, lua_State *co, int waiting) {
    if (!lua_checkstack(L, 4)) return LUA_ERRMEM;
    lua_pushcfunction(L, kf_set_waiting_body);
    lua_pushthread(co);
    lua_xmove(co, L, 1);
    lua_pushboolean(L, waiting);
    return lua_pcall(L, 2, 0, 0);
}
