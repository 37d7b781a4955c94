/// A Lua value that has crossed into Swift.
///
/// Tables are copied (with raw access, so no metamethod runs); functions stay in their
/// VM and cross as a ``LuaFunction`` handle.
public enum LuaValue: Hashable, Sendable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(LuaString)
    case table(LuaTable)
    case function(LuaFunction)

    /// The Lua type name, as `type()` says it.
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .table: "table"
        case .function: "function"
        }
    }

    public static func string(_ text: String) -> LuaValue { .string(LuaString(text)) }

    /// The text of a string value, if it is one and valid UTF-8.
    public var text: String? {
        if case .string(let s) = self { return s.text }
        return nil
    }

    /// An integer value, or a float with an exact integer value (as Lua converts them).
    public var integerValue: Int64? {
        switch self {
        case .integer(let i): i
        case .number(let d): Int64(exactly: d)
        default: nil
        }
    }

    public var tableValue: LuaTable? {
        if case .table(let t) = self { return t }
        return nil
    }
}

extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(LuaString(value)) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(nilLiteral: ()) { self = .nil }
}

/// A Lua table copied into Swift: its sequence `1...n` and its other fields.
///
/// Fields are sorted (booleans, numbers, strings; then by value) so that the same table
/// always crosses the same way, whatever order Lua's hash happened to keep it in.
public struct LuaTable: Hashable, Sendable {
    public struct Field: Hashable, Sendable {
        public var key: LuaValue
        public var value: LuaValue
        public init(_ key: LuaValue, _ value: LuaValue) {
            self.key = key
            self.value = value
        }
    }

    /// The values at keys 1, 2, … up to the first nil.
    public var array: [LuaValue]
    /// Every other field.
    public var fields: [Field]

    public init(array: [LuaValue] = [], fields: [Field] = []) {
        self.array = array
        self.fields = fields.sorted { LuaValue.orders($0.key, before: $1.key) }
    }

    /// Tables are equal when they hold the same fields, in whatever order.
    public static func == (lhs: LuaTable, rhs: LuaTable) -> Bool {
        lhs.array == rhs.array && lhs.sortedFields == rhs.sortedFields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(array)
        hasher.combine(sortedFields)
    }

    private var sortedFields: [Field] { fields.sorted { LuaValue.orders($0.key, before: $1.key) } }

    public init(_ fields: KeyValuePairs<String, LuaValue>) {
        self.init(array: [], fields: fields.map { Field(.string($0.key), $0.value) })
    }

    public subscript(key: String) -> LuaValue {
        let wanted = LuaValue.string(key)
        return fields.first { $0.key == wanted }?.value ?? .nil
    }

    public subscript(index: Int) -> LuaValue {
        array.indices.contains(index - 1) ? array[index - 1] : .nil
    }

    public var isEmpty: Bool { array.isEmpty && fields.isEmpty }
}

/// A handle to a Lua function that lives in a VM's registry.
///
/// The function stays alive as long as its VM does, or until ``LuaVM/release(_:)``.
public struct LuaFunction: Hashable, Sendable {
    let reference: Int32
    let owner: UInt64
}
