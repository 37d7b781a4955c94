import Foundation
import Testing

@testable import KraftfeltEngine

/// Other well-known structures, written as short scripts in `Examples/`.
struct StructuresTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Examples").standardizedFileURL

    static func source(_ name: String) throws -> ExerciseSource {
        ExerciseSource(
            fileName: name, text: try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8))
    }

    @Test(arguments: ["impromptu-networking.lua", "troika-consulting.lua"])
    func theExampleRehearsesAndReplays(_ name: String) throws {
        let definition = SessionDefinition(main: try Self.source(name), seed: 5)
        let log = MemoryLog()
        let session = try Rehearsal(definition: definition, participants: 15, areas: 3, log: log)
            .run(exercise: String(name.dropLast(4)))
        #expect(session.state == .finished, "\(session.failure ?? "")")
        let replayed = try Session(definition: definition)
        try replayed.replay(log.events)
        #expect(replayed.transcript == session.transcript)
        #expect(try Self.source(name).text.split(separator: "\n").count < 40)
    }

    @Test func impromptuRoundsNeverRepeatAPair() throws {
        let definition = SessionDefinition(main: try Self.source("impromptu-networking.lua"), seed: 9)
        let session = try Rehearsal(definition: definition, participants: 12, areas: 3)
            .run(exercise: "impromptu-networking", parameters: ["rounds": "5"])
        let rounds = session.transcript.lines.drop { !$0.contains("5 rounds of pairs") }.dropFirst().prefix(5)
        #expect(rounds.count == 5)
        var met: Set<Set<String>> = []
        for line in rounds {
            let pairs = line.split(separator: ":", maxSplits: 1)[1].split(separator: ",")
            for pair in pairs {
                let names = Set(pair.split(separator: "+").map { $0.trimmingCharacters(in: .whitespaces) })
                #expect(names.count == 2, "\(line)")
                #expect(!met.contains(names), "\(names) met twice")
                met.insert(names)
            }
        }
    }

    @Test func troikaGivesEveryoneTheClientRoleOnce() throws {
        let definition = SessionDefinition(main: try Self.source("troika-consulting.lua"), seed: 2)
        let session = try Rehearsal(definition: definition, participants: 9, areas: 3)
            .run(exercise: "troika-consulting")
        let listeners = session.transcript.lines.filter { $0.contains("timer 6m: Konsulenterne taler, ") }
            .map { $0.components(separatedBy: "taler, ")[1] }
        #expect(listeners.count == 9)
        #expect(Set(listeners).count == 9)
    }
}

struct ParameterTests {
    static let script = """
        return kf.exercise { id = "x", title = { da = "X", en = "X" }, minutes = 5,
          parameters = { rounds = { type = "integer", default = 3 }, talk = { type = "duration", default = "4m" } },
          run = function(s) s:show(s.params.rounds .. " " .. s.params.talk) end }
        """

    func run(_ script: String, _ parameters: [String: String] = [:]) throws -> Session {
        let definition = SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: script), seed: 1)
        let session = try Session(definition: definition)
        try session.submit(definition.startEvent(exercise: "x", parameters: parameters))
        if session.state == .running { try session.submit(.trainer(.advance, at: 0)) }
        return session
    }

    @Test func defaultsAndGivenValues() throws {
        #expect(try run(Self.script).transcript.lines.contains("[00:00] show: 3 4m"))
        #expect(try run(Self.script, ["rounds": "5", "talk": "90s"]).transcript.lines.contains("[00:00] show: 5 90s"))
    }

    @Test func aBadValueFailsTheSessionWithTheParameterNamed() throws {
        #expect(
            try run(Self.script, ["rounds": "many"]).failure == "x: parameter 'rounds' must be an integer, got \"many\""
        )
        #expect(
            try run(Self.script, ["talk": "soon"]).failure
                == "x: parameter 'talk' must be a duration like \"3m\", got \"soon\"")
    }

    static let badDeclarations: [(String, String)] = [
        (
            "parameters = { rounds = { type = 'count', default = 3 } }",
            "x.lua:1: kf.exercise: parameter 'rounds': 'type' must be one of integer, number, string, boolean, duration, got \"count\""
        ),
        (
            "parameters = { rounds = { type = 'integer', default = 'x' } }",
            "x.lua:1: kf.exercise: parameter 'rounds': 'default' must be an integer, got \"x\""
        ),
        (
            "parameters = { 1, 2 }",
            "x.lua:1: kf.exercise: 'parameters' must be a table like { rounds = { type = \"integer\", default = 3 } }"
        ),
        (
            "parameters = { rounds = { type = 'integer', defualt = 3 } }",
            "x.lua:1: kf.exercise: parameter 'rounds': 'defualt' is not a parameter field: did you mean 'default'? (the parameter fields are type, default)"
        ),
        (
            "paramters = { }",
            "x.lua:1: kf.exercise: 'paramters' is not an exercise field: did you mean 'parameters'? (the exercise fields are id, title, summary, minutes, run, version, parameters, attributes, indicators)"
        ),
        (
            "attributes = 'role'",
            "x.lua:1: kf.exercise: 'attributes' must be a list of the participant attributes it needs, like { \"role\" }"
        ),
    ]

    @Test(arguments: badDeclarations)
    func badDeclarationsAreRefused(_ field: String, _ expected: String) throws {
        let script =
            "return kf.exercise { id = 'x', title = { da = 'X', en = 'X' }, minutes = 5, run = print, \(field) }"
        #expect(try run(script).failure == expected)
    }

    @Test func theJoinCodeIsShortUnambiguousAndFollowsTheSeed() throws {
        let a = try run(Self.script).joinCode
        #expect(a.count == 6)
        #expect(a.allSatisfy { "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".contains($0) })
        #expect(try run(Self.script).joinCode == a)
    }
}
