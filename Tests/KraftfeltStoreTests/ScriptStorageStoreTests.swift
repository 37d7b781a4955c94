import Foundation
import GRDB
import KraftfeltEngine
import KraftfeltLua
import Testing

@testable import KraftfeltStore

/// Script storage, outcomes, data rights and retention: every store must pass these.
struct ScriptStorageStoreTests {
    /// 2020-01-01T00:00:00Z, in seconds since 1970.
    static let in2020: Int64 = 1_577_836_800

    /// A session of `organisation`, started at `startedAt` (seconds since 1970).
    func record(_ id: String, in organisation: String = "default", startedAt: Int64? = nil) -> SessionRecord {
        let started = startedAt ?? Int64(Date().timeIntervalSince1970) - 10
        let definition = SessionDefinition(
            main: sampleDefinition.main, library: sampleDefinition.library, seed: 42, startedAt: started,
            language: "en")
        return SessionRecord(id: id, exercise: "x", definition: definition, organisation: organisation)
    }

    /// A script's write as it is logged.
    func stored(_ scope: StorageScope, _ key: String, _ value: LuaValue?, at: Int64 = 100) throws -> SessionEvent {
        .stored(StorageWrite(scope: scope, key: key, value: try value.map { try StoredValue($0) }), at: at)
    }

    /// A string of `count` copies of `character`: its stored form is `count + 8` bytes.
    func text(_ count: Int, _ character: Character = "a") -> LuaValue {
        .string(String(repeating: character, count: count))
    }

    /// The value `key` holds in `scope`, as a session sees it.
    func value(_ store: any SessionStore, _ session: String, _ scope: StorageScope, _ key: String) throws -> LuaValue? {
        try store.storedValue(session: session, scope, key: key)?.value
    }

    static let nested = LuaValue.table(
        LuaTable(
            array: [
                1, 2.5, "tre", .table(LuaTable(array: ["inner"], fields: [.init("deep", true)])), .table(LuaTable()),
            ],
            fields: [
                .init("name", "Åse"), .init(10, false), .init(1.5, "half"), .init(true, "yes"),
                .init("list", .table(LuaTable(array: [.integer(Int64.min), .integer(Int64.max)]))),
            ]))

    static let roundTripValues: [(String, LuaValue)] = [
        ("integer", .integer(3)), ("float with an integer value", .number(3.0)), ("float", .number(2.5)),
        ("negative float", .number(-0.125)), ("largest integer", .integer(Int64.max)), ("boolean", false),
        ("empty string", ""), ("text", "æøå \"citat\"\n\\"),
        ("invalid UTF-8", .string(LuaString(bytes: [0xff, 0x00, 0x41]))),
        ("nested table", nested),
    ]

    @Test(arguments: StoreKind.available)
    func storedValuesComeBackExactlyAndSurviveReopening(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        try store.createSession(record("s"))
        for (i, (key, value)) in Self.roundTripValues.enumerated() {
            #expect(try store.append(try stored(.session, key, value), to: "s", seq: nil) == i + 1)
            #expect(try self.value(store, "s", .session, key) == value, "\(key)")
        }
        let reopened = try reopen()
        for (key, value) in Self.roundTripValues {
            #expect(try self.value(reopened, "s", .session, key) == value, "\(key)")
        }
        #expect(try value(reopened, "s", .session, "integer") != .number(3))
        #expect(try value(reopened, "s", .session, "float with an integer value") != .integer(3))
        #expect(try value(reopened, "s", .session, "nothing") == nil)

        try reopened.append(try stored(.session, "integer", nil), to: "s", seq: nil)
        #expect(try value(reopened, "s", .session, "integer") == nil)
        #expect(try value(try reopen(), "s", .session, "integer") == nil)
        #expect(try value(reopened, "s", .session, "float") == .number(2.5))
        #expect(try reopened.events(of: "s").count == Self.roundTripValues.count + 1)
        // Forgetting a key that is not there is no error.
        try reopened.append(try stored(.session, "never", nil), to: "s", seq: nil)
    }

    @Test(arguments: StoreKind.available)
    func eachScopeIsSharedOnlyWithinItsOrganisation(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        try store.createSession(record("a"))
        try store.createSession(record("b"))
        try store.createSession(record("c", in: "other"))
        try store.append(try stored(.session, "k", "session a"), to: "a", seq: nil)
        try store.append(try stored(.participant("p1"), "k", "p1 in default"), to: "a", seq: nil)
        try store.append(try stored(.exercise("x"), "k", "x in default"), to: "a", seq: nil)
        try store.append(try stored(.organisation, "k", "default"), to: "a", seq: nil)

        for s in [store, try reopen()] {
            #expect(try value(s, "a", .session, "k") == "session a")
            #expect(try value(s, "b", .session, "k") == nil)
            #expect(try value(s, "c", .session, "k") == nil)
            for session in ["a", "b"] {
                #expect(try value(s, session, .participant("p1"), "k") == "p1 in default")
                #expect(try value(s, session, .exercise("x"), "k") == "x in default")
                #expect(try value(s, session, .organisation, "k") == "default")
                #expect(try value(s, session, .participant("p2"), "k") == nil)
                #expect(try value(s, session, .exercise("y"), "k") == nil)
            }
            #expect(try value(s, "c", .participant("p1"), "k") == nil)
            #expect(try value(s, "c", .exercise("x"), "k") == nil)
            #expect(try value(s, "c", .organisation, "k") == nil)
        }

        // The other organisation's values under the same keys are its own.
        try store.append(try stored(.participant("p1"), "k", "p1 in other"), to: "c", seq: nil)
        try store.append(try stored(.organisation, "k", "other"), to: "c", seq: nil)
        #expect(try value(store, "c", .participant("p1"), "k") == "p1 in other")
        #expect(try value(store, "a", .participant("p1"), "k") == "p1 in default")
        #expect(try value(store, "b", .organisation, "k") == "default")
        // A write from session b replaces what session a wrote in a shared scope.
        try store.append(try stored(.organisation, "k", 7), to: "b", seq: nil)
        #expect(try value(store, "a", .organisation, "k") == .integer(7))
        #expect(try value(store, "c", .organisation, "k") == "other")
        // Forgetting from b forgets it for a too, and nothing in the other organisation.
        try store.append(try stored(.participant("p1"), "k", nil), to: "b", seq: nil)
        #expect(try value(store, "a", .participant("p1"), "k") == nil)
        #expect(try value(store, "c", .participant("p1"), "k") == "p1 in other")
    }

    @Test(arguments: StoreKind.available)
    func aWriteWhoseEventIsNotLoggedIsNotKept(_ kind: StoreKind) throws {
        let store = try kind.make().store
        try store.createSession(record("s"))
        try store.append(try stored(.organisation, "k", "kept"), to: "s", seq: nil)
        // The event's number is taken: the append fails, and the value with it.
        #expect(throws: StoreError.self) {
            try store.append(try stored(.organisation, "k", "lost"), to: "s", seq: 1)
        }
        #expect(throws: StoreError.self) {
            try store.append(try stored(.session, "new", "lost"), to: "s", seq: 1)
        }
        #expect(try value(store, "s", .organisation, "k") == "kept")
        #expect(try value(store, "s", .session, "new") == nil)
        #expect(try store.events(of: "s").count == 1)
        let unknown = try #require(throws: StoreError.self) {
            try store.append(try stored(.organisation, "k", "lost"), to: "nope", seq: nil)
        }
        #expect(unknown.code == .unknownSession && unknown.message == "no session with id nope")
    }

    /// Two hosts (two connections to the same data) writing to one scope at once never
    /// take it past its limit together.
    @Test(arguments: StoreKind.available)
    func twoHostsFillingOneScopeAtOnceStopAtTheLimit(_ kind: StoreKind) async throws {
        let (store, reopen) = try kind.make()
        let other = try reopen()
        try store.createSession(record("a"))
        try store.createSession(record("b"))
        let entry = try stored(.organisation, "k", text(60_000))
        let results = try await withThrowingTaskGroup(of: [Bool].self) { group in
            for (host, session) in [(store, "a"), (other, "b")] {
                group.addTask {
                    var kept: [Bool] = []
                    for i in 0..<17 {
                        guard case .stored(var write, let at) = entry else { return [] }
                        write.key = "\(session)\(String(format: "%02d", i))"
                        do {
                            try host.append(.stored(write, at: at), to: session, seq: nil)
                            kept.append(true)
                        } catch let error as StoreError where error.code == .storageRefused {
                            kept.append(false)
                        }
                    }
                    return kept
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        // Each entry takes 4 + 60_008 = 60_012 bytes: 17 fit in 1 MiB, 18 do not.
        #expect(results.filter { $0 }.count == 17)
        #expect(try store.events(of: "a").count + store.events(of: "b").count == 17)
    }

    @Test(arguments: StoreKind.available)
    func aRefusedWriteIsLoggedButWritesNothing(_ kind: StoreKind) throws {
        let store = try kind.make().store
        try store.createSession(record("s"))
        try store.append(try stored(.organisation, "k", "kept"), to: "s", seq: nil)
        let refused = SessionEvent.stored(
            StorageWrite(
                scope: .organisation, key: "k", value: try StoredValue("not kept"), refused: "the storage is full"),
            at: 5)
        #expect(try store.append(refused, to: "s", seq: nil) == 2)
        #expect(try store.events(of: "s").last == refused)
        #expect(try value(store, "s", .organisation, "k") == "kept")
    }

    @Test(arguments: StoreKind.available)
    func writesPastTheScopeLimitAreRefusedAndChangeNothing(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        try store.createSession(record("s"))
        try store.createSession(record("t", in: "other"))
        let scope = StorageScope.participant("p1")
        // Each entry takes 3 + 60_008 = 60_011 bytes: 17 of them 1_020_187.
        #expect(try StorageWrite(scope: scope, key: "k01", value: StoredValue(text(60_000))).size == 60_011)
        for i in 1...17 {
            try store.append(try stored(scope, String(format: "k%02d", i), text(60_000)), to: "s", seq: nil)
        }
        let before = try store.events(of: "s")
        #expect(before.count == 17)

        let full = try #require(throws: StoreError.self) {
            try store.append(try stored(scope, "k18", text(60_000)), to: "s", seq: nil)
        }
        #expect(full.code == .storageRefused)
        #expect(full.message == StorageLimits.full(scope, holding: 1_020_187, adding: 60_011).message)
        #expect(
            full.message
                == "the participant storage is full: it holds 1020187 bytes, and this would make it 1080198 "
                + "(the limit is 1048576)")
        #expect(try store.events(of: "s") == before)
        #expect(try value(store, "s", scope, "k18") == nil)
        #expect(try value(store, "s", scope, "k01") == text(60_000))
        #expect(try value(store, "s", scope, "k17") == text(60_000))

        // Up to the limit exactly is allowed: 4 + 28_385 = 28_389 bytes make 1_048_576.
        try store.append(try stored(scope, "last", text(28_377, "b")), to: "s", seq: nil)
        let one = try #require(throws: StoreError.self) {
            try store.append(try stored(scope, "x", true), to: "s", seq: nil)
        }
        #expect(one.code == .storageRefused)
        #expect(
            one.message
                == "the participant storage is full: it holds 1048576 bytes, and this would make it 1048587 "
                + "(the limit is 1048576)")
        #expect(try store.events(of: "s").count == 18)

        // Another person, and the same person in another organisation, have scopes of their own.
        try store.append(try stored(.participant("p2"), "k", text(60_000)), to: "s", seq: nil)
        try store.append(try stored(scope, "k", text(60_000)), to: "t", seq: nil)
        #expect(try value(store, "t", scope, "k") == text(60_000))

        // Forgetting is always allowed, and frees what the entry took.
        try store.append(try stored(scope, "k01", nil), to: "s", seq: nil)
        try store.append(try stored(scope, "k18", text(60_000)), to: "s", seq: nil)
        let reopened = try reopen()
        #expect(try value(reopened, "s", scope, "k18") == text(60_000))
        #expect(try value(reopened, "s", scope, "k01") == nil)
        #expect(try value(reopened, "s", scope, "last") == text(28_377, "b"))
        #expect(try reopened.events(of: "s").count == 21)
    }

    @Test(arguments: StoreKind.available)
    func replacingAKeyCountsOnlyItsNewSize(_ kind: StoreKind) throws {
        let store = try kind.make().store
        try store.createSession(record("s"))
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for i in 0..<100 {
            try store.append(try stored(.session, "big", text(60_000, letters[i % 26])), to: "s", seq: nil)
        }
        #expect(try value(store, "s", .session, "big") == text(60_000, letters[99 % 26]))

        // 20_011 bytes for "big" and 17 × 60_011 others: 1_040_198.
        try store.append(try stored(.session, "big", text(20_000)), to: "s", seq: nil)
        for i in 1...17 {
            try store.append(try stored(.session, String(format: "k%02d", i), text(60_000)), to: "s", seq: nil)
        }
        // Old and new together would be 1_068_587, but only the new 28_389 count: 1_048_576.
        try store.append(try stored(.session, "big", text(28_378, "c")), to: "s", seq: nil)
        #expect(try value(store, "s", .session, "big") == text(28_378, "c"))
        let error = try #require(throws: StoreError.self) {
            try store.append(try stored(.session, "big", text(28_379, "d")), to: "s", seq: nil)
        }
        #expect(error.code == .storageRefused)
        #expect(error.message == StorageLimits.full(.session, holding: 1_020_187, adding: 28_390).message)
        #expect(
            error.message
                == "the session storage is full: it holds 1020187 bytes, and this would make it 1048577 "
                + "(the limit is 1048576)")
        #expect(try value(store, "s", .session, "big") == text(28_378, "c"))
        #expect(try store.events(of: "s").count == 119)
    }

    @Test(arguments: StoreKind.available)
    func aSessionLogReportsAFullScopeAsAStorageError(_ kind: StoreKind) throws {
        let store = try kind.make().store
        try store.createSession(record("s"))
        let log = try StoredSessionLog(store: store, session: "s")
        for i in 1...17 {
            try log.append(try stored(.organisation, String(format: "k%02d", i), text(60_000)))
        }
        let error = try #require(throws: StorageError.self) {
            try log.append(try stored(.organisation, "k18", text(60_000)))
        }
        #expect(error == StorageLimits.full(.organisation, holding: 1_020_187, adding: 60_011))
        #expect(
            error.message
                == "the organisation storage is full: it holds 1020187 bytes, and this would make it 1080198 "
                + "(the limit is 1048576)")
        #expect(log.events.count == 17)
        #expect(try store.events(of: "s") == log.events)
        #expect(try log.storedValue(.organisation, key: "k18") == nil)
        #expect(try log.storedValue(.organisation, key: "k17")?.value == text(60_000))
        #expect(try log.append(.trainer(.advance, at: 200)) == 18)
        #expect(try StoredSessionLog(store: store, session: "s").events.count == 18)
    }

    @Test(arguments: StoreKind.available)
    func outcomesRoundTripAndASecondSaveReplacesTheFirst(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        try store.createSession(record("s"))
        try store.createSession(record("t"))
        #expect(try store.exercises(of: "s") == [])
        #expect(try store.measures(of: "s") == [])
        let runs = [
            ExerciseRun(id: "x", version: "1.2.0", scriptHash: sampleDefinition.main.contentHash),
            ExerciseRun(id: "y", version: "", scriptHash: sampleDefinition.library[0].contentHash),
        ]
        let measures = [
            Measure(exercise: "x", name: "energi", value: 4.25, at: 1_000),
            Measure(exercise: "y", name: "svar", value: -3, at: 2_000),
            Measure(exercise: "x", name: "energi", value: 1e-9, at: 3_000),
        ]
        try store.saveOutcome("s", exercises: runs, measures: measures)
        try store.saveOutcome("t", exercises: [runs[1]], measures: [measures[1]])
        let reopened = try reopen()
        #expect(try reopened.exercises(of: "s") == runs)
        #expect(try reopened.measures(of: "s") == measures)

        let second = [Measure(exercise: "x", name: "tid", value: 12, at: 4_000)]
        try reopened.saveOutcome("s", exercises: [runs[0]], measures: second)
        #expect(try reopened.exercises(of: "s") == [runs[0]])
        #expect(try reopened.measures(of: "s") == second)
        #expect(try reopened.exercises(of: "t") == [runs[1]])
        #expect(try reopened.measures(of: "t") == [measures[1]])
        try reopened.saveOutcome("s", exercises: [], measures: [])
        #expect(try reopened.exercises(of: "s") == [])
        #expect(try reopened.measures(of: "s") == [])
    }

    @Test(arguments: StoreKind.available)
    func deletingASessionRemovesItsOutcomeAndSessionStorageAndKeepsSharedValues(_ kind: StoreKind) throws {
        let store = try kind.make().store
        try store.createSession(record("s1"))
        try store.createSession(record("s2"))
        try store.saveOutcome(
            "s1", exercises: [ExerciseRun(id: "x", version: "1", scriptHash: "h")],
            measures: [Measure(exercise: "x", name: "m", value: 1, at: 1)])
        try store.append(try stored(.session, "mine", "s1's"), to: "s1", seq: nil)
        try store.append(try stored(.organisation, "shared", "everyone's"), to: "s1", seq: nil)
        try store.append(try stored(.exercise("x"), "best", 9), to: "s1", seq: nil)
        try store.append(try stored(.participant("p1"), "colour", "blue"), to: "s1", seq: nil)
        try store.append(try stored(.session, "mine", "s2's"), to: "s2", seq: nil)

        try store.deleteSession("s1")
        #expect(try store.exercises(of: "s1") == [])
        #expect(try store.measures(of: "s1") == [])
        #expect(try value(store, "s2", .organisation, "shared") == "everyone's")
        #expect(try value(store, "s2", .exercise("x"), "best") == .integer(9))
        #expect(try value(store, "s2", .participant("p1"), "colour") == "blue")
        #expect(try value(store, "s2", .session, "mine") == "s2's")
        #expect(try store.storage(ofParticipant: "p1").map(\.key) == ["colour"])

        // A new session with the same id starts with empty session storage and no outcome.
        try store.createSession(record("s1"))
        #expect(try value(store, "s1", .session, "mine") == nil)
        #expect(try value(store, "s1", .organisation, "shared") == "everyone's")
        #expect(try store.exercises(of: "s1") == [])
        #expect(try store.measures(of: "s1") == [])
        #expect(try store.events(of: "s1") == [])
    }

    /// Two sessions (one in another organisation) where p1 and p2 joined and scripts kept
    /// values for them, for the organisation, and for an exercise that happens to be called p1.
    func storeWithStorage(_ kind: StoreKind) throws -> any SessionStore {
        let store = try kind.make().store
        try store.createSession(record("s1"))
        try store.createSession(record("s2", in: "other"))
        for session in ["s1", "s2"] {
            try store.append(.join(Participant(id: "p1", name: "Anne", area: "Sundhed"), at: 0), to: session, seq: nil)
            try store.append(.join(Participant(id: "p2", name: "Bo", area: "Skole"), at: 0), to: session, seq: nil)
        }
        try store.append(try stored(.participant("p1"), "colour", "blue", at: 10), to: "s1", seq: nil)
        try store.append(try stored(.participant("p1"), "score", 3, at: 11), to: "s1", seq: nil)
        try store.append(try stored(.participant("p2"), "colour", "red", at: 12), to: "s1", seq: nil)
        try store.append(try stored(.organisation, "colour", "green", at: 13), to: "s1", seq: nil)
        try store.append(try stored(.exercise("p1"), "colour", "grey", at: 14), to: "s1", seq: nil)
        try store.append(
            .recalled(StorageRead(scope: .participant("p1"), key: "colour", value: StoredValue("blue")), at: 15),
            to: "s1", seq: nil)
        try store.append(
            .recalled(StorageRead(scope: .participant("p2"), key: "colour", value: StoredValue("red")), at: 16),
            to: "s1", seq: nil)
        try store.append(try stored(.participant("p1"), "colour", "grün", at: 10), to: "s2", seq: nil)
        return store
    }

    @Test(arguments: StoreKind.available)
    func anExportHoldsThatPersonsStorageInEveryOrganisationAndNobodyElses(_ kind: StoreKind) throws {
        let store = try storeWithStorage(kind)
        let export = try store.export(participant: "p1")
        #expect(
            export.storage == [
                KeptValue(organisation: "default", key: "colour", value: "blue"),
                KeptValue(organisation: "default", key: "score", value: 3),
                KeptValue(organisation: "other", key: "colour", value: "grün"),
            ])
        #expect(export.sessions.map(\.session) == ["s1", "s2"])
        #expect(
            try store.export(participant: "p2").storage == [
                KeptValue(organisation: "default", key: "colour", value: "red")
            ])
        #expect(try store.export(participant: "nobody").storage == [])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let encoded = String(decoding: try encoder.encode(export), as: UTF8.self)
        // A person reads the values as plain JSON, not the store's tagged form.
        #expect(encoded.contains(#"{"key":"colour","organisation":"default","value":"blue"}"#))
        #expect(encoded.contains(#"{"key":"score","organisation":"default","value":3}"#))
        #expect(!encoded.contains("red") && !encoded.contains("green") && !encoded.contains("grey"))
    }

    @Test(arguments: StoreKind.available)
    func anonymisingAPersonDeletesTheirStorageAndBlanksTheirWritesInTheLog(_ kind: StoreKind) throws {
        let store = try storeWithStorage(kind)
        let before = try store.events(of: "s1")
        #expect(try store.anonymise(participant: "p1") == 2)
        #expect(try store.storage(ofParticipant: "p1") == [])
        #expect(
            try store.storage(ofParticipant: "p2") == [
                StoredEntry(organisation: "default", key: "colour", value: #"{"s":"red"}"#)
            ])
        #expect(try value(store, "s1", .participant("p1"), "colour") == nil)
        #expect(try value(store, "s2", .participant("p1"), "colour") == nil)
        #expect(try value(store, "s1", .organisation, "colour") == "green")
        #expect(try value(store, "s1", .exercise("p1"), "colour") == "grey")

        let after = try store.events(of: "s1")
        #expect(after.count == before.count)
        guard case .join(let anonymous, 0) = after[0] else {
            Issue.record("expected a join first, got \(after[0])")
            return
        }
        #expect(anonymous.id.hasPrefix("anonymous-") && anonymous.id.count == "anonymous-".count + 8)
        #expect(anonymous.name == "Anonym")
        let alias = StorageScope.participant(anonymous.id)
        #expect(
            Array(after[2...]) == [
                .stored(StorageWrite(scope: alias, key: "colour", value: nil), at: 10),
                .stored(StorageWrite(scope: alias, key: "score", value: nil), at: 11),
                before[4], before[5], before[6],
                .recalled(StorageRead(scope: alias, key: "colour", value: nil), at: 15),
                before[8],
            ])
        #expect(after.count == 9 && after[1] == before[1])
        let text = String(decoding: try JSONEncoder().encode(after), as: UTF8.self)
        #expect(!text.contains("blue") && !text.contains("Anne"))

        let other = try store.events(of: "s2")
        guard case .join(let elsewhere, 0) = other[0] else {
            Issue.record("expected a join first, got \(other[0])")
            return
        }
        #expect(
            other.last == .stored(StorageWrite(scope: .participant(elsewhere.id), key: "colour", value: nil), at: 10))
        #expect(try store.session("s1").state == "anonymised" && store.session("s2").state == "anonymised")
    }
}
