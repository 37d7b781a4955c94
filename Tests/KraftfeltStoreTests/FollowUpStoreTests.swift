import Foundation
import KraftfeltEngine
import Synchronization
import Testing

@testable import KraftfeltStore

/// Follow-up codes: issued once per participant, answered once, before they expire, only
/// with the questions they ask; in both stores.
struct FollowUpStoreTests {
    /// A code's hash as the server makes it (SHA-256 hex); any 64 hex digits do here.
    static func hash(_ n: Int) -> String { String(repeating: String(n % 10), count: 60) + "abcd" }

    static let issued: Int64 = 1_767_225_600  // 2026-01-01
    static let expires: Int64 = 1_798_156_799  // 2026-12-24 23:59:59 UTC

    /// Two scales and a free text.
    static let asked = ["experienced_effect", "own_learning", "goal"].map { Indicator.host[$0]! }

    static func followUp(_ participant: String, in session: String = "s") -> FollowUp {
        FollowUp(
            session: session, participant: participant, indicators: asked,
            issuedAt: issued, expiresAt: expires)
    }

    static func answer(_ name: String, _ value: Double, text: String? = nil, tags: [String] = []) -> Measure {
        Measure(exercise: "maaling", name: name, value: value, at: issued + 100, text: text, tags: tags)
    }

    /// A store with session s, p1 and p2 joined, and codes 1 (p1) and 2 (p2).
    func storeWithCodes(_ kind: StoreKind) throws -> (any SessionStore, () throws -> any SessionStore) {
        let (store, reopen) = try kind.make()
        try store.createSession(SessionRecord(id: "s", exercise: "maaling", definition: sampleDefinition))
        for id in ["p1", "p2"] {
            try store.append(.join(Participant(id: id, name: "Navn \(id)", area: "Sundhed"), at: 1), to: "s")
        }
        let new = try store.issueFollowUps([Self.hash(1): Self.followUp("p1"), Self.hash(2): Self.followUp("p2")])
        #expect(new == [Self.hash(1): Self.followUp("p1"), Self.hash(2): Self.followUp("p2")])
        return (store, reopen)
    }

    @Test(arguments: StoreKind.available)
    func codesAreIssuedOncePerParticipant(_ kind: StoreKind) throws {
        let (store, reopen) = try storeWithCodes(kind)
        // Issuing again, and with a new code for p1, changes nothing: p1 keeps theirs.
        #expect(
            try store.issueFollowUps([Self.hash(1): Self.followUp("p1"), Self.hash(2): Self.followUp("p2")]) == [:])
        #expect(
            try store.issueFollowUps([Self.hash(3): Self.followUp("p1"), Self.hash(4): Self.followUp("p3")]) == [
                Self.hash(4): Self.followUp("p3")
            ])
        let reopened = try reopen()
        #expect(try reopened.followUp(codeHash: Self.hash(1)) == Self.followUp("p1"))
        #expect(try reopened.followUp(codeHash: Self.hash(3)) == nil)
        #expect(try reopened.followUps(of: "s") == ["p1", "p2", "p3"].map { Self.followUp($0) })
        #expect(try reopened.followUps(of: "nosuch") == [])
    }

    /// Issuing refuses the whole batch when one is wrong: nothing is stored.
    @Test(arguments: StoreKind.available)
    func issuingRefusesWhatCannotBeIssuedAndStoresNothing(_ kind: StoreKind) throws {
        let (store, _) = try storeWithCodes(kind)
        var late = Self.followUp("p5")
        late.expiresAt = late.issuedAt - 1
        var used = Self.followUp("p5")
        used.usedAt = Self.issued
        var none = Self.followUp("p5")
        none.indicators = []
        var tie = Self.followUp("p5")
        tie.indicators.append(Indicator.host["cross_area_tie"]!)
        var twice = Self.followUp("p5")
        twice.indicators.append(Indicator.host["goal"]!)
        var badID = Self.followUp("p5")
        badID.indicators[0].id = "Effekt!"
        let cases: [([String: FollowUp], StoreError.Code, String)] = [
            (
                [Self.hash(5): Self.followUp("p5"), Self.hash(1): Self.followUp("p6")], .invalid,
                "the follow-up code with hash 111111111111… is another participant's: draw another code"
            ),
            (
                [Self.hash(5): Self.followUp("p5"), Self.hash(6): Self.followUp("p5")], .invalid,
                "participant \"p5\" of session s has two new codes: a participant gets one"
            ),
            (
                [Self.hash(5): Self.followUp("p5", in: "nosuch")], .unknownSession, "no session with id nosuch"
            ),
            (
                [Self.hash(5): Self.followUp("p5", in: "../x")], .invalidID,
                "\"../x\" is not a session id: an id has \(SessionID.rule)"
            ),
            (
                ["ABC": Self.followUp("p5")], .invalid,
                "a follow-up code hash is 64 lowercase hex digits (SHA-256 of the code), got \"ABC\""
            ),
            (
                [Self.hash(5).uppercased(): Self.followUp("p5")], .invalid,
                "a follow-up code hash is 64 lowercase hex digits (SHA-256 of the code), got \"\(Self.hash(5).uppercased())\""
            ),
            (
                [Self.hash(5): late], .invalid,
                "the follow-up for participant \"p5\" of session s: it expires before it is issued"
            ),
            (
                [Self.hash(5): used], .invalid,
                "the follow-up for participant \"p5\" of session s: a new code cannot be used already"
            ),
            (
                [Self.hash(5): none], .invalid,
                "the follow-up for participant \"p5\" of session s: it asks 1 to 100 indicators, got 0"
            ),
            (
                [Self.hash(5): tie], .invalid,
                "the follow-up for participant \"p5\" of session s: cross_area_tie is a tie between two people, "
                    + "which a follow-up cannot ask"
            ),
            (
                [Self.hash(5): twice], .invalid,
                "the follow-up for participant \"p5\" of session s: it lists an indicator twice"
            ),
            (
                [Self.hash(5): badID], .invalid,
                "the follow-up for participant \"p5\" of session s: \"Effekt!\" is not an indicator id"
            ),
            (
                [Self.hash(5): Self.followUp("p\u{0}5")], .invalid,
                "the follow-up for participant \"p\u{0}5\" of session s: a participant id has 1 to 256 bytes without "
                    + "control characters"
            ),
        ]
        for (codes, code, message) in cases {
            let error = try #require(throws: StoreError.self) { try store.issueFollowUps(codes) }
            #expect(error.code == code, "\(message)")
            #expect(error.message == message)
        }
        #expect(try store.followUps(of: "s") == [Self.followUp("p1"), Self.followUp("p2")])
        #expect(try store.followUp(codeHash: Self.hash(5)) == nil)
    }

    @Test(arguments: StoreKind.available)
    func anAnswerIsStoredTaggedAndMarksTheCodeUsed(_ kind: StoreKind) throws {
        let (store, reopen) = try storeWithCodes(kind)
        let answers = [
            Self.answer("experienced_effect", 5),
            Self.answer("goal", 1, text: "Jeg spørger på tværs nu 😀", tags: ["egen"]),
            Self.answer("own_learning", 3, tags: ["follow-up", "x"]),
        ]
        let used = try store.answerFollowUp(codeHash: Self.hash(2), measures: answers, now: Self.expires)
        var expected = Self.followUp("p2")
        expected.usedAt = Self.expires
        #expect(used == expected)
        let stored = try reopen().followUpMeasures(of: "s")
        #expect(stored.map(\.subject) == Array(repeating: .participant("p2"), count: 3))
        #expect(stored.map(\.tags) == [["follow-up"], ["follow-up", "egen"], ["follow-up", "x"]])
        #expect(stored.map(\.phase) == [.followUp, .followUp, .followUp])
        #expect(stored.map(\.text) == [nil, "Jeg spørger på tværs nu 😀", nil])
        #expect(stored.map(\.value) == [5, 1, 3])
        #expect(
            try reopen().followUp(codeHash: Self.hash(2))?.indicators == Self.asked, "the questions come back whole")
        #expect(try reopen().followUp(codeHash: Self.hash(2))?.usedAt == Self.expires)
        // p1 answers later: grouped by participant.
        try store.answerFollowUp(codeHash: Self.hash(1), measures: [Self.answer("own_learning", 2)], now: Self.issued)
        #expect(try store.followUpMeasures(of: "s").map(\.subject.id) == ["p1", "p2", "p2", "p2"])
        #expect(try store.measures(of: "s") == [], "a session's own measures are apart")
    }

    /// Each refusal says what a participant can do, and leaves the code and the answers
    /// as they were.
    @Test(arguments: StoreKind.available)
    func refusedAnswersChangeNothing(_ kind: StoreKind) throws {
        let (store, _) = try storeWithCodes(kind)
        try store.answerFollowUp(codeHash: Self.hash(1), measures: [Self.answer("own_learning", 2)], now: 1_790_000_000)
        let before = (try store.followUps(of: "s"), try store.followUpMeasures(of: "s"))
        let cases: [(String, [Measure], Int64, StoreError.Code, String)] = [
            (
                Self.hash(7), [Self.answer("own_learning", 1)], Self.issued, .followUpUnknown,
                "this follow-up code is not known: check it, or ask your trainer for a new one"
            ),
            (
                Self.hash(2), [Self.answer("own_learning", 1)], Self.expires + 1, .followUpExpired,
                "this follow-up code expired on 2026-12-24: ask your trainer for a new one"
            ),
            (
                Self.hash(1), [Self.answer("own_learning", 1)], Self.issued, .followUpUsed,
                "this follow-up code was used on 2026-09-21: each code answers once"
            ),
            (
                Self.hash(2), [Self.answer("own_learning", 1), Self.answer("x", 1)], Self.issued, .invalid,
                "“x” is not one of this follow-up's questions"
            ),
            (
                Self.hash(2), [Self.answer(String(repeating: "\u{7}", count: 50), 1)], Self.issued, .invalid,
                "“\(String(repeating: "?", count: 40))…” is not one of this follow-up's questions"
            ),
            (
                Self.hash(2), [Self.answer("goal", 1, text: String(repeating: "x", count: 1_000_000))],
                Self.issued, .invalid, "the answer to “goal” is longer than 2000 characters"
            ),
            (
                Self.hash(2), [Self.answer("goal", 1, text: "a\u{0}b")], Self.issued, .invalid,
                "the follow-up of participant \"p2\" of session s: measure 1 (“goal”) has a NUL character"
            ),
            (
                Self.hash(2),
                [
                    Measure(
                        exercise: "maaling", name: "own_learning", value: 1, at: 1, subject: .participant("p1"))
                ], Self.issued, .invalid, "a follow-up answer is about its own participant, not participant p1"
            ),
            (
                Self.hash(2), [Self.answer("own_learning", 9)], Self.issued, .invalid,
                "own_learning is a scale from 1 to 5: a whole number in it, got 9"
            ),
            (
                Self.hash(2), [Self.answer("own_learning", 2.5)], Self.issued, .invalid,
                "own_learning is a scale from 1 to 5: a whole number in it, got 2.5"
            ),
            (
                Self.hash(2), [Self.answer("own_learning", .nan)], Self.issued, .invalid,
                "own_learning takes a finite number"
            ),
            (
                Self.hash(2), [Self.answer("own_learning", 1, text: "meget")], Self.issued, .invalid,
                "own_learning takes a number, not a text"
            ),
            (
                Self.hash(2), [Self.answer("goal", 1)], Self.issued, .invalid,
                "goal is a free text: the answer is a text"
            ),
            (
                Self.hash(2), [Self.answer("own_learning", 1), Self.answer("own_learning", 2)], Self.issued,
                .invalid, "“own_learning” is answered twice"
            ),
            (Self.hash(2), [], Self.issued, .invalid, "a follow-up answer needs at least one answer"),
            (
                "not hex", [Self.answer("own_learning", 1)], Self.issued, .invalid,
                "a follow-up code hash is 64 lowercase hex digits (SHA-256 of the code), got \"not hex\""
            ),
            (
                Self.hash(2) + "\u{0}", [Self.answer("own_learning", 1)], Self.issued, .invalid,
                "a follow-up code hash is 64 lowercase hex digits (SHA-256 of the code), got \"\(Self.hash(2))…\" (65 bytes)"
            ),
        ]
        for (hash, measures, now, code, message) in cases {
            let error = try #require(throws: StoreError.self) {
                try store.answerFollowUp(codeHash: hash, measures: measures, now: now)
            }
            #expect(error.code == code, "\(message)")
            #expect(error.message == message)
            #expect(try store.followUps(of: "s") == before.0)
            #expect(try store.followUpMeasures(of: "s") == before.1)
        }
        // On its last second it still answers.
        #expect(
            try store.answerFollowUp(
                codeHash: Self.hash(2), measures: [Self.answer("own_learning", 4)], now: Self.expires
            )
            .usedAt == Self.expires)
        let hashError = try #require(throws: StoreError.self) { try store.followUp(codeHash: "") }
        #expect(hashError.code == .invalid)
    }

    /// Two phones send the same code at once, through two hosts: one answer is stored.
    @Test(arguments: StoreKind.available)
    func ofConcurrentAnswersWithOneCodeExactlyOneWins(_ kind: StoreKind) throws {
        let (store, reopen) = try storeWithCodes(kind)
        let stores = [store, try reopen(), try reopen()]
        let outcomes = Mutex<[String]>([])
        onThreads(6) { i in
            let answered = Result { () throws(StoreError) in
                try stores[i % 3].answerFollowUp(
                    codeHash: Self.hash(1), measures: [Self.answer("own_learning", Double(i % 5 + 1))],
                    now: Self.issued + 5)
            }
            let outcome =
                switch answered {
                case .success: "won"
                case .failure(let error): error.code == .followUpUsed ? "used" : "\(error)"
                }
            outcomes.withLock { $0.append(outcome) }
        }
        #expect(outcomes.withLock { $0.sorted() } == ["used", "used", "used", "used", "used", "won"])
        #expect(try store.followUpMeasures(of: "s").count == 1)
        #expect(try store.followUp(codeHash: Self.hash(1))?.usedAt == Self.issued + 5)
    }

    @Test(arguments: StoreKind.available)
    func deletingASessionRemovesItsFollowUps(_ kind: StoreKind) throws {
        let (store, _) = try storeWithCodes(kind)
        try store.createSession(SessionRecord(id: "t", exercise: "maaling", definition: sampleDefinition))
        try store.issueFollowUps([Self.hash(3): Self.followUp("p1", in: "t")])
        try store.answerFollowUp(codeHash: Self.hash(1), measures: [Self.answer("own_learning", 2)], now: Self.issued)
        try store.answerFollowUp(codeHash: Self.hash(3), measures: [Self.answer("own_learning", 4)], now: Self.issued)
        try store.deleteSession("s")
        #expect(try store.followUp(codeHash: Self.hash(1)) == nil)
        #expect(try store.followUps(of: "s") == [] && store.followUpMeasures(of: "s") == [])
        #expect(try store.followUpMeasures(of: "t").map(\.value) == [4])
    }
}
