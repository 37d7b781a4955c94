import Foundation
import KraftfeltLua

/// A Lua value a script keeps in storage: booleans, numbers, strings and tables of them.
///
/// It is written as compact JSON with one-letter tags, so that integers stay integers
/// (`3` and `3.0` differ in Lua) and strings that are not UTF-8 survive:
/// `{"b":true}`, `{"i":3}`, `{"f":2.5}`, `{"s":"text"}`, `{"x":"<base64 bytes>"}`,
/// `{"t":[…], "k":[[key, value], …]}`.
public struct StoredValue: Hashable, Sendable {
    public let value: LuaValue

    /// Checks that a Lua value can be stored: no functions, no NaN or infinity.
    public init(_ value: LuaValue) throws(StorageError) {
        try Self.check(value)
        self.value = value
    }

    init(trusted value: LuaValue) { self.value = value }

    private static func check(_ value: LuaValue) throws(StorageError) {
        switch value {
        case .nil, .boolean, .integer, .string: return
        case .number(let d):
            guard d.isFinite else {
                throw StorageError("cannot store \(d.isNaN ? "nan" : d < 0 ? "-inf" : "inf") (only finite numbers)")
            }
        case .function: throw StorageError("cannot store a function")
        case .table(let t):
            for element in t.array { try check(element) }
            for field in t.fields {
                try check(field.key)
                try check(field.value)
            }
        }
    }

    /// The stored form, as JSON text.
    public var json: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// A value from its stored form.
    public init(json: String) throws(StorageError) {
        guard let decoded = try? JSONDecoder().decode(StoredValue.self, from: Data(json.utf8)) else {
            throw StorageError("a stored value does not decode")
        }
        self = decoded
    }
}

extension StoredValue: Codable {
    private enum Tag: String, CodingKey { case b, i, f, s, x, t, k }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Tag.self)
        switch value {
        case .nil, .function: break
        case .boolean(let b): try container.encode(b, forKey: .b)
        case .integer(let i): try container.encode(i, forKey: .i)
        case .number(let d): try container.encode(d, forKey: .f)
        case .string(let s):
            if let text = s.text {
                try container.encode(text, forKey: .s)
            } else {
                try container.encode(Data(s.bytes).base64EncodedString(), forKey: .x)
            }
        case .table(let t):
            try container.encode(t.array.map(StoredValue.init(trusted:)), forKey: .t)
            try container.encode(
                t.fields.map { [StoredValue(trusted: $0.key), StoredValue(trusted: $0.value)] }, forKey: .k)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Tag.self)
        if let b = try container.decodeIfPresent(Bool.self, forKey: .b) {
            value = .boolean(b)
        } else if let i = try container.decodeIfPresent(Int64.self, forKey: .i) {
            value = .integer(i)
        } else if let d = try container.decodeIfPresent(Double.self, forKey: .f) {
            value = .number(d)
        } else if let s = try container.decodeIfPresent(String.self, forKey: .s) {
            value = .string(s)
        } else if let x = try container.decodeIfPresent(String.self, forKey: .x) {
            guard let data = Data(base64Encoded: x) else {
                throw DecodingError.dataCorruptedError(forKey: .x, in: container, debugDescription: "not base64")
            }
            value = .string(LuaString(bytes: Array(data)))
        } else if container.contains(.t) || container.contains(.k) {
            let array = try container.decodeIfPresent([StoredValue].self, forKey: .t) ?? []
            let pairs = try container.decodeIfPresent([[StoredValue]].self, forKey: .k) ?? []
            var fields: [LuaTable.Field] = []
            for pair in pairs {
                guard pair.count == 2 else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .k, in: container, debugDescription: "a field is a [key, value] pair")
                }
                fields.append(LuaTable.Field(pair[0].value, pair[1].value))
            }
            value = .table(LuaTable(array: array.map(\.value), fields: fields))
        } else {
            value = .nil
        }
    }
}

/// Where a script keeps a value: this session, one person, this exercise, or the whole
/// organisation. Everything but `session` outlives the session and is shared with other
/// sessions of the same organisation.
public enum StorageScope: Codable, Hashable, Sendable, CustomStringConvertible {
    case session
    /// One participant, by id: what they wrote last month comes back this month.
    case participant(String)
    /// Every session of one exercise, by exercise id.
    case exercise(String)
    case organisation

    /// The scope's kind and owner as the store files them: (`participant`, `p12`).
    public var kind: String {
        switch self {
        case .session: "session"
        case .participant: "participant"
        case .exercise: "exercise"
        case .organisation: "organisation"
        }
    }

    /// The id the scope belongs to, within its kind (empty for the organisation; the
    /// session's id is the store's to fill in).
    public var owner: String {
        switch self {
        case .session, .organisation: ""
        case .participant(let id), .exercise(let id): id
        }
    }

    public var description: String { owner.isEmpty ? kind : "\(kind) \(owner)" }
}

/// A script's write to storage, as it is logged. `value` nil forgets the key; with
/// `add`, `value` is a number added to what the key holds (in the store, atomically, so
/// that sessions counting at the same time lose nothing).
public struct StorageWrite: Codable, Hashable, Sendable {
    public var scope: StorageScope
    public var key: String
    public var value: StoredValue?
    /// True for `s:add`: `value` is added to the number kept.
    public var add: Bool?
    /// Why the store refused the write (the scope was full, the key holds no number), so
    /// that a replay refuses it the same way; nil when it was written.
    public var refused: String?

    public init(scope: StorageScope, key: String, value: StoredValue?, add: Bool? = nil, refused: String? = nil) {
        self.scope = scope
        self.key = key
        self.value = value
        self.add = add
        self.refused = refused
    }

    /// Bytes an entry takes against its scope's total: key plus stored value.
    public static func size(key: String, _ value: StoredValue?) -> Int {
        key.utf8.count + (value?.json.utf8.count ?? 0)
    }

    /// Bytes the write takes in the log.
    public var size: Int { Self.size(key: key, value) }

    /// What the key holds after this write, given what it held.
    /// - Throws: ``StorageError`` when an addition meets something that is not a number.
    public func result(after old: StoredValue?) throws(StorageError) -> StoredValue? {
        guard add == true, let amount = value?.value else { return value }
        let sum: LuaValue
        switch (old?.value ?? .integer(0), amount) {
        case (.integer(let a), .integer(let b)):
            let (total, overflow) = a.addingReportingOverflow(b)
            sum = overflow ? .number(Double(a) + Double(b)) : .integer(total)
        case (.integer(let a), .number(let b)): sum = .number(Double(a) + b)
        case (.number(let a), .integer(let b)): sum = .number(a + Double(b))
        case (.number(let a), .number(let b)): sum = .number(a + b)
        case (let held, _):
            throw StorageError("cannot add to \"\(key)\": it holds a \(held.typeName), not a number")
        }
        return try StoredValue(sum)
    }
}

/// What a script read from a scope shared with other sessions, as it is logged: a
/// replay reads it from here, not from a store that may have changed since.
public struct StorageRead: Codable, Hashable, Sendable {
    public var scope: StorageScope
    public var key: String
    public var value: StoredValue?
    /// Why the read was refused (the session's storage budget was spent by its bytes,
    /// which only the value read could tell), so that a replay refuses it the same way.
    public var refused: String?

    public init(scope: StorageScope, key: String, value: StoredValue?, refused: String? = nil) {
        self.scope = scope
        self.key = key
        self.value = value
        self.refused = refused
    }
}

/// The limits on script storage. Keys and values are checked by the engine; the total
/// per scope by the log, which knows what the scope already holds.
public enum StorageLimits {
    /// Bytes in a key.
    public static let keyBytes = 128
    /// Bytes in one stored value, in its stored form.
    public static let valueBytes = 64 * 1024
    /// Bytes of keys and values in one scope (one session, one person, one exercise, or
    /// the organisation).
    public static let scopeBytes = 1024 * 1024

    /// Storage reads and writes one session may log, and their bytes: a script that reads
    /// in a loop cannot grow the log without end.
    public static let sessionEvents = 10_000
    public static let sessionBytes = 16 * 1024 * 1024

    /// The refusal when a write would take a scope past ``scopeBytes``.
    public static func full(_ scope: StorageScope, holding: Int, adding: Int) -> StorageError {
        StorageError(
            "the \(scope.kind) storage is full: it holds \(holding) bytes, and this would make it "
                + "\(holding + adding) (the limit is \(scopeBytes))")
    }
}

/// A storage request the engine or the store refuses; the script sees the message.
public struct StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
