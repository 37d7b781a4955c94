import CKraftfeltLua
import CLua
import Glibc
import Synchronization

/// A sandboxed Lua 5.4 VM that runs untrusted scripts.
///
/// The VM owns one `lua_State` and is confined to one owner: it is not `Sendable`. Every
/// chunk gets its own allow-list environment; the memory cap, instruction budget and
/// wall-clock deadline in ``SandboxLimits`` hold for every run.
///
/// ```swift
/// let vm = try LuaVM(modules: [myModule])
/// let main = try vm.load("return 6 * 7", chunkName: "answer.lua")
/// let results = try vm.call(main)   // [.integer(42)]
/// ```
public final class LuaVM {
    let raw: UnsafeMutablePointer<kf_vm>
    let state: OpaquePointer
    public let limits: SandboxLimits
    let serial: UInt64
    let clock: ScriptClock
    let seed: Int64
    /// Where `print` goes.
    public var output: (String) -> Void
    private var boxes: [HostFunctionBox] = []
    private(set) var modules: [HostModule] = []

    /// The script thread being run now; only it may be suspended by a host function.
    var runningThread: OpaquePointer?
    /// What the last suspending host function asked for.
    var pendingSuspension: Any?
    /// Set when a limit stopped a run: the VM runs nothing more.
    private(set) var stopError: ScriptError?
    /// True while an error object is being described (never nested).
    var describing = false
    /// How many seeds `math.randomseed()` has drawn.
    var randomSeeds: UInt64 = 0
    /// Whether a script runs now, for a watchdog on another thread.
    public let activity = Activity()

    private static let serials = Atomic<UInt64>(1)

    /// Creates a VM with the sandbox ready.
    /// - Parameters:
    ///   - limits: memory, instructions and time per run.
    ///   - seed: seeds `math.random`, so the same seed gives the same numbers.
    ///   - clock: what `os.time`, `os.clock` and `os.date` read.
    ///   - modules: host modules every chunk sees as globals.
    ///   - output: receives each line of `print`.
    public init(
        limits: SandboxLimits = .standard,
        seed: Int64 = 0,
        clock: ScriptClock = .system,
        modules: [HostModule] = [],
        output: @escaping (String) -> Void = { _ in }
    ) throws(ScriptError) {
        guard let raw = kf_vm_new(limits.memoryBytes ?? 0, limits.hookInterval) else {
            throw ScriptError(
                .state,
                "could not create a Lua state (out of memory, or a Lua build whose objects Kraftfelt cannot number)")
        }
        self.raw = raw
        self.state = raw.pointee.L
        raw.pointee.source_limit = limits.sourceBytes
        raw.pointee.sort_state = UInt64(bitPattern: seed) ^ 0x736F_7274_7069_766F  // "sortpivo"
        self.limits = limits
        self.seed = seed
        self.clock = clock
        self.output = output
        self.serial = Self.serials.add(1, ordering: .relaxed).newValue
        for function in SandboxHost.functions { try add(function, module: nil) }
        let status = sandboxPrelude.utf8CString.withUnsafeBufferPointer {
            kf_open_sandbox(state, $0.baseAddress, $0.count - 1)
        }
        guard status == LUA_OK else {
            let message = popMessage(state)
            throw ScriptError(status == LUA_ERRMEM ? .memoryLimit : .runtime, "sandbox: \(message)")
        }
        for module in modules { try register(module) }
    }

    /// The table of a registered module, with its functions as handles: for building the
    /// values a host hands to scripts (a session handle whose methods are host functions).
    public func moduleTable(_ name: String) throws(ScriptError) -> LuaTable {
        guard let module = modules.first(where: { $0.name == name }) else {
            throw ScriptError(.state, "no module named \(name) is registered")
        }
        guard kf_push_module(state, name, module.isGlobal ? 1 : 0) == LUA_OK else {
            popMessage(state)
            throw memoryLimitError(at: nil)
        }
        defer { kf_pop(state, 1) }
        var reader = LuaValueReader(state: state, vm: self)
        do {
            return try reader.read(-1).tableValue ?? LuaTable()
        } catch {
            throw ScriptError(.value, "module \(name) \(error.message)")
        }
    }

    deinit {
        kf_vm_free(raw)
    }

    /// The Lua release the host is built with (`Lua 5.4.4`).
    public static let luaRelease = String(cString: kf_lua_release())

    /// The machine and C library scripts run on (`x86_64 libc 2.36`): they decide how
    /// floating-point results are computed and printed.
    public static let platform: String = {
        var names = utsname()
        uname(&names)
        let machine = withUnsafeBytes(of: names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "\(machine) libc \(String(cString: kf_libc_version()))"
    }()

    /// Bytes the Lua heap holds now.
    public var memoryUsed: Int { raw.pointee.memory_used }
    /// The most bytes the Lua heap has held.
    public var memoryPeak: Int { raw.pointee.memory_peak }

    /// Makes a module's functions visible, as a global table, to chunks loaded from now on.
    public func register(_ module: HostModule) throws(ScriptError) {
        for function in module.functions { try add(function, module: module) }
        modules.append(module)
    }

    private func add(_ function: HostFunction, module: HostModule?) throws(ScriptError) {
        let box = HostFunctionBox(function: function, module: module, vm: self)
        boxes.append(box)
        let status = kf_add_host_function(
            state, module?.name, module?.isGlobal == false ? 0 : 1, function.name, box.descriptor)
        guard status == LUA_OK else {
            throw ScriptError(.memoryLimit, "could not register \(box.qualifiedName): \(popMessage(state))")
        }
    }

    /// Compiles a text chunk (never bytecode) with a fresh sandbox environment.
    /// - Parameters:
    ///   - source: the Lua source.
    ///   - chunkName: how errors name it, e.g. `summegrupper.lua`.
    public func load(_ source: String, chunkName: String) throws(ScriptError) -> LuaFunction {
        try load(bytes: Array(source.utf8), chunkName: chunkName)
    }

    /// Compiles source bytes; see ``load(_:chunkName:)``.
    public func load(bytes source: [UInt8], chunkName: String) throws(ScriptError) -> LuaFunction {
        try checkNotStopped()
        guard source.count <= limits.sourceBytes else {
            throw ScriptError(
                .tooLarge, "\(chunkName): the script has \(source.count) bytes; the limit is \(limits.sourceBytes)")
        }
        if source.first == 0x1B {
            throw ScriptError(
                .syntax, "\(chunkName): precompiled (binary) chunks are not accepted; load the source text")
        }
        let status = source.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                kf_load(state, $0.baseAddress, $0.count, "@" + chunkName, limits.secondsPerRun ?? 0)
            }
        }
        guard status == LUA_OK else {
            let message = popMessage(state)
            if stopReason != 0 {
                let error = ScriptError(stopCode, "\(chunkName): \(stopMessage)")
                noteStop(error)
                throw error
            }
            if status == LUA_ERRMEM || (raw.pointee.memory_refused != 0 && message.hasSuffix("not enough memory")) {
                throw memoryLimitError(at: nil)
            }
            // A few parser errors (nesting too deep) carry no position: name the chunk at least.
            throw ScriptError(.syntax, message.hasPrefix(chunkName + ":") ? message : "\(chunkName): \(message)")
        }
        let reference = kf_ref(state, -1)
        kf_pop(state, 1)
        guard reference != LUA_NOREF else { throw memoryLimitError(at: nil) }
        return LuaFunction(reference: reference, owner: serial)
    }

    /// Releases a function handle; the function may be collected once Lua no longer uses it.
    public func release(_ function: LuaFunction) {
        guard function.owner == serial else { return }
        kf_unref(state, function.reference)
    }

    /// Runs a function to its end and returns its results.
    ///
    /// A function that suspends (a host function asked to wait) fails here: use
    /// ``spawn(_:)`` to run scripts that wait.
    public func call(_ function: LuaFunction, _ arguments: [LuaValue] = []) throws(ScriptError) -> [LuaValue] {
        let thread = try spawn(function)
        switch try thread.start(arguments) {
        case .finished(let values):
            return values
        case .suspended(let request):
            throw ScriptError(.state, "the script waited for the host (\(request)), but nothing here can resume it")
        }
    }

    /// Loads and runs a chunk; see ``load(_:chunkName:)`` and ``call(_:_:)``.
    public func run(_ source: String, chunkName: String) throws(ScriptError) -> [LuaValue] {
        let function = try load(source, chunkName: chunkName)
        defer { release(function) }
        return try call(function)
    }

    /// Creates a script thread (a coroutine) that will run `function`.
    public func spawn(_ function: LuaFunction) throws(ScriptError) -> ScriptThread {
        try checkNotStopped()
        guard function.owner == serial else { throw ScriptError(.value, "the function belongs to another VM") }
        var thread: OpaquePointer?
        let reference = kf_new_thread(state, &thread)
        guard reference != LUA_NOREF, let thread else { throw memoryLimitError(at: nil) }
        guard lua_checkstack(thread, 1) != 0 else { throw memoryLimitError(at: nil) }
        lua_rawgeti(thread, kf_registryindex(), lua_Integer(function.reference))
        return ScriptThread(vm: self, state: thread, reference: reference)
    }

    // MARK: - Internals shared with ScriptThread

    func checkNotStopped() throws(ScriptError) {
        if let stopError { throw ScriptError(.stopped, "the VM was stopped earlier: \(stopError.message)") }
    }

    /// Starts a run's budget unless a step is under way (then the run shares the step's).
    func beginRun() {
        guard !inStep else { return }
        kf_vm_begin_run(raw, limits.instructionsPerRun ?? 0, limits.secondsPerRun ?? 0)
        kf_vm_set_replay(raw, 0, 0, 0)
    }

    /// True between ``beginStep(replaying:stoppingAt:)`` and ``endStep()``.
    public private(set) var inStep = false

    /// Starts a step: every script run until ``endStep()`` shares one budget of
    /// instructions (and charged work) and one deadline. A host runs one step per input, so
    /// an input that sets off many flows (`s:each_group`) gets one budget, not one each.
    /// - Parameters:
    ///   - replaying: the step re-runs one that ran before (from a log): no deadline, and
    ///     headroom above the memory cap, so what passed live also passes now.
    ///   - stop: where the live run of this step was stopped by a limit, if it was: the
    ///     replay stops at the same check point.
    public func beginStep(replaying: Bool = false, stoppingAt stop: StopPosition? = nil) {
        inStep = false
        beginRun()
        inStep = true
        kf_vm_set_replay(raw, replaying ? 1 : 0, stop?.work ?? 0, stop?.limit.reason ?? 0)
        activity.enter(replaying: replaying)
    }

    /// Runs host work that waits for something outside the script (the store's I/O)
    /// without counting it against the step's wall clock: the deadline moves on by the
    /// time it took, and a watchdog does not count it either.
    @discardableResult
    public func pausingClock<T>(_ body: () throws -> T) rethrows -> T {
        let start = kf_monotonic_now()
        activity.pause()
        defer {
            activity.resume()
            if raw.pointee.deadline > 0 { raw.pointee.deadline += kf_monotonic_now() - start }
        }
        return try body()
    }

    /// Ends the step begun by ``beginStep(replaying:stoppingAt:)``.
    public func endStep() {
        inStep = false
        kf_vm_set_replay(raw, 0, 0, 0)
        activity.leave()
    }

    /// Where a limit stopped the VM, counted in the work of the step it stopped; nil while
    /// it was not stopped. Log it: a replay given it stops at the same place.
    public var stopPosition: StopPosition? {
        guard let limit = StopPosition.Limit(reason: stopReason) else { return nil }
        return StopPosition(limit: limit, work: raw.pointee.stop_work)
    }

    /// Work units the current step (or run) has used: instructions and charged work.
    public var stepWork: Int64 { raw.pointee.instructions_used }

    /// Pushes values onto the main state, protected; returns how many were pushed.
    func pushOnMain(_ values: [LuaValue]) throws(ScriptError) -> Int32 {
        let writer = LuaValueWriter(buffer: kf_vm_buffer(raw), owner: serial)
        writer.reset()
        do {
            for value in values { try writer.write(value) }
        } catch {
            throw ScriptError(.value, "cannot pass a value to the script: \(error.message)")
        }
        var count: Int32 = 0
        let status = kf_push_buffer_protected(state, &count)
        guard status == LUA_OK else {
            popMessage(state)
            throw memoryLimitError(at: nil)
        }
        return count
    }

    func memoryLimitError(at location: String?) -> ScriptError {
        let limit = limits.memoryBytes.map { " (\(Self.formatBytes($0)))" } ?? ""
        let prefix = location.map { "\($0): " } ?? ""
        return ScriptError(
            .memoryLimit, "\(prefix)memory limit exceeded: the script needed more than its limit\(limit)")
    }

    func noteStop(_ error: ScriptError) {
        if stopReason != 0 && error.isLimit { stopError = error }
    }

    /// The error code for the current stop reason.
    var stopCode: ScriptError.Code {
        switch stopReason {
        case Int32(KF_STOP_INSTRUCTIONS): .instructionLimit
        case Int32(KF_STOP_MEMORY): .memoryLimit
        default: .timeLimit
        }
    }

    var stopReason: Int32 { raw.pointee.stop_reason }

    /// What the C side says when it stops a script, for stops the script tried to swallow.
    var stopMessage: String {
        if stopReason == Int32(KF_STOP_MEMORY) {
            return
                "memory limit exceeded: the script needed more than its limit (\(Self.formatBytes(raw.pointee.memory_cap)))"
        }
        if stopReason == Int32(KF_STOP_INSTRUCTIONS) {
            return
                "instruction limit exceeded: the script ran more than \(raw.pointee.instruction_limit) instructions without waiting"
        }
        let seconds = raw.pointee.time_limit
        let text = seconds == seconds.rounded() ? String(Int64(seconds)) : String(seconds)
        return
            "time limit exceeded: the script ran for more than \(text) second\(text == "1" ? "" : "s") without waiting"
    }
    var memoryRefused: Bool { raw.pointee.memory_refused != 0 }
    var describeReference: Int32 { raw.pointee.describe_ref }

    static func formatBytes(_ n: Int) -> String {
        if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n >= 1 << 10 && n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
        return "\(n) bytes"
    }
}

/// Pops the value on top of the stack and describes it, without running any Lua code.
@discardableResult
func popMessage(_ state: OpaquePointer) -> String {
    defer { kf_pop(state, 1) }
    if lua_type(state, -1) == LUA_TSTRING {
        var length = 0
        let pointer = kf_tolstring(state, -1, &length)!
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
    return "(error object is a \(String(cString: lua_typename(state, lua_type(state, -1)))) value)"
}

/// A VM belongs to one owner: its `lua_State` must never be used from two threads.
@available(*, unavailable)
extension LuaVM: Sendable {}
