/// A Lua string: a byte string that may hold any bytes, NUL and invalid UTF-8 included.
public struct LuaString: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible, Comparable {
    /// The bytes, exactly as Lua holds them.
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public init(stringLiteral value: String) { self.init(value) }

    /// The text, if the bytes are valid UTF-8.
    public var text: String? { String(validating: bytes, as: UTF8.self) }

    /// The text, with invalid UTF-8 replaced by U+FFFD.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    public static func < (lhs: LuaString, rhs: LuaString) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}
