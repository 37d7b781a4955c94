/* A VM: one lua_State, its counting allocator, object identities and its limits. */
#include "CKraftfeltLua.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Every block the VM allocates carries a header in front: the creation serial of the
   object it holds (tables, functions, threads, userdata; 0 for anything else). The
   serial is the object's identity for scripts: it orders keys and names tables in
   tostring, where Lua itself would use the address, which differs between processes. */
typedef struct {
    uint64_t serial;
    uint64_t spare; /* keeps the block 16-byte aligned, as malloc's is */
} kf_header;

#define KF_HEADER ((size_t)sizeof(kf_header))
#define KF_LARGE_ALLOCATION ((size_t)64 << 10)
#define KF_CLOCK_INTERVAL 10000 /* work units between two readings of the clock (a host call is 1,000) */

static inline kf_header *kf_header_of(const void *p) { return (kf_header *)((char *)p - KF_HEADER); }

static int kf_is_object(size_t tag) {
    return tag == LUA_TTABLE || tag == LUA_TFUNCTION || tag == LUA_TTHREAD || tag == LUA_TUSERDATA;
}

/* Marks the VM as stopped (the first stop wins) and records where, in work units of
   the step: at a check point, or between two (then the next check point is named). */
static void kf_stop(kf_vm *vm, int reason, int at_checkpoint) {
    if (vm->stop_reason != KF_STOP_NONE) return;
    vm->stop_reason = reason;
    vm->stop_work = vm->instructions_used + (at_checkpoint ? 0 : 1);
    vm->next_check = 0; /* every check point from now on raises the stop */
}

void kf_vm_update_next_check(kf_vm *vm) {
    if (vm->stop_reason != KF_STOP_NONE || vm->refused_pending) {
        vm->next_check = 0;
        return;
    }
    int64_t next = INT64_MAX;
    if (vm->instruction_limit > 0 && vm->instruction_limit < next) next = vm->instruction_limit + 1;
    if (vm->replay_stop_at > 0 && vm->replay_stop_at < next) next = vm->replay_stop_at;
    if (vm->deadline > 0 && vm->next_clock_check < next) next = vm->next_clock_check;
    vm->next_check = next;
}

/* lua_Alloc that counts live bytes (headers included) and refuses growth past the cap. */
static void *kf_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    kf_vm *vm = ud;
    size_t old = ptr ? osize + KF_HEADER : 0;
    if (nsize == 0) {
        if (ptr) {
            free(kf_header_of(ptr));
            vm->memory_used -= old;
        }
        return NULL;
    }
    if (nsize > SIZE_MAX - KF_HEADER) return NULL;
    size_t want = nsize + KF_HEADER;
    size_t limit = vm->memory_limit;
    int retry = vm->refused_pending && ptr == vm->refused_block && nsize == vm->refused_size;
    /* Lua retries a refused request once, after a full collection. A growth request that is
       not that retry means the refusal was final (some paths raise at once). */
    if (want > old && vm->refused_pending && !retry) kf_stop(vm, KF_STOP_MEMORY, 0);
    if (want > old && limit > 0 && vm->memory_used - old + want > limit) {
        vm->memory_refused = 1;
        /* A final refusal is a memory error, and it stops the script: a script must not be
           able to observe (and so depend on) exactly where memory ran out. */
        if (retry) {
            kf_stop(vm, KF_STOP_MEMORY, 0);
            vm->refused_pending = 0;
        } else {
            vm->refused_pending = 1;
            vm->next_check = 0;
            vm->refused_block = ptr;
            vm->refused_size = nsize;
        }
        return NULL;
    }
    if (retry) { /* the collection made room */
        vm->refused_pending = 0;
        kf_vm_update_next_check(vm);
    }
    if (want > old && want - old >= KF_LARGE_ALLOCATION) {
        /* Large allocations also check the deadline: a script whose few instructions each
           allocate megabytes would otherwise run long between two check points. The
           refusal becomes a memory error, which the host reports as the time limit. */
        if (vm->deadline > 0 && vm->stop_reason == KF_STOP_NONE && kf_monotonic_now() > vm->deadline)
            kf_stop(vm, KF_STOP_DEADLINE, 0);
        /* Once stopped, nothing large is allocated: the stop unwinds as soon as possible. */
        if (vm->stop_reason != KF_STOP_NONE) return NULL;
    }
    char *block = realloc(ptr ? (void *)kf_header_of(ptr) : NULL, want);
    if (block == NULL) {
        vm->memory_refused = 1;
        return NULL;
    }
    if (ptr == NULL) ((kf_header *)block)->serial = kf_is_object(osize) ? ++vm->next_serial : 0;
    vm->memory_used = vm->memory_used - old + want;
    if (vm->memory_used > vm->memory_peak) vm->memory_peak = vm->memory_used;
    return block + KF_HEADER;
}

/* An error outside any protected call is a host bug: say so and stop, never longjmp into Swift. */
static int kf_panic(lua_State *L) {
    const char *message = lua_tostring(L, -1);
    fprintf(stderr, "kraftfelt: unprotected Lua error (host bug): %s\n", message ? message : "(no message)");
    abort();
    return 0;
}

/* The VM a state belongs to: kept in the main thread's extra space, which every thread
   made from it copies (cheaper than asking Lua for the allocator's data). */
kf_vm *kf_vm_of(lua_State *L) { return *(kf_vm **)lua_getextraspace(L); }

double kf_monotonic_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A C closure has upvalues; a light C function (pushed with none) is not an object. */
static int kf_is_light_function(lua_State *L, int idx) {
    if (!lua_iscfunction(L, idx)) return 0;
    if (!lua_checkstack(L, 1)) return 0;
    if (lua_getupvalue(L, idx, 1) != NULL) {
        lua_pop(L, 1);
        return 0;
    }
    return 1;
}

uint64_t kf_identity(lua_State *L, int idx) {
    switch (lua_type(L, idx)) {
    case LUA_TTABLE: return kf_header_of(lua_topointer(L, idx))->serial;
    case LUA_TFUNCTION:
        if (kf_is_light_function(L, idx)) return 0;
        return kf_header_of(lua_topointer(L, idx))->serial;
    case LUA_TTHREAD: return kf_header_of(lua_getextraspace(lua_tothread(L, idx)))->serial;
    default: return 0;
    }
}

static void kf_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    kf_vm *vm = kf_vm_of(L);
    int64_t used = vm->instructions_used;
    int64_t units = vm->hook_interval;
    vm->instructions_used = units > INT64_MAX - used ? INT64_MAX : used + units;
    if (vm->instructions_used >= vm->next_check) kf_check_point(L, 0);
}

/* "64 MiB", "512 KiB", "1000 bytes": a size as the limit messages show it. */
static void kf_push_size(lua_State *L, size_t n) {
    if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
        lua_pushfstring(L, "%I MiB", (lua_Integer)(n >> 20));
    else if (n >= 1024 && n % 1024 == 0)
        lua_pushfstring(L, "%I KiB", (lua_Integer)(n >> 10));
    else
        lua_pushfstring(L, "%I bytes", (lua_Integer)n);
}

void kf_push_stop_message(lua_State *L) {
    kf_vm *vm = kf_vm_of(L);
    if (vm->stop_reason == KF_STOP_MEMORY) {
        lua_pushliteral(L, "memory limit exceeded: the script needed more than its limit (");
        kf_push_size(L, vm->memory_cap);
        lua_pushliteral(L, ")");
        lua_concat(L, 3);
    } else if (vm->stop_reason == KF_STOP_INSTRUCTIONS)
        lua_pushfstring(L, "instruction limit exceeded: the script ran more than %I instructions without waiting",
                        (lua_Integer)vm->instruction_limit);
    else if (vm->time_limit == (double)(lua_Integer)vm->time_limit)
        lua_pushfstring(L, "time limit exceeded: the script ran for more than %I second%s without waiting",
                        (lua_Integer)vm->time_limit, vm->time_limit == 1 ? "" : "s");
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

/* The slow half of a check point (the fast half, kf_charge, counted the work): stops the
   script if it is stopped already, if its memory was refused, where a replay's live run
   stopped, if its budget is spent, or if the deadline passed. Check points come at the
   same places in every run of the same step, so a stop at one can be replayed exactly. */
void kf_check_point(lua_State *L, int level) {
    kf_vm *vm = kf_vm_of(L);
    if (vm->stop_reason == KF_STOP_NONE) {
        int64_t used = vm->instructions_used;
        if (vm->refused_pending) /* refused, and not retried: a memory error */
            kf_stop(vm, KF_STOP_MEMORY, 1);
        else if (vm->replay_stop_at > 0 && used >= vm->replay_stop_at) {
            /* where the live run stopped: the first check point with this much work */
            kf_stop(vm, vm->replay_stop_reason, 1);
            vm->stop_work = vm->replay_stop_at;
        } else if (vm->instruction_limit > 0 && used > vm->instruction_limit)
            kf_stop(vm, KF_STOP_INSTRUCTIONS, 1);
        else if (vm->deadline > 0 && used >= vm->next_clock_check) {
            vm->next_clock_check = used + KF_CLOCK_INTERVAL;
            if (kf_monotonic_now() > vm->deadline) kf_stop(vm, KF_STOP_DEADLINE, 1);
        }
        if (vm->stop_reason == KF_STOP_NONE) {
            kf_vm_update_next_check(vm);
            return;
        }
    }
    kf_raise_stop(L, vm, level);
}

/* The allocator's headers and the identity of objects depend on how this Lua build lays
   out its objects; checked once per VM, so a different build fails loudly, not quietly. */
static int kf_layout_is_known(kf_vm *vm) {
    lua_State *L = vm->L;
    if (kf_header_of(lua_getextraspace(L))->serial != 1) return 0;
    if (!lua_checkstack(L, 4)) return 0;
    lua_createtable(L, 0, 0);
    int table = kf_identity(L, -1) == vm->next_serial;
    lua_pushinteger(L, 1);
    lua_pushcclosure(L, kf_panic, 1);
    int closure = kf_identity(L, -1) == vm->next_serial;
    lua_State *thread = lua_newthread(L);
    int coroutine = thread != NULL && kf_identity(L, -1) == vm->next_serial;
    lua_settop(L, 0);
    return table && closure && coroutine;
}

kf_vm *kf_vm_new(size_t memory_limit, int hook_interval) {
    kf_vm *vm = calloc(1, sizeof *vm);
    if (vm == NULL) return NULL;
    vm->memory_limit = memory_limit;
    vm->memory_cap = memory_limit;
    vm->hook_interval = hook_interval;
    vm->L = lua_newstate(kf_alloc, vm);
    if (vm->L == NULL) {
        free(vm);
        return NULL;
    }
    *(kf_vm **)lua_getextraspace(vm->L) = vm; /* before any thread copies it */
    lua_atpanic(vm->L, kf_panic);
    lua_setwarnf(vm->L, NULL, NULL);
    if (!kf_layout_is_known(vm)) {
        lua_close(vm->L);
        free(vm);
        return NULL;
    }
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
    vm->next_clock_check = KF_CLOCK_INTERVAL;
    vm->instruction_limit = instruction_limit;
    vm->time_limit = time_limit;
    vm->deadline = time_limit > 0 ? kf_monotonic_now() + time_limit : 0;
    vm->memory_refused = 0;
    vm->refused_pending = 0;
    vm->refused_block = NULL;
    vm->refused_size = 0;
    kf_vm_update_next_check(vm);
}

int kf_replay_check(kf_vm *vm) {
    vm->instructions_used += 1;
    if (vm->stop_reason == KF_STOP_NONE && vm->replay_stop_at > 0 && vm->instructions_used >= vm->replay_stop_at) {
        kf_stop(vm, vm->replay_stop_reason, 1);
        vm->stop_work = vm->replay_stop_at;
    }
    return vm->stop_reason != KF_STOP_NONE;
}

void kf_vm_set_replay(kf_vm *vm, int replaying, int64_t stop_at, int stop_reason) {
    /* A replay re-runs what already ran: the memory cap gets headroom (what the live run
       needed can differ slightly between processes), the clock is not read, and a stop
       the live run logged is made again at the same check point. */
    vm->memory_limit = replaying && vm->memory_cap > 0 ? vm->memory_cap * 2 + ((size_t)16 << 20) : vm->memory_cap;
    if (replaying) vm->deadline = 0;
    vm->replay_stop_at = stop_at;
    vm->replay_stop_reason = stop_reason;
    kf_vm_update_next_check(vm);
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
