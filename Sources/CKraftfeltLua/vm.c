/* A VM: one lua_State, its counting allocator and its limits. */
#include "CKraftfeltLua.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* lua_Alloc that counts live bytes and refuses growth past the VM's memory limit. */
static void *kf_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    kf_vm *vm = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        vm->memory_used -= old;
        return NULL;
    }
    if (nsize > old && vm->memory_limit > 0 && vm->memory_used - old + nsize > vm->memory_limit) {
        vm->memory_refused = 1;
        /* Lua retries a refused request once after a full collection; a refused retry is a
           memory error. A script that keeps causing them is stopped, as for the other limits. */
        if (ptr == vm->refused_block && nsize == vm->refused_size) {
            if (++vm->memory_errors >= 3 && vm->stop_reason == KF_STOP_NONE) vm->stop_reason = KF_STOP_MEMORY;
            vm->refused_block = NULL;
            vm->refused_size = 0;
        } else {
            vm->refused_block = ptr;
            vm->refused_size = nsize;
        }
        return NULL;
    }
    /* Large allocations also check the deadline: a script whose few instructions each
       allocate megabytes would otherwise run long between two checks of the hook. The
       refusal becomes a memory error, which the host reports as the time limit. */
    if (nsize - old >= (64 << 10) && nsize > old && vm->deadline > 0 && vm->stop_reason == KF_STOP_NONE &&
        kf_monotonic_now() > vm->deadline) {
        vm->stop_reason = KF_STOP_DEADLINE;
    }
    if (nsize > old && vm->stop_reason == KF_STOP_DEADLINE) return NULL;
    void *block = realloc(ptr, nsize);
    if (block == NULL) {
        vm->memory_refused = 1;
        return NULL;
    }
    vm->memory_used = vm->memory_used - old + nsize;
    if (vm->memory_used > vm->memory_peak) vm->memory_peak = vm->memory_used;
    return block;
}

/* An error outside any protected call is a host bug: say so and stop, never longjmp into Swift. */
static int kf_panic(lua_State *L) {
    const char *message = lua_tostring(L, -1);
    fprintf(stderr, "kraftfelt: unprotected Lua error (host bug): %s\n", message ? message : "(no message)");
    abort();
    return 0;
}

kf_vm *kf_vm_of(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ud;
}

double kf_monotonic_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void kf_check(lua_State *L, long units, int level);

static void kf_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    kf_check(L, kf_vm_of(L)->hook_interval, 0);
}

void kf_push_stop_message(lua_State *L) {
    kf_vm *vm = kf_vm_of(L);
    if (vm->stop_reason == KF_STOP_MEMORY)
        lua_pushfstring(L, "memory limit exceeded: the script kept needing more than its limit (%I MiB)",
                        (lua_Integer)(vm->memory_limit >> 20));
    else if (vm->stop_reason == KF_STOP_INSTRUCTIONS)
        lua_pushfstring(L, "instruction limit exceeded: the script ran more than %I instructions without waiting",
                        (lua_Integer)vm->instruction_limit);
    else
        lua_pushfstring(L, "time limit exceeded: the script ran for more than %f seconds without waiting",
                        (lua_Number)vm->time_limit);
}

/* Raises the stop error with the position of the function at `level` (0 in the hook:
   the Lua function running; 1 in a C library function: its Lua caller). */
static int kf_raise_stop(lua_State *L, kf_vm *vm, int level) {
    /* Re-arm the hook on this thread so that no pcall or handler can run on after a stop. */
    if (vm->hook_interval > 0) lua_sethook(L, kf_hook, LUA_MASKCOUNT, 1);
    luaL_where(L, level);
    kf_push_stop_message(L);
    lua_concat(L, 2);
    return lua_error(L);
}

static void kf_check(lua_State *L, long units, int level) {
    kf_vm *vm = kf_vm_of(L);
    vm->instructions_used += units;
    if (vm->stop_reason == KF_STOP_NONE) {
        if (vm->instruction_limit > 0 && vm->instructions_used > vm->instruction_limit)
            vm->stop_reason = KF_STOP_INSTRUCTIONS;
        else if (vm->deadline > 0 && kf_monotonic_now() > vm->deadline)
            vm->stop_reason = KF_STOP_DEADLINE;
        else
            return;
    }
    kf_raise_stop(L, vm, level);
}

void kf_charge(lua_State *L, long units) { kf_check(L, units, 1); }

kf_vm *kf_vm_new(size_t memory_limit, int hook_interval) {
    kf_vm *vm = calloc(1, sizeof *vm);
    if (vm == NULL) return NULL;
    vm->memory_limit = memory_limit;
    vm->hook_interval = hook_interval;
    vm->L = lua_newstate(kf_alloc, vm);
    if (vm->L == NULL) {
        free(vm);
        return NULL;
    }
    lua_atpanic(vm->L, kf_panic);
    lua_setwarnf(vm->L, NULL, NULL);
    if (hook_interval > 0) lua_sethook(vm->L, kf_hook, LUA_MASKCOUNT, hook_interval);
    return vm;
}

void kf_vm_free(kf_vm *vm) {
    if (vm == NULL) return;
    lua_close(vm->L);
    free(vm->buffer.data);
    free(vm);
}

void kf_vm_begin_run(kf_vm *vm, int64_t instruction_limit, double time_limit) {
    vm->instructions_used = 0;
    vm->instruction_limit = instruction_limit;
    vm->time_limit = time_limit;
    vm->deadline = time_limit > 0 ? kf_monotonic_now() + time_limit : 0;
    vm->memory_refused = 0;
    vm->memory_errors = 0;
    vm->refused_block = NULL;
    vm->refused_size = 0;
}

int kf_buffer_reserve(kf_buffer *b, size_t extra) {
    size_t needed = b->length + extra;
    if (needed < b->length) return 0;
    if (needed <= b->capacity) return 1;
    size_t capacity = b->capacity ? b->capacity : 256;
    while (capacity < needed) capacity *= 2;
    uint8_t *data = realloc(b->data, capacity);
    if (data == NULL) return 0;
    b->data = data;
    b->capacity = capacity;
    return 1;
}
