import CKraftfeltLua
import CLua

/// What a script thread did when it ran.
public enum ScriptStep {
    /// It returned these values.
    case finished([LuaValue])
    /// A host function suspended it with this request; resume it with the answer.
    case suspended(Any)
}

/// A script running as a Lua coroutine, so that host functions can suspend it
/// ("ask everyone and wait") and the host can resume it later with the answer.
public final class ScriptThread {
    public enum Status: Sendable, Equatable {
        case ready, running, suspended, finished, failed
    }

    let vm: LuaVM
    let state: OpaquePointer
    private var reference: Int32
    public internal(set) var status: Status = .ready

    init(vm: LuaVM, state: OpaquePointer, reference: Int32) {
        self.vm = vm
        self.state = state
        self.reference = reference
    }

    deinit {
        kf_unref(vm.state, reference)
    }

    /// Runs the script from its start with these arguments until it finishes or waits.
    public func start(_ arguments: [LuaValue] = []) throws(ScriptError) -> ScriptStep {
        guard status == .ready else { throw ScriptError(.state, "the script thread was already started") }
        status = .running
        return try run(arguments)
    }

    /// Resumes a waiting script; the suspending host function returns these values.
    public func resume(returning values: [LuaValue] = []) throws(ScriptError) -> ScriptStep {
        guard status == .suspended else {
            throw ScriptError(.state, "the script thread is not waiting (it is \(status))")
        }
        return try run([.boolean(true)] + values)
    }

    /// Resumes a waiting script with an error, raised where the host function was called.
    public func resume(throwing message: String) throws(ScriptError) -> ScriptStep {
        guard status == .suspended else {
            throw ScriptError(.state, "the script thread is not waiting (it is \(status))")
        }
        return try run([.boolean(false), .string(message)])
    }

    private func run(_ arguments: [LuaValue], budget: (Int64, Double)? = nil) throws(ScriptError) -> ScriptStep {
        try vm.checkNotStopped()
        guard vm.runningThread == nil else {
            throw ScriptError(.state, "a script is already running in this VM; host functions cannot run scripts")
        }
        let count = try vm.pushOnMain(arguments)
        guard lua_checkstack(state, count) != 0 else {
            kf_pop(vm.state, count)
            throw vm.memoryLimitError(at: nil)
        }
        lua_xmove(vm.state, state, count)
        if status == .suspended && kf_set_waiting(vm.state, state, 0) != LUA_OK {
            popMessage(vm.state)
            throw vm.memoryLimitError(at: nil)
        }
        // A run on a budget of its own (describing an error object) leaves the step's
        // count as it was: it is host work, the same in every run of the step.
        let saved = vm.raw.pointee
        if let budget {
            kf_vm_begin_run(vm.raw, budget.0, budget.1)
        } else {
            vm.beginRun()
        }
        vm.runningThread = state
        vm.pendingSuspension = nil
        var resultCount: Int32 = 0
        let alone = !vm.inStep
        if alone { vm.activity.enter() }
        let outcome = kf_resume(state, vm.state, count, &resultCount)
        if alone { vm.activity.leave() }
        vm.runningThread = nil
        if budget != nil {
            vm.raw.pointee.instructions_used = saved.instructions_used
            vm.raw.pointee.instruction_limit = saved.instruction_limit
            vm.raw.pointee.next_clock_check = saved.next_clock_check
            vm.raw.pointee.deadline = saved.deadline
            vm.raw.pointee.time_limit = saved.time_limit
            kf_vm_update_next_check(vm.raw)
        }
        if vm.stopReason != 0 && (outcome == LUA_OK || outcome == LUA_YIELD) {
            // The script caught the stop (in a coroutine it resumed) and went on: it still ends here.
            kf_pop(state, resultCount)
            status = .failed
            let error = ScriptError(vm.stopCode, (currentLocation().map { "\($0): " } ?? "") + vm.stopMessage)
            vm.noteStop(error)
            throw error
        }
        switch outcome {
        case LUA_OK:
            let values = try take(resultCount)
            status = .finished
            return .finished(values)
        case LUA_YIELD:
            kf_pop(state, resultCount)
            guard let request = vm.pendingSuspension else {
                status = .failed
                throw ScriptError(
                    .runtime,
                    "\(currentLocation().map { "\($0): " } ?? "")coroutine.yield was called outside a coroutine")
            }
            vm.pendingSuspension = nil
            status = .suspended
            return .suspended(request)
        default:
            status = .failed
            let error = failure(outcome)
            vm.noteStop(error)
            throw error
        }
    }

    /// Copies the results off the thread's stack.
    private func take(_ count: Int32) throws(ScriptError) -> [LuaValue] {
        defer { kf_pop(state, count) }
        var reader = LuaValueReader(state: state, vm: vm)
        var values: [LuaValue] = []
        let base = lua_gettop(state) - count
        for i in 0..<count {
            do {
                values.append(try reader.read(base + 1 + i))
            } catch {
                throw ScriptError(
                    .value, "the script returned a value that cannot leave Lua: result #\(i + 1) \(error.message)")
            }
        }
        return values
    }

    /// The error of a thread that died, with its traceback.
    private func failure(_ outcome: Int32) -> ScriptError {
        let traceback = self.traceback()
        let location = currentLocation()
        if outcome == LUA_ERRMEM {
            kf_pop(state, 1)
            if vm.stopReason != 0 {
                let error = ScriptError(
                    vm.stopCode, (location.map { "\($0): " } ?? "") + vm.stopMessage, traceback: traceback)
                vm.noteStop(error)
                return error
            }
            return vm.memoryLimitError(at: location)
        }
        var message: String
        var code = ScriptError.Code.runtime
        if lua_type(state, -1) == LUA_TSTRING {
            message = popMessage(state)
        } else if lua_type(state, -1) == LUA_TNUMBER {
            message =
                lua_isinteger(state, -1) != 0
                ? String(kf_tointegerx(state, -1, nil)) : "\(kf_tonumberx(state, -1, nil))"
            kf_pop(state, 1)
        } else {
            lua_xmove(state, vm.state, 1)
            let described = describe()
            message = described.message
            if let limit = described.limit { code = limit }
        }
        // An error raised inside one of the sandbox's own wrappers is the script's error:
        // name the script's line instead.
        if message.hasPrefix("kraftfelt.prelude:"), let colon = message.dropFirst(18).firstIndex(of: ":") {
            let rest = message[message.index(after: colon)...].drop { $0 == " " }
            message = (location.map { "\($0): " } ?? "") + rest
        } else if let location, ScriptError(code, message).location == nil {
            // Raised in C called from C (a __tostring inside string.format, a C stack
            // overflow, a stop inside a C metamethod) the message has no position: every
            // error names the script's line.
            message = "\(location): \(message)"
        }
        switch vm.stopReason {
        case Int32(KF_STOP_INSTRUCTIONS): code = .instructionLimit
        case Int32(KF_STOP_DEADLINE): code = .timeLimit
        case Int32(KF_STOP_MEMORY): code = .memoryLimit
        default:
            if vm.memoryRefused && message.hasSuffix("not enough memory") {
                return ScriptError(.memoryLimit, vm.memoryLimitError(at: location).message, traceback: traceback)
            }
        }
        return ScriptError(code, message, traceback: traceback)
    }

    /// Describes a non-string error object (on top of the main stack) with the sandbox's
    /// `tostring`, so `__tostring` runs inside the limits; pops it.
    private func describe() -> (message: String, limit: ScriptError.Code?) {
        let kind = "error object is a \(String(cString: lua_typename(vm.state, lua_type(vm.state, -1)))) value"
        let fallback = "(\(kind))"
        let object = kf_ref(vm.state, -1)
        kf_pop(vm.state, 1)
        guard object != LUA_NOREF, vm.stopReason == 0, !vm.describing else { return (fallback, nil) }
        defer { kf_unref(vm.state, object) }
        // One level only, on a small budget of its own: an error object whose __tostring
        // raises another such object must not start another description.
        vm.describing = true
        defer { vm.describing = false }
        do {
            let thread = try vm.spawn(LuaFunction(reference: vm.describeReference, owner: vm.serial))
            // A registry reference crosses like a function handle, whatever it refers to.
            let handle = LuaValue.function(LuaFunction(reference: object, owner: vm.serial))
            guard thread.status == .ready else { return (fallback, nil) }
            thread.status = .running
            if case .finished(let values) = try thread.run([handle], budget: Self.describeBudget),
                let text = values.first?.text
            {
                return (text, nil)
            }
            return (fallback, nil)
        } catch {
            return ("(\(kind); its __tostring failed: \(error.message))", error.isLimit ? error.code : nil)
        }
    }

    /// The budget for describing an error object: a million instructions, a quarter second.
    static let describeBudget: (Int64, Double) = (1_000_000, 0.25)

    /// `chunk:line` of the innermost script function on the thread's stack (the sandbox's
    /// own wrappers are skipped: the error is the script's).
    private func currentLocation() -> String? {
        var level: Int32 = 0
        var record = lua_Debug()
        while lua_getstack(state, level, &record) != 0 {
            if lua_getinfo(state, "Sl", &record) != 0, record.currentline > 0 {
                let source = withUnsafeBytes(of: record.short_src) {
                    String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                }
                if source == "kraftfelt.prelude" {
                    level += 1
                    continue
                }
                return "\(source):\(record.currentline)"
            }
            level += 1
        }
        return nil
    }

    private func traceback() -> String? {
        guard kf_traceback(vm.state, state) == LUA_OK else {
            kf_pop(vm.state, 1)
            return nil
        }
        return popMessage(vm.state)
    }
}

/// A script thread lives in its VM and shares its single owner.
@available(*, unavailable)
extension ScriptThread: Sendable {}
