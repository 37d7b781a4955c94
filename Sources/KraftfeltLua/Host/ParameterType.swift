import CLua

/// What a host function accepts for one argument: the Lua types it takes, and how the
/// error message and the API reference describe it ("an integer", "a duration like \"3m\"").
public struct ParameterType: Hashable, Sendable {
    /// Lua type tags (`LUA_TNUMBER`, …) this parameter accepts, as a bit set.
    let acceptedTypes: UInt16
    /// True when only numbers with an exact integer value are accepted.
    let integerOnly: Bool
    /// "an integer", "a string", … for messages.
    public let phrase: String
    /// "integer", "string", … for the reference.
    public let name: String

    public init(name: String, phrase: String, accepts luaTypes: [Int32], integerOnly: Bool = false) {
        self.name = name
        self.phrase = phrase
        self.acceptedTypes = luaTypes.reduce(0) { $0 | (1 << UInt16($1 + 1)) }
        self.integerOnly = integerOnly
    }

    /// An integer, or a float or numeric string with an integer value (as Lua's own library takes them).
    public static let integer = ParameterType(
        name: "integer", phrase: "an integer", accepts: [LUA_TNUMBER], integerOnly: true)
    /// A number (a numeric string is converted, as Lua's own library does).
    public static let number = ParameterType(name: "number", phrase: "a number", accepts: [LUA_TNUMBER, LUA_TSTRING])
    public static let string = ParameterType(name: "string", phrase: "a string", accepts: [LUA_TSTRING])
    public static let boolean = ParameterType(name: "boolean", phrase: "a boolean", accepts: [LUA_TBOOLEAN])
    public static let table = ParameterType(name: "table", phrase: "a table", accepts: [LUA_TTABLE])
    public static let function = ParameterType(name: "function", phrase: "a function", accepts: [LUA_TFUNCTION])
    public static let any = ParameterType(
        name: "any", phrase: "a value",
        accepts: [LUA_TNIL, LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, LUA_TFUNCTION])

}

/// One parameter of a host function.
public struct Parameter: Hashable, Sendable {
    public let name: String
    public let type: ParameterType
    /// An optional parameter may be nil or left out.
    public let isOptional: Bool
    public let summary: String

    public init(_ name: String, _ type: ParameterType, optional: Bool = false, _ summary: String = "") {
        self.name = name
        self.type = type
        self.isOptional = optional
        self.summary = summary
    }
}
