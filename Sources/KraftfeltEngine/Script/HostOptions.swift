import KraftfeltLua

/// One option of a table a host call takes, like `size` of `s:groups { size = "3" }`.
public struct HostOption: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case string, integer, number, boolean, duration, text, table, function, any
    }

    public let name: String
    public let kind: Kind
    public let summary: String

    public init(_ name: String, _ kind: Kind, _ summary: String) {
        self.name = name
        self.kind = kind
        self.summary = summary
    }
}

/// A table of named options a host call takes: the one list the engine checks calls
/// against, `kraftfelt check` checks scripts against, and the editor definitions describe.
public struct HostOptionTable: Sendable {
    /// The name editor definitions give the table's type, like `GroupOptions`.
    public let typeName: String
    /// The calls that take it, like `["groups"]` for `s:groups`.
    public let functions: [String]
    /// Which argument it is, counted without `self` (1 for `s:groups(options)`).
    public let argument: Int
    /// What the table is called in messages: "an option", "a question field".
    public let what: String
    public let options: [HostOption]

    public var names: [String] { options.map(\.name) }

    public func option(_ name: String) -> HostOption? { options.first { $0.name == name } }
}

extension HostOptionTable {
    /// Refuses names the table does not have, naming the likely one: a typo would
    /// otherwise be ignored. `ignoring` names fields the host adds itself.
    func check(_ given: LuaTable, ignoring: Set<String> = []) throws(HostError) {
        let known = names.joined(separator: ", ")
        let plural = what.split(separator: " ").dropFirst().joined(separator: " ") + "s"
        guard given.array.isEmpty else {
            throw HostError(
                "the \(plural) must be named, like { \(names.first ?? "name") = … } (the \(plural) are \(known))")
        }
        for field in given.fields {
            if let name = field.key.text, names.contains(name) || ignoring.contains(name) { continue }
            let key = field.key.text.map { "'\($0)'" } ?? describe(field.key)
            let guess = field.key.text.flatMap { HostOptions.nearest($0, in: names) }.map { ": did you mean '\($0)'?" }
            throw HostError("\(key) is not \(what)\(guess ?? "") (the \(plural) are \(known))")
        }
    }
}

public enum HostOptions {
    public static let groups = HostOptionTable(
        typeName: "GroupOptions", functions: ["groups"], argument: 1, what: "an option",
        options: [
            HostOption("size", .any, "\"2-4\" (default) or a number of people, up to 50"),
            HostOption("mix", .string, "\"areas\" (default), \"same-area\" or \"random\""),
            HostOption("avoid_repeats", .boolean, "keep apart people who were together before (default true)"),
            HostOption("target", .integer, "the size to aim for within `size`"),
            HostOption("min", .integer, "the fewest people a group may shrink to before they join others (default 2)"),
            HostOption(
                "from", .table, "a group (g, or one of s:groups) or a list of people to split; default: the room"),
        ])

    public static let match = HostOptionTable(
        typeName: "MatchOptions", functions: ["match"], argument: 2, what: "an option",
        options: [HostOption("helper", .string, "\"other-area\" (default) or \"anyone\"")])

    public static let rotations = HostOptionTable(
        typeName: "RotationOptions", functions: ["rotations"], argument: 1, what: "an option",
        options: [HostOption("rounds", .integer, "1 to 50 rounds (default 3)")])

    public static let role = HostOptionTable(
        typeName: "RoleOptions", functions: ["set_role"], argument: 3, what: "an option",
        options: [HostOption("listen_only", .boolean, "asked nothing while the role lasts")])

    public static let turns = HostOptionTable(
        typeName: "TurnOptions", functions: ["turns"], argument: 1, what: "an option",
        options: [
            HostOption("focus", .text, "the role of the person with the turn: text or { da, en }"),
            HostOption("others", .text, "the role of the others here: text or { da, en }"),
        ])

    public static let question = HostOptionTable(
        typeName: "Question", functions: ["ask"], argument: 2, what: "a question field",
        options: [
            HostOption("da", .string, "the question in Danish"),
            HostOption("en", .string, "the question in English"),
            HostOption(
                "kind", .string, "text (default), choice, choices, scale, number, person, rank, vote or list"),
            HostOption("options", .table, "for choice, choices, rank and vote: a list, or { da = { … }, en = { … } }"),
            HostOption("min", .number, "the lowest answer of a scale (default 1) or number; a list's fewest items (1)"),
            HostOption("max", .number, "the highest answer of a scale (default 5) or number; a list's most items (10)"),
            HostOption("scale", .integer, "the highest point of a scale, as `max`"),
            HostOption("time", .duration, "how long the question is open, like \"3m\""),
            HostOption("bot_answers", .table, "sample text answers (a list's items) for rehearsals"),
            HostOption(
                "together", .boolean, "one answer for all asked (a group's): the first counts, and the others see it"),
        ])

    public static let chart = HostOptionTable(
        typeName: "Chart", functions: ["show"], argument: 1, what: "a chart field",
        options: [
            HostOption("chart", .string, "\"distribution\", \"counts\", \"before_after\" or \"ties\""),
            HostOption("answers", .table, "what s:ask returned"),
            HostOption("values", .table, "a list of numbers or texts, instead of answers"),
            HostOption("min", .integer, "a distribution's lowest point"),
            HostOption("max", .integer, "a distribution's highest point"),
            HostOption("options", .table, "the options of a counts chart, in their order"),
            HostOption("before", .number, "before_after: the number before"),
            HostOption("after", .number, "before_after: the number after"),
            HostOption("labels", .table, "before_after: the two bars' labels"),
            HostOption("pairs", .table, "ties: what s:match returned"),
            HostOption("title", .text, "text or { da, en }"),
        ])

    public static let exercise = HostOptionTable(
        typeName: "Exercise", functions: ["exercise"], argument: 1, what: "an exercise field",
        options: [
            HostOption("id", .string, "lowercase letters, digits and dashes, like \"summegrupper\""),
            HostOption("title", .table, "{ da = \"…\", en = \"…\" }"),
            HostOption("summary", .text, "text or { da, en }"),
            HostOption("minutes", .number, "how long it takes"),
            HostOption("run", .function, "function(s) … end"),
            HostOption("version", .any, "the exercise's version"),
            HostOption("parameters", .table, "{ rounds = { type = \"integer\", default = 3 } }"),
            HostOption("attributes", .table, "the attributes a person can be asked for when joining"),
            HostOption(
                "indicators", .table, "what it measures: { { id = \"energy\", label = { da, en }, kind = \"scale\" } }"),
        ])

    public static let indicator = HostOptionTable(
        typeName: "IndicatorSpec", functions: [], argument: 0, what: "an indicator field",
        options: [
            HostOption("id", .string, "lowercase letters, digits and '_', like \"energy\""),
            HostOption("label", .text, "the question or name: text or { da, en }"),
            HostOption("kind", .string, "scale, count, number, yes-no, text or tie"),
            HostOption("min", .integer, "a scale's lowest value (default 1)"),
            HostOption("max", .integer, "a scale's highest value (default 5)"),
            HostOption("low", .text, "a scale's label for its lowest value"),
            HostOption("high", .text, "a scale's label for its highest value"),
        ])

    public static let followUp = HostOptionTable(
        typeName: "FollowUpRequest", functions: ["follow_up"], argument: 1, what: "a field",
        options: [
            HostOption("indicators", .table, "the indicator ids to ask, like { \"experienced_effect\" }"),
            HostOption("days", .integer, "how long a code works (default 42, at most 366)"),
        ])

    public static let measure = HostOptionTable(
        typeName: "MeasureAbout", functions: ["measure"], argument: 3, what: "an option",
        options: [
            HostOption("person", .any, "the person it is about"),
            HostOption("group", .table, "the group it is about (a list of people)"),
            HostOption("tags", .table, "{ \"before\" }, { \"after\" }, { \"follow-up\" } or words of your own"),
        ])

    public static let parameter = HostOptionTable(
        typeName: "ParameterSpec", functions: [], argument: 0, what: "a parameter field",
        options: [
            HostOption("type", .string, "integer, number, string, boolean or duration"),
            HostOption("default", .any, "the value when the session does not give one"),
        ])

    /// Every table, in the order the reference lists them.
    public static let all: [HostOptionTable] = [
        groups, match, rotations, role, turns, question, chart, exercise, parameter, indicator, measure, followUp,
    ]

    /// The name closest to `name` when it is a likely misspelling of one (one begins with
    /// the other, or an edit distance of at most a third of its length, at least 2), or nil.
    public static func nearest(_ name: String, in names: [String]) -> String? {
        let lower = name.lowercased()
        if lower.count >= 3, let prefixed = names.first(where: { $0.hasPrefix(lower) || lower.hasPrefix($0) }) {
            return prefixed
        }
        let word = Array(lower)
        var best: (name: String, distance: Int)? = nil
        for candidate in names {
            let distance = editDistance(word, Array(candidate.lowercased()))
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(2, best.name.count / 3), best.distance < best.name.count else {
            return nil
        }
        return best.name
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and
    /// swaps of two neighbours each count 1.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard a.count <= 64, b.count <= 64 else { return Int.max }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var row = [i + 1] + [Int](repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                row[j + 1] = min(previous[j + 1] + 1, row[j] + 1, previous[j] + (x == y ? 0 : 1))
                if i > 0, j > 0, x == b[j - 1], a[i - 1] == y { row[j + 1] = min(row[j + 1], before[j - 1] + 1) }
            }
            before = previous
            previous = row
        }
        return previous[b.count]
    }
}
