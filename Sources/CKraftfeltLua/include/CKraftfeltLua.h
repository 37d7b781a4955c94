/*
 * The C side of Kraftfelt's Lua boundary.
 *
 * Swift never calls lua_error and never runs while Lua may longjmp over it:
 *  - host functions are called through kf_trampoline, which raises the Lua error
 *    (or yields) only after the Swift dispatch function has returned a status;
 *  - values that need allocation are encoded by Swift into a kf_buffer and pushed
 *    here, inside a protected call;
 *  - the allocator counts bytes against a cap, the count hook charges an instruction
 *    budget and checks a wall-clock deadline, and kf_charge lets C library code
 *    (the pattern matcher) charge the same budget.
 */
#ifndef CKRAFTFELTLUA_H
#define CKRAFTFELTLUA_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stddef.h>
#include <stdint.h>

/* Why a script was stopped. Once set, a stop is final for the VM. */
enum {
    KF_STOP_NONE = 0,
    KF_STOP_INSTRUCTIONS = 1,
    KF_STOP_DEADLINE = 2,
    KF_STOP_MEMORY = 3,
};

/* What a charged library function counts as its work (see charged.c). */
enum {
    KF_COST_RESULTS = 1,      /* after the call: results, and the bytes of string results */
    KF_COST_ARGUMENTS = 2,    /* before: the number of arguments */
    KF_COST_FIRST_STRING = 3, /* before: the bytes of the first argument */
    KF_COST_STRING_RANGE = 4, /* before: the bytes of s[i..j] (utf8.len) */
    KF_COST_INSERT = 5,       /* before: the length of the table (an insert that shifts) */
    KF_COST_REMOVE = 6,       /* before: the length of the table */
    KF_COST_MOVE = 7,         /* before: the range moved */
    KF_COST_CONCAT = 8,       /* before: the range joined; after: the bytes */
    KF_COST_CODES = 9,        /* utf8.codes: the iterator it returns is charged as below */
    KF_COST_CODE_STEP = 10,   /* after: how far the scan moved */
    KF_COST_OFFSET = 11,      /* after: how far utf8.offset moved */
    KF_COST_CALL = 12,        /* nothing but the call itself */
    KF_COST_UNPACK = 13,      /* after: the results (a table with a metatable: each element) */
    KF_COST_FORMAT_RESULTS = 14, /* before: the bytes of the format; after: the results */
    KF_COST_EACH_BYTE = 15,   /* before: a unit for every 4 bytes of the first argument (a C call per byte) */
};

/* The work units a call of a host function costs at least. */
#define KF_HOST_CALL_UNITS 1000

/* What a Swift host function asks the trampoline to do (values >= 0: results pushed). */
enum {
    KF_HOST_VALUES = -1,  /* push the values encoded in the buffer */
    KF_HOST_ERROR = -2,   /* raise the error message encoded in the buffer */
    KF_HOST_SUSPEND = -3, /* yield the script's coroutine to the host */
};

/* Tags of the value encoding shared by Swift (writer) and C (reader). */
enum {
    KF_TAG_NIL = 0,
    KF_TAG_FALSE = 1,
    KF_TAG_TRUE = 2,
    KF_TAG_INTEGER = 3,
    KF_TAG_NUMBER = 4,
    KF_TAG_STRING = 5,
    KF_TAG_TABLE = 6,
    KF_TAG_REF = 7,
};

typedef struct kf_buffer {
    uint8_t *data;
    size_t length;
    size_t capacity;
    size_t read;
} kf_buffer;

/* What the argument check needs of one declared parameter. */
typedef struct kf_param_check {
    uint16_t accepted;    /* bit (1 << (lua type + 1)) for each accepted type */
    uint8_t integer_only; /* numbers (or numeric strings) with an integer value only */
    uint8_t optional;     /* nil or absent is fine */
} kf_param_check;

/* A host function as the trampoline sees it: the Swift box and its declared parameters. */
typedef struct kf_host_function {
    void *box;
    int32_t minimum;  /* arguments that must be present */
    int32_t maximum;  /* INT32_MAX when variadic */
    int32_t nchecks;
    const kf_param_check *checks;
} kf_host_function;

/* One call, checked by the trampoline before Swift runs. */
typedef struct kf_call {
    lua_State *L;
    int32_t count;        /* arguments passed */
    int32_t bad_argument; /* -1: all fine; -2: too many; else the 0-based index that failed */
    int64_t integers[4];  /* integer arguments already read by the check */
    uint32_t integers_read;
} kf_call;

/* Calls a Swift host function (defined in Swift with @_cdecl). Returns >= 0 (results
   pushed) or a KF_HOST_* code. */
int32_t kf_swift_dispatch(void *box, kf_call *call);

typedef struct kf_vm {
    lua_State *L;
    /* memory */
    size_t memory_used; /* live bytes, the blocks' headers included */
    size_t memory_peak;
    size_t memory_cap;   /* the configured limit (0: none) */
    size_t memory_limit; /* the limit in force: the cap, or more while replaying */
    int memory_refused;
    /* the last refused request, to tell Lua's retry after an emergency collection */
    int refused_pending;
    const void *refused_block;
    size_t refused_size;
    /* object identities: the serial of the last object made, and of the last one the
       sandbox made before any script ran */
    uint64_t next_serial;
    uint64_t serial_base;
    /* work and time, per step: a step is what the host runs for one input */
    int64_t instructions_used;  /* work units: instructions and charged work */
    int64_t instruction_limit;  /* <= 0: unlimited */
    int64_t next_clock_check;   /* work at which the deadline is next checked */
    int64_t next_check;         /* work at which a check point takes its slow half (0: at once) */
    double deadline;            /* monotonic seconds; 0: none */
    double time_limit;          /* seconds, for the message */
    int hook_interval;          /* 0: no hook */
    int stop_reason;
    int64_t stop_work;          /* the work at the check point where the step stopped */
    /* replaying a logged step: stop at the first check point with this much work (0: no
       logged stop), for this reason */
    int64_t replay_stop_at;
    int replay_stop_reason;
    /* the generator table.sort draws pivots from, seeded by the host */
    uint64_t sort_state;
    /* values crossing from Swift */
    kf_buffer buffer;
    /* registry reference to the sandbox's tostring, for describing error objects */
    int describe_ref;
    /* the thread the host is resuming now: only it may continue a suspended host call */
    lua_State *host_resuming;
    /* largest source text the sandbox's load accepts */
    size_t source_limit;
} kf_vm;

/* Creates a VM: a fresh lua_State using the counting allocator. NULL on failure. */
kf_vm *kf_vm_new(size_t memory_limit, int hook_interval);
void kf_vm_free(kf_vm *vm);
kf_vm *kf_vm_of(lua_State *L);
double kf_monotonic_now(void);

/* Starts a step (or a run on a budget of its own): resets the work count and sets the
   deadline. */
void kf_vm_begin_run(kf_vm *vm, int64_t instruction_limit, double time_limit);

/* Marks the step as a replay (more memory, no deadline) and, when stop_at > 0, where the
   live run was stopped and why. Call after kf_vm_begin_run. */
void kf_vm_set_replay(kf_vm *vm, int replaying, int64_t stop_at, int stop_reason);

/* A check point outside Lua (the start or end of a run): counts one unit and, in a
   replay, stops where the live run stopped. True when the VM is stopped. */
int kf_replay_check(kf_vm *vm);

/* The creation serial of the table, function or coroutine at idx (0 for other values
   and for light C functions). The same in every run of the same script. */
uint64_t kf_identity(lua_State *L, int idx);

/* The slow half of a check point: the work was counted, and a threshold was reached
   (a limit, a replayed stop, the time to read the clock, or a stop already made).
   Raises the limit error when the script is to stop. */
void kf_check_point(lua_State *L, int level);

/* Recomputes the one threshold the fast half of a check point compares with; call after
   changing a limit, the deadline or the work count from outside. */
void kf_vm_update_next_check(kf_vm *vm);

/* A check point: charges units of work (at least one) to the running step, and stops the
   script when a limit is reached (a Lua error, raised at the Lua caller's line). */
static inline void kf_charge(lua_State *L, long units) {
    kf_vm *vm = *(kf_vm **)lua_getextraspace(L);
    if (units < 1) units = 1;
    int64_t used = vm->instructions_used;
    used = units > INT64_MAX - used ? INT64_MAX : used + units;
    vm->instructions_used = used;
    if (used >= vm->next_check) kf_check_point(L, 1);
}

/* Pushes the message that says which limit stopped the script. */
void kf_push_stop_message(lua_State *L);

/* Opens the safe standard libraries and builds the sandbox: runs `prelude` (a text chunk)
   with the raw primitives and stores the environment factory it returns.
   Leaves an error message on the stack and returns a Lua status on failure. */
int kf_open_sandbox(lua_State *L, const char *prelude, size_t length);

/* Registers a host function as module.name (module NULL: the private host table).
   A global module is copied into every environment; a hidden one is reached only
   through kf_push_module. `function` must outlive the state. */
int kf_add_host_function(lua_State *L, const char *module, int global, const char *name,
                         const kf_host_function *function);

/* Pushes a registered module's table (protected); a Lua status. */
int kf_push_module(lua_State *L, const char *module, int global);

/* Loads a text chunk (never bytecode) with a fresh sandbox environment. On success the
   function is on the stack; on failure the error message. Returns a Lua status. */
int kf_load(lua_State *L, const char *source, size_t length, const char *chunkname, double seconds);

/* Pushes the values encoded in vm->buffer onto L, protected. Sets *count. */
int kf_push_buffer_protected(lua_State *L, int *count);

/* Creates a new thread, anchored in the registry; returns its reference or LUA_NOREF. */
int kf_new_thread(lua_State *L, lua_State **thread);

/* Makes a registry reference to the value at idx (protected); LUA_NOREF on failure. */
int kf_ref(lua_State *L, int idx);

/* Releases a registry reference (protected). */
void kf_unref(lua_State *L, int ref);

/* Resumes a script thread on behalf of the host (lua_resume, marking it as the host's). */
int kf_resume(lua_State *co, lua_State *from, int nargs, int *nresults);

/* Marks or unmarks `co` as waiting for the host (protected); a Lua status. */
int kf_set_waiting(lua_State *L, lua_State *co, int waiting);

/* Checks a source text before it is compiled: Lua's parser is quadratic in long
   and/or chains, and no hook runs while it parses. NULL when fine, else a message. */
const char *kf_check_source(const char *source, size_t length);

/* Pushes onto L the traceback of the (dead or suspended) coroutine `co`, protected.
   Returns a Lua status. */
int kf_traceback(lua_State *L, lua_State *co);

/* Encoding helpers (the buffer is outside the Lua heap). */
int kf_buffer_reserve(kf_buffer *b, size_t extra);

static inline void kf_buffer_reset(kf_buffer *b) {
    b->length = 0;
    b->read = 0;
}

static inline int kf_buffer_put(kf_buffer *b, const void *bytes, size_t n) {
    if (b->capacity - b->length < n && !kf_buffer_reserve(b, n)) return 0;
    for (size_t i = 0; i < n; i++) b->data[b->length + i] = ((const uint8_t *)bytes)[i];
    b->length += n;
    return 1;
}

/* The C functions the sandbox prelude builds scripts' libraries from. */
int kf_str_find(lua_State *L);
int kf_str_match(lua_State *L);
int kf_str_gmatch(lua_State *L);
int kf_str_gsub(lua_State *L);
int kf_str_rep(lua_State *L);
int kf_str_format(lua_State *L);
int kf_make_charged(lua_State *L);
int kf_charge_all(lua_State *L);
int kf_math_random(lua_State *L);
int kf_ipairs(lua_State *L);
int kf_table_insert(lua_State *L);
int kf_table_remove(lua_State *L);
int kf_table_concat(lua_State *L);
int kf_table_unpack(lua_State *L);
int kf_table_move(lua_State *L);
int kf_next(lua_State *L);
int kf_pairs(lua_State *L);
int kf_tostring(lua_State *L);
int kf_sort(lua_State *L);
void kf_push_identity_text(lua_State *L, int idx);

static inline kf_buffer *kf_vm_buffer(kf_vm *vm) { return &vm->buffer; }

/* Lua macros as functions Swift can call. */
static inline const char *kf_lua_release(void) { return LUA_RELEASE; }

/* The C library's version, where it says (glibc). */
#if defined(__GLIBC__)
#include <gnu/libc-version.h>
static inline const char *kf_libc_version(void) { return gnu_get_libc_version(); }
#else
static inline const char *kf_libc_version(void) { return "unknown"; }
#endif
static inline void kf_pop(lua_State *L, int n) { lua_settop(L, -(n)-1); }
static inline int kf_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int kf_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline const char *kf_tolstring(lua_State *L, int idx, size_t *len) { return lua_tolstring(L, idx, len); }
static inline lua_Integer kf_tointegerx(lua_State *L, int idx, int *isnum) { return lua_tointegerx(L, idx, isnum); }
static inline lua_Number kf_tonumberx(lua_State *L, int idx, int *isnum) { return lua_tonumberx(L, idx, isnum); }

#endif
