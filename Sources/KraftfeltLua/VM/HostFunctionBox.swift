import CKraftfeltLua
import CLua

/// A registered host function, kept alive by its VM; Lua holds a pointer to its descriptor.
final class HostFunctionBox {
    /// The full description: names and phrases for messages and the reference (cold path).
    let function: HostFunction
    let qualifiedName: String
    let receiverPrefix: (@Sendable (LuaTable) -> String?)?
    unowned(unsafe) let vm: LuaVM
    let body: (HostCall) throws -> HostResult
    let maximumArguments: Int
    /// What the C trampoline checks before Swift runs: plain data, outside the Lua heap.
    let descriptor: UnsafeMutablePointer<kf_host_function>
    private let checks: UnsafeMutableBufferPointer<kf_param_check>

    init(function: HostFunction, module: HostModule?, vm: LuaVM) {
        self.function = function
        self.qualifiedName = module.map { "\($0.callPrefix)\(function.name)" } ?? function.name
        self.receiverPrefix = module?.receiverPrefix
        self.vm = vm
        self.body = function.body
        self.maximumArguments = function.isVariadic ? Int(Int32.max) : function.parameters.count
        checks = .allocate(capacity: max(1, function.parameters.count))
        for (i, parameter) in function.parameters.enumerated() {
            checks[i] = kf_param_check(
                accepted: parameter.type.acceptedTypes, integer_only: parameter.type.integerOnly ? 1 : 0,
                optional: parameter.isOptional ? 1 : 0)
        }
        descriptor = .allocate(capacity: 1)
        descriptor.initialize(
            to: kf_host_function(
                box: nil, minimum: Int32(function.minimumArguments), maximum: Int32(maximumArguments),
                nchecks: Int32(function.parameters.count), checks: UnsafePointer(checks.baseAddress)))
        descriptor.pointee.box = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        descriptor.deallocate()
        checks.deallocate()
    }

    /// Runs the function for the trampoline. Returns the number of values pushed, or a
    /// `KF_HOST_*` code with the values or the error message in the VM's buffer.
    @inline(__always)
    func invoke(_ raw: UnsafeMutablePointer<kf_call>) -> Int32 {
        let call = HostCall(raw, box: self)
        let state = call.state
        let result: HostResult
        do {
            try call.validate()
            if function.suspends && !call.canSuspend { return fail(cannotWait(state)) }
            result = try body(call)
        } catch let error as HostError {
            return fail(error.message, call)
        } catch {
            return fail("\(error)", call)
        }
        switch result {
        case .none:
            return 0
        case .integer(let i):
            lua_pushinteger(state, lua_Integer(i))
            return 1
        case .number(let d):
            lua_pushnumber(state, d)
            return 1
        case .boolean(let b):
            lua_pushboolean(state, b ? 1 : 0)
            return 1
        case .value(let value):
            switch value {
            case .nil: lua_pushnil(state)
            case .boolean(let b): lua_pushboolean(state, b ? 1 : 0)
            case .integer(let i): lua_pushinteger(state, lua_Integer(i))
            case .number(let d): lua_pushnumber(state, d)
            default: return encode([value])
            }
            return 1
        case .values(let values):
            return encode(values)
        case .wait(let request):
            guard call.canSuspend else { return fail(cannotWait(state)) }
            vm.pendingSuspension = request.value
            return Int32(KF_HOST_SUSPEND)
        }
    }

    /// The name a call goes by: `g:ask` when the receiver is a group's handle.
    func name(in call: HostCall) -> String {
        guard let receiverPrefix, call.count > 0, call.selfIsReceiver, let receiver = try? call.value(0).tableValue,
            let prefix = receiverPrefix(receiver)
        else { return qualifiedName }
        return prefix + function.name
    }

    private func cannotWait(_ state: OpaquePointer) -> String {
        let reason =
            vm.runningThread == state
            ? "it was called where the script cannot wait (inside a metamethod, an iterator or a sort function)"
            : "it was called inside a coroutine that the script created itself"
        return "cannot wait here: \(reason)"
    }

    private func encode(_ values: [LuaValue]) -> Int32 {
        let writer = LuaValueWriter(buffer: kf_vm_buffer(vm.raw), owner: vm.serial)
        writer.reset()
        do {
            for value in values { try writer.write(value) }
        } catch {
            return fail("cannot return a value: \(error.message)")
        }
        return Int32(KF_HOST_VALUES)
    }

    private func fail(_ message: String, _ call: HostCall? = nil) -> Int32 {
        let writer = LuaValueWriter(buffer: kf_vm_buffer(vm.raw), owner: vm.serial)
        writer.reset()
        try? writer.write(.string("\(call.map(name(in:)) ?? qualifiedName): \(message)"))
        return Int32(KF_HOST_ERROR)
    }
}

/// The one function Lua calls for every host function (through the C trampoline).
/// The box is owned by its VM for the VM's whole life, so no retain is needed here.
@_cdecl("kf_swift_dispatch")
func hostDispatch(_ box: UnsafeMutableRawPointer, _ call: UnsafeMutablePointer<kf_call>) -> Int32 {
    Unmanaged<HostFunctionBox>.fromOpaque(box)._withUnsafeGuaranteedRef { $0.invoke(call) }
}
