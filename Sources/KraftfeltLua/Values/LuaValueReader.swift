import CKraftfeltLua
import CLua

/// Why a Lua value could not cross into Swift.
struct LuaValueError: Error {
    var message: String
    /// The value as a whole is too large (the same message wherever it is found).
    var tooLarge = false
}

/// Where in a table an error was found, in the fixed order of keys: keys that can cross
/// first (by value), then tables, functions and coroutines by their creation.
private enum ErrorKey {
    case value(LuaValue)
    case object(rank: Int, identity: UInt64)

    func isBefore(_ other: ErrorKey) -> Bool {
        switch (self, other) {
        case (.value(let a), .value(let b)): LuaValue.orders(a, before: b)
        case (.value, .object): true
        case (.object, .value): false
        case (.object(let r, let a), .object(let s, let b)): (r, a) < (s, b)
        }
    }
}

/// Copies values from a Lua stack into Swift with raw access only (no metamethod runs)
/// and with the non-raising parts of the C API, so it is safe inside a host function.
struct LuaValueReader {
    let state: OpaquePointer
    unowned(unsafe) let vm: LuaVM
    /// Tables on the path from the root to the value being read, to find cycles.
    private var path: [UnsafeRawPointer] = []

    /// Tables may nest this deep.
    static let maximumDepth = 100
    /// At most this many values cross in one read (a table shared many times counts each time).
    static let maximumValues = 250_000
    private var values = 0
    /// At most this many bytes of strings cross in one read: the VM's memory limit.
    private var bytesLeft: Int

    init(state: OpaquePointer, vm: LuaVM) {
        self.state = state
        self.vm = vm
        self.bytesLeft = vm.limits.memoryBytes ?? 1 << 30
    }

    private func tooLarge() -> LuaValueError {
        LuaValueError(
            message: "is too large to leave Lua (more than \(Self.maximumValues) values or "
                + "\(LuaVM.formatBytes(vm.limits.memoryBytes ?? 1 << 30)) of text, counting shared tables each time)",
            tooLarge: true)
    }

    mutating func read(_ index: Int32) throws(LuaValueError) -> LuaValue {
        values += 1
        guard values <= Self.maximumValues else { throw tooLarge() }
        let index = lua_absindex(state, index)
        switch lua_type(state, index) {
        case LUA_TNIL, LUA_TNONE:
            return .nil
        case LUA_TBOOLEAN:
            return .boolean(lua_toboolean(state, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(state, index) != 0 { return .integer(kf_tointegerx(state, index, nil)) }
            return .number(kf_tonumberx(state, index, nil))
        case LUA_TSTRING:
            var length = 0
            let pointer = kf_tolstring(state, index, &length)!
            bytesLeft -= length
            guard bytesLeft >= 0 else { throw tooLarge() }
            return .string(LuaString(bytes: Array(UnsafeRawBufferPointer(start: pointer, count: length))))
        case LUA_TTABLE:
            return .table(try readTable(index))
        case LUA_TFUNCTION:
            let reference = kf_ref(state, index)
            guard reference != LUA_NOREF else { throw LuaValueError(message: "could not be kept: out of memory") }
            return .function(LuaFunction(reference: reference, owner: vm.serial))
        case let type:
            throw LuaValueError(message: "is a \(String(cString: lua_typename(state, type))), which cannot leave Lua")
        }
    }

    private mutating func readTable(_ index: Int32) throws(LuaValueError) -> LuaTable {
        let identity = lua_topointer(state, index)!
        if path.contains(identity) { throw LuaValueError(message: "is a table that contains itself (a cycle)") }
        if path.count >= Self.maximumDepth {
            throw LuaValueError(message: "is a table nested more than \(Self.maximumDepth) levels deep")
        }
        guard lua_checkstack(state, 3) != 0 else { throw LuaValueError(message: "is nested too deeply") }
        path.append(identity)
        defer { path.removeLast() }

        var table = LuaTable()
        var n: lua_Integer = 1
        while lua_rawgeti(state, index, n) != LUA_TNIL {
            let value: LuaValue
            do { value = try read(-1) } catch { kf_pop(state, 1); throw error }
            kf_pop(state, 1)
            table.array.append(value)
            n += 1
        }
        kf_pop(state, 1)
        let arrayCount = lua_Integer(table.array.count)

        // The fields come in Lua's hash order, which differs between processes: a table bad
        // in two places must fail with the same message everywhere, so the whole table is
        // read and the error of the first key in the fixed key order is the one thrown.
        var firstError: (key: ErrorKey, error: LuaValueError)?
        func note(_ error: LuaValueError, at key: ErrorKey) {
            if let first = firstError, !key.isBefore(first.key) { return }
            firstError = (key, error)
        }
        lua_pushnil(state)
        while lua_next(state, index) != 0 {
            if lua_isinteger(state, -2) != 0 {
                let key = kf_tointegerx(state, -2, nil)
                if key >= 1 && key <= arrayCount {
                    kf_pop(state, 1)
                    continue
                }
            }
            let keyType = lua_type(state, -2)
            if keyType != LUA_TSTRING && keyType != LUA_TNUMBER && keyType != LUA_TBOOLEAN {
                // Such keys have no order that survives a new process, so they cannot cross.
                note(
                    LuaValueError(
                        message: "has a \(String(cString: lua_typename(state, keyType))) as a key; keys that leave Lua "
                            + "must be strings, numbers or booleans"),
                    at: .object(rank: Int(keyType), identity: kf_identity(state, -2)))
                kf_pop(state, 1)
                continue
            }
            let key: LuaValue
            do {
                key = try read(-2)
            } catch {
                kf_pop(state, 2)
                throw error  // only a key too large to cross: the same whatever the order
            }
            do {
                table.fields.append(LuaTable.Field(key, try read(-1)))
            } catch  where error.tooLarge {
                kf_pop(state, 2)
                throw error
            } catch {
                note(error, at: .value(key))
            }
            kf_pop(state, 1)
        }
        if let firstError { throw firstError.error }
        table.fields.sort { LuaValue.orders($0.key, before: $1.key) }
        return table
    }
}

extension LuaValue {
    /// A total order for keys: booleans, numbers, strings, then the rest; by value inside a kind.
    static func orders(_ a: LuaValue, before b: LuaValue) -> Bool {
        func rank(_ v: LuaValue) -> Int {
            switch v {
            case .nil: 0
            case .boolean: 1
            case .integer, .number: 2
            case .string: 3
            case .table: 4
            case .function: 5
            }
        }
        switch (a, b) {
        case (.boolean(let x), .boolean(let y)): return !x && y
        case (.string(let x), .string(let y)): return x < y
        case (.function(let x), .function(let y)): return x.reference < y.reference
        default:
            if let x = a.numeric, let y = b.numeric { return x < y }
            return rank(a) < rank(b)
        }
    }

    private var numeric: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }
}
