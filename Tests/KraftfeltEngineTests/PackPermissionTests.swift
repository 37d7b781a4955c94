import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// A pack's scripts may measure, keep organisation storage and follow people up only when
/// the pack asked for it; scripts that are not from a pack may do all of it.
struct PackPermissionTests {
    static func pack(_ permissions: Set<ScriptPermission> = [], trusted: Bool = false) -> PackProvenance {
        PackProvenance(
            id: "org.example.pack", version: "1.0.0", hash: String(repeating: "ab", count: 32), trusted: trusted,
            permissions: permissions)
    }

    static func refusal(_ call: String, _ what: String, _ permission: String) -> String {
        "x.lua:3: \(call): \(what) needs the permission \"\(permission)\", which the pack org.example.pack 1.0.0 "
            + "did not ask for (add \"\(permission)\" to permissions in its kraftfelt-pack.toml)"
    }

    static let refusedCalls: [(String, String)] = [
        ("s:measure('ties', 3)", refusal("s:measure", "taking measures", "measures")),
        (
            "s:remember('organisation', 'k', 1)",
            refusal("s:remember", "the scope \"organisation\"", "organisation-storage")
        ),
        (
            "s:remember('organization', 'k', 1)",
            refusal("s:remember", "the scope \"organisation\"", "organisation-storage")
        ),
        ("s:add('organisation', 'k', 1)", refusal("s:add", "the scope \"organisation\"", "organisation-storage")),
        ("s:recall('organisation', 'k')", refusal("s:recall", "the scope \"organisation\"", "organisation-storage")),
        ("s:remember(s:participants()[1], 'goal', 'x')", refusal("s:remember", "a person's scope", "follow-up")),
        ("s:remember('p2', 'goal', 'x')", refusal("s:remember", "a person's scope", "follow-up")),
        ("s:add('p2', 'n', 1)", refusal("s:add", "a person's scope", "follow-up")),
        ("s:recall('p1', 'goal')", refusal("s:recall", "a person's scope", "follow-up")),
    ]

    /// Each refused call ends the session with its exact error, and nothing is measured or
    /// stored (nothing is logged but the inputs).
    @Test(arguments: refusedCalls)
    func aPackWithoutThePermissionIsRefusedWithTheExactError(_ call: String, _ expected: String) throws {
        let log = MemoryLog()
        let session = try openSession(exercise(call), log: log, pack: Self.pack())
        #expect(session.failure == expected)
        #expect(session.measures.isEmpty)
        #expect(log.storage.values.isEmpty)
        #expect(log.events.filter(\.isStorage).isEmpty)
    }

    /// The other two permissions do not stand in for the one a call needs.
    @Test func eachPermissionUnlocksOnlyItsOwnCalls() throws {
        let measures = try openSession(
            exercise("s:measure('ties', 3)\ns:recall('organisation', 'k')"), pack: Self.pack([.measures]))
        #expect(
            measures.failure
                == Self.refusal("s:recall", "the scope \"organisation\"", "organisation-storage")
                .replacingOccurrences(of: "x.lua:3:", with: "x.lua:4:"))
        #expect(measures.measures.map(\.name) == ["ties"])
        let organisation = try openSession(
            exercise("s:add('organisation', 'k', 2)\ns:recall('p1', 'goal')"), pack: Self.pack([.organisationStorage]))
        #expect(
            organisation.failure
                == Self.refusal("s:recall", "a person's scope", "follow-up")
                .replacingOccurrences(of: "x.lua:3:", with: "x.lua:4:"))
        let followUp = try openSession(
            exercise("s:remember('p1', 'goal', 'x')\ns:measure('ties', 3)"), pack: Self.pack([.followUp]))
        #expect(
            followUp.failure
                == Self.refusal("s:measure", "taking measures", "measures")
                .replacingOccurrences(of: "x.lua:3:", with: "x.lua:4:"))
    }

    /// Everything the three permissions cover, and the scopes that need none.
    static let everything = exercise(
        """
        local p = s:participants()[1]
        s:measure("ties", 3)
        s:remember("organisation", "count", 1)
        s:add("organisation", "count", 2)
        s:remember(p, "goal", "mål")
        s:add("p2", "answers", 1)
        assert(s:recall("organisation", "count") == 3 and s:recall(p, "goal") == "mål")
        s:remember("session", "k", 1)
        s:remember("exercise", "k", s:recall("session", "k") + 1)
        assert(s:recall("exercise", "k") == 2)
        """)

    @Test(arguments: [
        ("a pack with every permission", Self.pack(Set(ScriptPermission.allCases))),
        ("no pack", nil),
    ])
    func withThePermissionsOrNoPackEverythingWorks(_ name: String, _ pack: PackProvenance?) throws {
        let log = MemoryLog()
        let session = try openSession(Self.everything, log: log, pack: pack)
        #expect(session.failure == nil, "\(name)")
        #expect(session.state == .finished)
        #expect(session.measures.map(\.name) == ["ties"])
        let kept = log.storage.values.keys.map { "\($0.kind) \($0.owner) \($0.key)" }.sorted()
        #expect(
            kept == [
                "exercise x k", "organisation  count", "participant p1 goal", "participant p2 answers",
                "session memory k",
            ])
    }

    @Test func theSessionAndExerciseScopesNeedNoPermission() throws {
        let script = exercise(
            """
            s:remember("session", "k", 1)
            s:add("exercise", "n", 2)
            assert(s:recall("session", "k") == 1 and s:recall("exercise", "n") == 2)
            """)
        let session = try openSession(script, pack: Self.pack())
        #expect(session.failure == nil)
        #expect(session.state == .finished)
    }

    /// A session from a pack records its pack in its start event; a replay with the same
    /// pack gives the same transcript and measures (and the same refusal, where there is one).
    @Test(arguments: [Set(ScriptPermission.allCases), [.measures, .organisationStorage]])
    func aReplayWithThePackReproducesTheSession(_ permissions: Set<ScriptPermission>) throws {
        let definition = SessionDefinition(
            main: Shipped.source("netvaerksorganisering"), library: Shipped.library, seed: 7,
            pack: Self.pack(permissions, trusted: true))
        let log = MemoryLog()
        let original = try Rehearsal(definition: definition, participants: 24, areas: 4, log: log).run(
            exercise: "netvaerksorganisering")
        if permissions.count == 3 {
            #expect(original.state == .finished, "\(original.failure ?? "")")
        } else {
            // The line of Summegrupper's g:remember, wherever it is in the shipped file.
            let lines = Shipped.source("summegrupper").text.split(separator: "\n", omittingEmptySubsequences: false)
            let line = try #require(lines.firstIndex { $0.contains("g:remember(answer.who") }) + 1
            #expect(
                original.failure
                    == Self.refusal("g:remember", "a person's scope", "follow-up")
                    .replacingOccurrences(of: "x.lua:3:", with: "summegrupper.lua:\(line):"))
        }
        guard case .start(let start) = try #require(log.events.first) else {
            Issue.record("the log does not begin with its start")
            return
        }
        #expect(start.pack == definition.pack)
        let replayed = try Session(definition: definition)
        try replayed.replay(log.events)
        #expect(replayed.transcript.text == original.transcript.text)
        #expect(replayed.measures == original.measures)
        #expect(replayed.state == original.state)
    }

    /// A log written for another pack (or none) does not replay with these scripts.
    @Test func aLogOfAnotherPackIsRefused() throws {
        let script = ExerciseSource(fileName: "x.lua", text: exercise("s:measure('ties', 1)"))
        let log = MemoryLog()
        let first = try Session(
            definition: SessionDefinition(main: script, seed: 1, pack: Self.pack([.measures])), log: log)
        try first.submit(first.definition.startEvent(exercise: "x"))
        let other = try Session(definition: SessionDefinition(main: script, seed: 1))
        let error = try #require(throws: SessionError.self) { try other.replay(log.events) }
        #expect(
            error.message
                == "the log was written for scripts from the pack org.example.pack 1.0.0 (sha256 \(Self.pack().hash), "
                + "untrusted, permissions measures), these scripts are from no pack")
        let upgraded = try Session(
            definition: SessionDefinition(
                main: script, seed: 1, pack: Self.pack([.measures, .followUp], trusted: false)))
        let changed = try #require(throws: SessionError.self) { try upgraded.replay(log.events) }
        #expect(changed.message.hasSuffix("(sha256 \(Self.pack().hash), untrusted, permissions measures, follow-up)"))
    }

    /// Logs from before packs have no `pack` in their start: they decode as not from a pack,
    /// and a start without a pack writes none (the stored form of old sessions is unchanged).
    @Test func aStartWithoutAPackDecodesAndEncodesAsBefore() throws {
        let old = #"{"start":{"_0":{"exercise":"x","parameters":{},"seed":1,"sourceHash":"h","startedAt":5}}}"#
        let event = try JSONDecoder().decode(SessionEvent.self, from: Data(old.utf8))
        guard case .start(let start) = event else {
            Issue.record("not a start")
            return
        }
        #expect(start.pack == nil && start.exercise == "x")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(event), as: UTF8.self) == old)
        var withPack = start
        withPack.pack = Self.pack([.followUp])
        let text = String(decoding: try encoder.encode(SessionEvent.start(withPack)), as: UTF8.self)
        #expect(text.contains(#""pack":{"hash":"abab"#))
        #expect(try JSONDecoder().decode(SessionEvent.self, from: Data(text.utf8)) == .start(withPack))
    }
}
