import CKraftfeltLua
import CLua

/// What the argument check needs of one parameter: plain data, so the hot path of a
/// call copies no strings and touches no reference counts.
struct ParameterCheck {
    let acceptedTypes: UInt16
    let integerOnly: Bool
    let isOptional: Bool
}

/// A registered host function, kept alive by its VM; Lua holds a pointer to it.
final class HostFunctionBox {
    /// The full description: names and phrases for messages and the reference (cold path).
    let function: HostFunction
    let qualifiedName: String
    unowned(unsafe) let vm: LuaVM
    let body: (HostCall) throws -> HostResult
    let checks: UnsafeMutableBufferPointer<ParameterCheck>
    let minimumArguments: Int
    let maximumArguments: Int

    init(function: HostFunction, module: String?, vm: LuaVM) {
        self.function = function
        self.qualifiedName = module.map { "\($0).\(function.name)" } ?? function.name
        self.vm = vm
        self.body = function.body
        self.checks = .allocate(capacity: function.parameters.count)
        _ = checks.initialize(
            from: function.parameters.map {
                ParameterCheck(
                    acceptedTypes: $0.type.acceptedTypes, integerOnly: $0.type.integerOnly, isOptional: $0.isOptional)
            })
        self.minimumArguments = function.minimumArguments
        self.maximumArguments = function.isVariadic ? Int.max : function.parameters.count
    }

    deinit {
        checks.deallocate()
    }

    /// Runs the function for the trampoline. Returns the number of values pushed, or a
    /// `KF_HOST_*` code with the values or the error message in the VM's buffer.
    @inline(__always)
    func invoke(_ state: OpaquePointer) -> Int32 {
        let call = HostCall(state: state, box: self, count: Int(lua_gettop(state)))
        let result: HostResult
        do {
            try call.validate()
            result = try body(call)
        } catch let error as HostError {
            return fail(error.message)
        } catch {
            return fail("\(error)")
        }
        switch result {
        case .none:
            return 0
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
            guard call.canSuspend else {
                let reason =
                    vm.runningThread == state
                    ? "it was called where the script cannot wait (inside a metamethod, an iterator or a sort function)"
                    : "it was called inside a coroutine that the script created itself"
                return fail("cannot wait here: \(reason)")
            }
            vm.pendingSuspension = request.value
            return Int32(KF_HOST_SUSPEND)
        }
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

    private func fail(_ message: String) -> Int32 {
        let writer = LuaValueWriter(buffer: kf_vm_buffer(vm.raw), owner: vm.serial)
        writer.reset()
        try? writer.write(.string("\(qualifiedName): \(message)"))
        return Int32(KF_HOST_ERROR)
    }
}

/// The one function Lua calls for every host function (through the C trampoline).
/// The box is owned by its VM for the VM's whole life, so no retain is needed here.
let hostDispatch: kf_dispatch_fn = { function, state in
    Unmanaged<HostFunctionBox>.fromOpaque(function!)._withUnsafeGuaranteedRef { $0.invoke(state!) }
}
