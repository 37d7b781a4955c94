import Foundation

/// A semantic version, `1.4.0` or `2.0.0-beta.1` (build metadata after `+` is not taken).
public struct SemanticVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// The dot-separated identifiers after `-`: a pre-release sorts before its release.
    public var prerelease: [String]

    public init(_ major: Int, _ minor: Int, _ patch: Int, prerelease: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
    }

    /// Reads `MAJOR.MINOR.PATCH[-PRE]`; nil for anything else (`1.2`, `v1.2.0`, `01.2.0`).
    public init?(_ text: String) {
        guard text.utf8.count <= 64 else { return nil }
        let (core, pre) = Self.split(text)
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let numbers = Self.numbers(parts) else { return nil }
        guard let pre = pre.map(Self.identifiers) ?? [] else { return nil }
        self.init(numbers[0], numbers[1], numbers[2], prerelease: pre)
    }

    public var description: String {
        "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: "."))
    }

    public static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) {
            return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
        }
        // A release sorts after its pre-releases; pre-releases compare identifier by identifier.
        switch (a.prerelease.isEmpty, b.prerelease.isEmpty) {
        case (true, _): return false
        case (false, true): return true
        default: break
        }
        for (x, y) in zip(a.prerelease, b.prerelease) where x != y {
            switch (Int(x), Int(y)) {
            case (let i?, let j?): return i < j
            case (.some, nil): return true
            case (nil, .some): return false
            default: return x < y
            }
        }
        return a.prerelease.count < b.prerelease.count
    }

    /// `1.2.0-beta` → ("1.2.0", "beta"); build metadata after `+` is dropped.
    static func split(_ text: String) -> (Substring, Substring?) {
        let withoutBuild = text.split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard let dash = withoutBuild.firstIndex(of: "-") else { return (withoutBuild, nil) }
        return (withoutBuild[..<dash], withoutBuild[withoutBuild.index(after: dash)...])
    }

    /// Whole numbers without leading zeros, each at most 9 digits.
    static func numbers(_ parts: [Substring]) -> [Int]? {
        var numbers: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 9, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || !part.hasPrefix("0"), let n = Int(part)
            else { return nil }
            numbers.append(n)
        }
        return numbers
    }

    static func identifiers(_ text: Substring) -> [String]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || c == "-") }
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed) }) else { return nil }
        return parts.map(String.init)
    }
}

/// A range of versions a pack accepts: comparators joined by commas, all of which must
/// hold (`>=1.2, <2`), a caret (`^1.2`: from 1.2.0 up to the next major), a tilde (`~1.2`:
/// up to the next minor), an exact version (`1.2.3` or `=1.2.3`) or `*` (any). A version
/// with a pre-release only matches a range that names a pre-release of the same version.
public struct VersionRange: Hashable, Sendable, CustomStringConvertible {
    struct Bound: Hashable, Sendable {
        enum Relation: String, Sendable { case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=" }
        var relation: Relation
        var version: SemanticVersion

        func holds(for v: SemanticVersion) -> Bool {
            switch relation {
            case .less: v < version
            case .lessOrEqual: v <= version
            case .greater: v > version
            case .greaterOrEqual: v >= version
            }
        }
    }

    /// What the range was written as, for messages.
    public let text: String
    let bounds: [Bound]

    public var description: String { text }

    /// Reads a range; the error says what a range looks like.
    public init(_ text: String) throws(PackError) {
        self.text = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let invalid = PackError(
            "\(Self.quoted(text)) is not a version range: write one like \"^1.2\", \"~1.2.0\", \">=1.0, <2.0\", "
                + "\"1.2.3\" or \"*\"")
        guard !trimmed.isEmpty, text.utf8.count <= 200 else { throw invalid }
        guard trimmed != "*" else {
            bounds = []
            return
        }
        var bounds: [Bound] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let piece = part.trimmingCharacters(in: .whitespaces)
            guard let parsed = Self.bounds(of: piece) else { throw invalid }
            bounds += parsed
        }
        self.bounds = bounds
    }

    /// True when `version` is in the range.
    public func contains(_ version: SemanticVersion) -> Bool {
        if !version.prerelease.isEmpty {
            let core = SemanticVersion(version.major, version.minor, version.patch)
            let named = bounds.contains {
                !$0.version.prerelease.isEmpty
                    && SemanticVersion($0.version.major, $0.version.minor, $0.version.patch) == core
            }
            guard named else { return false }
        }
        return bounds.allSatisfy { $0.holds(for: version) }
    }

    /// `^1.2` → [>=1.2.0, <2.0.0]; `>=1.0` → [>=1.0.0]; nil when it is not a comparator.
    static func bounds(of piece: String) -> [Bound]? {
        for (prefix, relation) in [
            (">=", Bound.Relation.greaterOrEqual), ("<=", .lessOrEqual), (">", .greater), ("<", .less),
        ] where piece.hasPrefix(prefix) {
            guard let v = partial(piece.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)) else {
                return nil
            }
            return [Bound(relation: relation, version: v.version)]
        }
        if piece.hasPrefix("^") {
            guard let (low, given) = partial(String(piece.dropFirst())) else { return nil }
            // ^1.2.3 → <2.0.0; ^0.2.3 → <0.3.0; ^0.0.3 → <0.0.4 (as Cargo and npm do).
            let high: SemanticVersion =
                low.major > 0 || given == 1
                ? SemanticVersion(low.major + 1, 0, 0)
                : low.minor > 0 || given == 2
                    ? SemanticVersion(0, low.minor + 1, 0) : SemanticVersion(0, 0, low.patch + 1)
            return [Bound(relation: .greaterOrEqual, version: low), Bound(relation: .less, version: high)]
        }
        if piece.hasPrefix("~") {
            guard let (low, given) = partial(String(piece.dropFirst())) else { return nil }
            let high =
                given == 1 ? SemanticVersion(low.major + 1, 0, 0) : SemanticVersion(low.major, low.minor + 1, 0)
            return [Bound(relation: .greaterOrEqual, version: low), Bound(relation: .less, version: high)]
        }
        let exact = piece.hasPrefix("=") ? String(piece.dropFirst()) : piece
        guard let version = SemanticVersion(exact.trimmingCharacters(in: .whitespaces)) else { return nil }
        return [Bound(relation: .greaterOrEqual, version: version), Bound(relation: .lessOrEqual, version: version)]
    }

    /// `1`, `1.2` or `1.2.3[-pre]`, with how many numbers were given.
    static func partial(_ text: String) -> (version: SemanticVersion, given: Int)? {
        if let full = SemanticVersion(text) { return (full, 3) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let numbers = SemanticVersion.numbers(parts) else { return nil }
        return (SemanticVersion(numbers[0], numbers.count > 1 ? numbers[1] : 0, 0), parts.count)
    }

    static func quoted(_ text: String) -> String {
        let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
        return "\"" + shown.unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "?" }.joined() + "\""
    }
}
