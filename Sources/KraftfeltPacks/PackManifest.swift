import Foundation
import KraftfeltEngine
import TOMLKit

/// A mistake in a pack: its manifest, its files or what it depends on. The message names
/// the file (and line, for syntax) and what is expected.
public struct PackError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What a pack's scripts may do beyond running exercises (the engine enforces it).
public typealias PackPermission = ScriptPermission

/// An indicator a pack provides: a measure its exercises record, named for reports.
public struct PackIndicator: Hashable, Sendable {
    public var id: String
    public var name: [String: String]
    /// What values it takes (`kind = "scale"`, with `min`, `max`, `low`, `high`); a number
    /// when the manifest does not say.
    public var kind: Indicator.Kind = .number
    public var min: Int?
    public var max: Int?
    public var low: [String: String]?
    public var high: [String: String]?

    /// The indicator as sessions know it.
    public var indicator: Indicator {
        Indicator(id: id, label: name, kind: kind, min: min, max: max, low: low, high: high)
    }
}

/// A pack's resource limits, within the host's (each nil: the host's default).
public struct PackLimits: Hashable, Sendable {
    public var memoryMiB: Int?
    public var seconds: Double?
    public var instructions: Int64?
}

/// `kraftfelt-pack.toml`: what a pack is, what it needs and what it provides. It is data,
/// read with a TOML parser and never run.
public struct PackManifest: Hashable, Sendable {
    public static let fileName = "kraftfelt-pack.toml"
    /// The version of the Lua API this host offers packs (`api = "^1.0"` in a manifest).
    public static let hostAPI = SemanticVersion(1, 0, 0)

    public var id: String
    public var version: SemanticVersion
    public var name: [String: String]
    public var summary: [String: String]
    public var authors: [String]
    public var licence: String
    public var api: VersionRange
    public var exercises: [String]
    public var indicators: [PackIndicator]
    public var permissions: Set<PackPermission>
    public var dependencies: [String: VersionRange]
    public var optionalDependencies: [String: VersionRange]
    public var incompatible: [String: VersionRange]
    public var limits: PackLimits
    /// The modules other packs that depend on this one may `require`, by their name in
    /// the pack (`"rounds"` for `rounds.lua`; the other pack writes
    /// `require "org.liberatingstructures.core.rounds"`).
    public var exports: [String]

    static let fields = [
        "id", "version", "name", "summary", "authors", "licence", "api", "exercises", "exports", "indicators",
        "permissions", "dependencies", "optional-dependencies", "incompatible", "limits",
    ]
    static let limitFields = ["memory_mib", "seconds", "instructions"]

    /// Reads a manifest. Every mistake is a `PackError` that starts with `file`: a syntax
    /// error with its line and column, a field by its name.
    public static func parse(_ text: String, file: String = fileName) throws(PackError) -> PackManifest {
        guard text.utf8.count <= 256 * 1024 else {
            throw PackError("\(file): the manifest has \(text.utf8.count) bytes; at most 262144")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw PackError("\(file):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        } catch {
            throw PackError("\(file): \(error)")
        }
        let reader = Reader(file: file)
        try reader.known(table.keys, Self.fields, in: "a manifest field")
        let id = try reader.packID(table["id"], "id")
        guard let versionText = table["version"]?.string else { throw reader.missingOrWrong("version", "a text") }
        guard let version = SemanticVersion(versionText) else {
            throw PackError(
                "\(file): 'version' must be a semantic version like \"1.0.0\", got \(VersionRange.quoted(versionText))")
        }
        let name = try reader.translated(table["name"], "name", required: true)
        let summary = try reader.translated(table["summary"], "summary", required: false)
        let authors = try reader.texts(table["authors"], "authors", required: true)
        guard !authors.isEmpty else { throw PackError("\(file): 'authors' must name at least one author") }
        guard let licence = table["licence"]?.string, !licence.isEmpty, licence.utf8.count <= 100 else {
            throw reader.missingOrWrong("licence", "a text of 1 to 100 bytes, like \"CC-BY-4.0\"")
        }
        guard let apiText = table["api"]?.string else { throw reader.missingOrWrong("api", "a version range") }
        let api = try reader.range(apiText, "api")
        guard api.contains(hostAPI) else {
            throw PackError("\(file): the pack needs the host API \(apiText); this Kraftfelt offers \(hostAPI)")
        }
        let exercises = try reader.texts(table["exercises"], "exercises", required: true)
        for path in exercises { try reader.relativePath(path, "exercises") }
        let exports = try reader.texts(table["exports"], "exports", required: false)
        for name in exports where !isModuleName(name) {
            throw PackError(
                "\(file): 'exports' names modules by their name in the pack, like \"rounds\" for rounds.lua, got "
                    + VersionRange.quoted(name))
        }
        let permissions = try reader.permissions(table["permissions"])
        let dependencies = try reader.dependencies(table["dependencies"], "dependencies", of: id)
        let optional = try reader.dependencies(table["optional-dependencies"], "optional-dependencies", of: id)
        let incompatible = try reader.dependencies(table["incompatible"], "incompatible", of: id)
        for (other, _) in dependencies where incompatible[other] != nil {
            throw PackError("\(file): \(other) is both a dependency and incompatible")
        }
        return PackManifest(
            id: id, version: version, name: name, summary: summary, authors: authors, licence: licence, api: api,
            exercises: exercises, indicators: try reader.indicators(table["indicators"]), permissions: permissions,
            dependencies: dependencies, optionalDependencies: optional, incompatible: incompatible,
            limits: try reader.limits(table["limits"]), exports: exports)
    }

    /// A module's name in its pack: letters, digits, `-` and `_` (a file's name without `.lua`).
    static func isModuleName(_ name: String) -> Bool {
        name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
            }
    }

    /// `dk.kommune.netvaerk`: two or more parts of lowercase letters, digits and `-`.
    public static func isPackID(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let allowed = { (c: Character) in c.isASCII && (c.isLowercase || c.isNumber || c == "-") }
        return text.utf8.count <= 100 && parts.count >= 2
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(allowed) && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
    }
}

/// Reads a manifest's fields, with the file name in every error.
struct Reader {
    let file: String

    func missingOrWrong(_ field: String, _ expected: String) -> PackError {
        PackError("\(file): '\(field)' must be \(expected)")
    }

    /// Refuses fields it does not know, with the nearest known name.
    func known(_ keys: [String], _ names: [String], in what: String, prefix: String = "", plural: String = "fields")
        throws(PackError)
    {
        for key in keys where !names.contains(key) {
            let guess = HostOptions.nearest(key, in: names).map { ": did you mean '\($0)'?" } ?? ""
            throw PackError(
                "\(file): '\(prefix)\(key)' is not \(what)\(guess) (the \(plural) are \(names.joined(separator: ", ")))"
            )
        }
    }

    func packID(_ value: TOMLValueConvertible?, _ field: String) throws(PackError) -> String {
        guard let text = value?.string else { throw missingOrWrong(field, "a pack id like \"dk.kommune.netvaerk\"") }
        guard PackManifest.isPackID(text) else {
            throw PackError(
                "\(file): '\(field)' must be a pack id like \"dk.kommune.netvaerk\" (two or more parts of lowercase "
                    + "letters, digits and '-', joined by dots), got \(VersionRange.quoted(text))")
        }
        return text
    }

    /// `{ da = "…", en = "…" }`, both given, each 1 to 200 bytes.
    func translated(_ value: TOMLValueConvertible?, _ field: String, required: Bool) throws(PackError)
        -> [String: String]
    {
        guard let value else {
            if required { throw missingOrWrong(field, "a table with 'da' and 'en', like { da = \"…\", en = \"…\" }") }
            return [:]
        }
        guard let table = value.table else {
            throw missingOrWrong(field, "a table with 'da' and 'en', like { da = \"…\", en = \"…\" }")
        }
        try known(table.keys, ["da", "en"], in: "a language of '\(field)'", prefix: "\(field).", plural: "languages")
        var texts: [String: String] = [:]
        for language in ["da", "en"] {
            guard let text = table[language]?.string, !text.isEmpty, text.utf8.count <= 200 else {
                throw PackError("\(file): '\(field).\(language)' must be a text of 1 to 200 bytes")
            }
            texts[language] = text
        }
        return texts
    }

    func texts(_ value: TOMLValueConvertible?, _ field: String, required: Bool) throws(PackError) -> [String] {
        guard let value else {
            if required { throw missingOrWrong(field, "a list of texts") }
            return []
        }
        guard let array = value.array, array.count <= 1000 else {
            throw missingOrWrong(field, "a list of at most 1000 texts")
        }
        var texts: [String] = []
        for (offset, item) in array.enumerated() {
            guard let text = item.string, !text.isEmpty, text.utf8.count <= 200 else {
                throw PackError("\(file): item \(offset + 1) of '\(field)' must be a text of 1 to 200 bytes")
            }
            guard !texts.contains(text) else {
                throw PackError("\(file): '\(field)' names \(VersionRange.quoted(text)) twice")
            }
            texts.append(text)
        }
        return texts
    }

    /// A path inside the pack: relative, with no `..`, no empty part and no backslash.
    func relativePath(_ path: String, _ field: String) throws(PackError) {
        guard PackArchive.isInside(path) else {
            throw PackError(
                "\(file): '\(field)' must name files inside the pack, like \"exercises/1-2-4-all.lua\", got "
                    + VersionRange.quoted(path))
        }
        guard path.hasSuffix(".lua") else {
            throw PackError("\(file): '\(field)' names Lua files, got \(VersionRange.quoted(path))")
        }
    }

    func range(_ text: String, _ field: String) throws(PackError) -> VersionRange {
        do { return try VersionRange(text) } catch { throw PackError("\(file): '\(field)': \(error.message)") }
    }

    func permissions(_ value: TOMLValueConvertible?) throws(PackError) -> Set<PackPermission> {
        let names = PackPermission.allCases.map(\.rawValue)
        var permissions: Set<PackPermission> = []
        for name in try texts(value, "permissions", required: false) {
            guard let permission = PackPermission(rawValue: name) else {
                let guess = HostOptions.nearest(name, in: names).map { ": did you mean '\($0)'?" } ?? ""
                throw PackError(
                    "\(file): \(VersionRange.quoted(name)) is not a permission\(guess) (the permissions are "
                        + "\(names.joined(separator: ", ")))")
            }
            permissions.insert(permission)
        }
        return permissions
    }

    /// `[dependencies]` and the like: pack ids to version ranges.
    func dependencies(_ value: TOMLValueConvertible?, _ field: String, of id: String) throws(PackError)
        -> [String: VersionRange]
    {
        guard let value else { return [:] }
        guard let table = value.table else {
            throw missingOrWrong(
                field, "a table of pack ids and version ranges, like { \"org.example.pack\" = \"^1.0\" }")
        }
        var ranges: [String: VersionRange] = [:]
        for key in table.keys {
            guard PackManifest.isPackID(key) else {
                throw PackError(
                    "\(file): \(VersionRange.quoted(key)) in '\(field)' is not a pack id like \"dk.kommune.netvaerk\"")
            }
            guard key != id else { throw PackError("\(file): the pack names itself in '\(field)'") }
            guard let text = table[key]?.string else {
                throw PackError("\(file): '\(field).\(key)' must be a version range like \"^1.0\"")
            }
            ranges[key] = try range(text, "\(field).\(key)")
        }
        return ranges
    }

    func indicators(_ value: TOMLValueConvertible?) throws(PackError) -> [PackIndicator] {
        guard let value else { return [] }
        guard let array = value.array, array.count <= 100 else {
            throw missingOrWrong("indicators", "a list of at most 100 tables, like [[indicators]] with id and name")
        }
        var indicators: [PackIndicator] = []
        for (offset, item) in array.enumerated() {
            guard let table = item.table else {
                throw PackError("\(file): indicator \(offset + 1) must be a table with 'id' and 'name'")
            }
            try known(
                table.keys, ["id", "name", "kind", "min", "max", "low", "high"], in: "a field of an indicator",
                prefix: "indicators.")
            guard let id = table["id"]?.string, !id.isEmpty, id.utf8.count <= 64,
                id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
            else {
                throw PackError(
                    "\(file): indicator \(offset + 1)'s 'id' must be lowercase letters, digits and '_', like "
                        + "\"area_bridges\"")
            }
            guard !indicators.contains(where: { $0.id == id }) else {
                throw PackError("\(file): the indicator \"\(id)\" is given twice")
            }
            guard Indicator.host[id] == nil else {
                throw PackError(
                    "\(file): the indicator \"\(id)\" is one of the host's: measure it without declaring it, or choose another id"
                )
            }
            var indicator = PackIndicator(
                id: id, name: try translated(table["name"], "indicators.name", required: true))
            if let kind = table["kind"] {
                guard let text = kind.string, let known = Indicator.Kind(rawValue: text) else {
                    throw PackError(
                        "\(file): indicator \(id)'s 'kind' must be one of "
                            + Indicator.Kind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                indicator.kind = known
            }
            if indicator.kind == .scale {
                let low = table["min"].map { $0.int } ?? 1
                let high = table["max"].map { $0.int } ?? 5
                guard let low, let high, low >= 0, high <= 10, high > low else {
                    throw PackError(
                        "\(file): indicator \(id)'s 'min' and 'max' must be whole numbers from 0 to 10, min below max")
                }
                indicator.min = low
                indicator.max = high
                indicator.low =
                    table["low"] == nil
                    ? ["da": "Lidt", "en": "Little"] : try translated(table["low"], "indicators.low", required: true)
                indicator.high =
                    table["high"] == nil
                    ? ["da": "Meget", "en": "Much"] : try translated(table["high"], "indicators.high", required: true)
            } else if let field = ["min", "max", "low", "high"].first(where: { table[$0] != nil }) {
                throw PackError("\(file): indicator \(id)'s '\(field)' belongs to a scale")
            }
            indicators.append(indicator)
        }
        return indicators
    }

    func limits(_ value: TOMLValueConvertible?) throws(PackError) -> PackLimits {
        guard let value else { return PackLimits() }
        guard let table = value.table else { throw missingOrWrong("limits", "a table, like [limits]") }
        try known(table.keys, PackManifest.limitFields, in: "a limit", prefix: "limits.", plural: "limits")
        var limits = PackLimits()
        if let memory = table["memory_mib"] {
            guard let n = memory.int, (1...1024).contains(n) else {
                throw PackError("\(file): 'limits.memory_mib' must be a whole number from 1 to 1024")
            }
            limits.memoryMiB = n
        }
        if let seconds = table["seconds"] {
            guard let s = seconds.double ?? seconds.int.map(Double.init), s > 0, s <= 30 else {
                throw PackError("\(file): 'limits.seconds' must be more than 0 and at most 30")
            }
            limits.seconds = s
        }
        if let instructions = table["instructions"] {
            guard let n = instructions.int, n >= 1_000, n <= 10_000_000_000 else {
                throw PackError("\(file): 'limits.instructions' must be a whole number from 1000 to 10000000000")
            }
            limits.instructions = Int64(n)
        }
        return limits
    }
}
