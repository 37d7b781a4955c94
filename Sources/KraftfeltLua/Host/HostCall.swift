import CKraftfeltLua
import CLua

/// The arguments of one call of a host function, read straight from the Lua stack.
///
/// Reading never raises a Lua error: only the non-raising parts of the C API are used,
/// so no Lua longjmp can cross the Swift frames of a host function.
public struct HostCall {
    @usableFromInline let state: OpaquePointer
    unowned(unsafe) let box: HostFunctionBox

    /// How many arguments the script passed.
    public let count: Int

    /// Integer arguments already read by the trampoline's argument check (the first
    /// four), so the body's `integer(_:)` does not read them twice.
    @usableFromInline let integers: (Int64, Int64, Int64, Int64)
    @usableFromInline let integersRead: UInt32
    /// What the trampoline's check found: -1 fine, -2 too many, else the failing index.
    let badArgument: Int32

    @inline(__always)
    init(_ call: UnsafeMutablePointer<kf_call>, box: HostFunctionBox) {
        self.state = call.pointee.L
        self.box = box
        self.count = Int(call.pointee.count)
        self.integers = call.pointee.integers
        self.integersRead = call.pointee.integers_read
        self.badArgument = call.pointee.bad_argument
    }

    /// The VM the script runs in.
    public var vm: LuaVM { box.vm }

    /// The function's name as scripts call it (`kf.ask`).
    public var functionName: String { box.qualifiedName }

    /// True when the script's own thread is running and may be suspended here.
    public var canSuspend: Bool { lua_isyieldable(state) != 0 && box.vm.runningThread == state }

    @inline(__always)
    func luaType(_ index: Int) -> Int32 { index < count ? lua_type(state, Int32(index + 1)) : LUA_TNONE }

    /// True when argument `index` (0-based) is nil or absent.
    public func isNil(_ index: Int) -> Bool { luaType(index) <= LUA_TNIL }

    /// Argument `index` (0-based) as an integer (a float with an integer value is accepted).
    /// Like Lua's own `luaL_checkinteger`, a numeric string is converted; declared
    /// `.integer` parameters are checked to be numbers before the body runs.
    @inlinable
    public func integer(_ index: Int) throws(HostError) -> Int64 {
        if index >= 0 && index < 4 && integersRead & (1 << UInt32(truncatingIfNeeded: index)) != 0 {
            switch index {
            case 0: return integers.0
            case 1: return integers.1
            case 2: return integers.2
            default: return integers.3
            }
        }
        return try readInteger(index)
    }

    @usableFromInline
    func readInteger(_ index: Int) throws(HostError) -> Int64 {
        var isInteger: Int32 = 0
        let value = kf_tointegerx(state, Int32(index + 1), &isInteger)
        if isInteger != 0 { return value }
        throw argumentError(index, expected: .integer)
    }

    /// Argument `index` (0-based) as a number.
    public func number(_ index: Int) throws(HostError) -> Double {
        var isNumber: Int32 = 0
        let value = kf_tonumberx(state, Int32(index + 1), &isNumber)
        if isNumber != 0 { return value }
        throw argumentError(index, expected: .number)
    }

    /// Argument `index` (0-based) as a byte string.
    public func bytes(_ index: Int) throws(HostError) -> LuaString {
        guard luaType(index) == LUA_TSTRING else { throw argumentError(index, expected: .string) }
        var length = 0
        let pointer = kf_tolstring(state, Int32(index + 1), &length)!
        return LuaString(bytes: Array(UnsafeRawBufferPointer(start: pointer, count: length)))
    }

    /// Argument `index` (0-based) as text (invalid UTF-8 is replaced).
    public func string(_ index: Int) throws(HostError) -> String {
        guard luaType(index) == LUA_TSTRING else { throw argumentError(index, expected: .string) }
        var length = 0
        let pointer = kf_tolstring(state, Int32(index + 1), &length)!
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    /// Argument `index` (0-based) as a boolean.
    public func boolean(_ index: Int) throws(HostError) -> Bool {
        guard luaType(index) == LUA_TBOOLEAN else { throw argumentError(index, expected: .boolean) }
        return lua_toboolean(state, Int32(index + 1)) != 0
    }

    /// Argument `index` (0-based) copied into Swift (tables deeply, functions as handles).
    public func value(_ index: Int) throws(HostError) -> LuaValue {
        guard index < count else { return .nil }
        do {
            var reader = LuaValueReader(state: state, vm: box.vm)
            return try reader.read(Int32(index + 1))
        } catch {
            throw HostError("argument '\(parameterName(index))' \(error.message)")
        }
    }

    /// All arguments copied into Swift.
    public func values() throws(HostError) -> [LuaValue] {
        var result: [LuaValue] = []
        for i in 0..<count { result.append(try value(i)) }
        return result
    }

    /// For a method (`s:ask`): whether the first argument is a table that has this very
    /// method as a field, i.e. whether it was called with a colon. Read on error paths only.
    var selfIsReceiver: Bool {
        guard count > 0, lua_type(state, 1) == LUA_TTABLE, let value = try? value(0).tableValue else { return false }
        if case .function = value[box.function.name] { return true }
        return false
    }

    /// The error for a wrong argument: `argument 'time' must be a duration like "3m", got number`.
    public func argumentError(_ index: Int, expected: ParameterType) -> HostError {
        argumentError(index, expected: expected.phrase)
    }

    /// The error for a wrong argument, with the expectation in words.
    public func argumentError(_ index: Int, expected phrase: String) -> HostError {
        let type = luaType(index)
        var got = type == LUA_TNONE ? "nothing" : String(cString: lua_typename(state, type))
        if type == LUA_TNUMBER && lua_isinteger(state, Int32(index + 1)) == 0 && phrase == ParameterType.integer.phrase
        {
            got = "a number with a fraction"
        }
        return HostError("argument '\(parameterName(index))' must be \(phrase), got \(got)")
    }

    func parameterName(_ index: Int) -> String {
        let parameters = box.function.parameters
        return index < parameters.count ? parameters[index].name : "#\(index + 1)"
    }

    /// The error for what the trampoline's argument check found, if anything.
    @inline(__always)
    func validate() throws(HostError) {
        guard badArgument != -1 else { return }
        throw invalidArgument()
    }

    @inline(never)
    private func invalidArgument() -> HostError {
        if badArgument == -2 {
            // A method's hidden `self` is not an argument the script wrote.
            let hidden = box.qualifiedName.contains(":") && box.function.parameters.first?.name == "self" ? 1 : 0
            let n = box.maximumArguments - hidden
            return HostError("expected at most \(n) argument\(n == 1 ? "" : "s"), got \(count - hidden)")
        }
        let index = Int(badArgument)
        if box.qualifiedName.contains(":") && box.function.parameters.first?.name == "self" && !selfIsReceiver {
            return HostError("call it with a colon, as \(box.name(in: self))(...)")
        }
        return argumentError(index, expected: box.function.parameters[index].type)
    }
}
