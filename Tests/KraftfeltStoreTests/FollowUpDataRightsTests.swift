import Foundation
import KraftfeltEngine
import Testing

@testable import KraftfeltStore

/// A participant's data: an export shows the measures about them and their follow-up; a
/// request to forget them removes those.
struct FollowUpDataRightsTests {
    func storeWithMeasures(_ kind: StoreKind) throws -> any SessionStore {
        let (store, _) = try FollowUpStoreTests().storeWithCodes(kind)
        try store.saveOutcome("s", exercises: [], measures: MeasureStoreTests.measures)
        try store.answerFollowUp(
            codeHash: FollowUpStoreTests.hash(2), measures: [FollowUpStoreTests.answer("own_learning", 2)],
            now: FollowUpStoreTests.issued)
        return store
    }

    @Test(arguments: StoreKind.available)
    func anExportHoldsTheMeasuresAboutAPersonAndTheirFollowUp(_ kind: StoreKind) throws {
        let store = try storeWithMeasures(kind)
        let all = MeasureStoreTests.measures
        let p2 = try #require(try store.export(participant: "p2").sessions.first)
        #expect(p2.measures == [all[2], all[3], all[4]], "their own, a tie to them, a group they were in")
        #expect(p2.followUp?.usedAt == FollowUpStoreTests.issued)
        #expect(p2.followUpMeasures.map(\.name) == ["own_learning"])
        let p1 = try #require(try store.export(participant: "p1").sessions.first)
        #expect(p1.measures == [all[1], all[3], all[4]])
        #expect(p1.followUp == FollowUpStoreTests.followUp("p1") && p1.followUpMeasures == [])
        // Someone only in a group (no join in the log) still gets those.
        #expect(try store.export(participant: "p3").sessions.map(\.measures) == [[all[4]]])
        #expect(try store.export(participant: "p").sessions.isEmpty, "an id is matched whole, not as a prefix")
        let encoded = String(decoding: try JSONEncoder().encode(try store.export(participant: "p2")), as: UTF8.self)
        #expect(!encoded.contains(FollowUpStoreTests.hash(2)), "the export shows no code hash")
    }

    @Test(arguments: StoreKind.available)
    func forgettingAPersonRemovesTheirMeasuresAndFollowUp(_ kind: StoreKind) throws {
        let store = try storeWithMeasures(kind)
        let all = MeasureStoreTests.measures
        #expect(try store.anonymise(participant: "p2") == 1)
        #expect(try store.measures(of: "s") == [all[0], all[1], all[5]])
        #expect(try store.followUps(of: "s") == [FollowUpStoreTests.followUp("p1")])
        #expect(try store.followUp(codeHash: FollowUpStoreTests.hash(2)) == nil)
        #expect(try store.followUpMeasures(of: "s") == [])
        let export = try store.export(participant: "p2")
        #expect(export.sessions.isEmpty && export.storage.isEmpty)
        #expect(try store.forgetMeasures(ofParticipant: "p2") == 0)
        #expect(try store.forgetMeasures(ofParticipant: "p1") == 2, "their own measure and their code")
    }

    /// Retention anonymises a session's log and leaves its measures and follow-ups: reports
    /// still pair a person's before with their follow-up. Free texts measured go.
    @Test(arguments: StoreKind.available)
    func retentionLeavesMeasuresAndFollowUps(_ kind: StoreKind) throws {
        let store = try storeWithMeasures(kind)
        let followUps = try store.followUps(of: "s")
        let answers = try store.followUpMeasures(of: "s")
        try store.setRetentionDays(1, for: "default")
        #expect(try store.applyRetention(now: Date()).anonymised == ["s"])
        let blanked = MeasureStoreTests.measures.map { measure -> Measure in
            var measure = measure
            if measure.text != nil { measure.text = "(anonymised)" }
            return measure
        }
        #expect(MeasureStoreTests.measures.contains { $0.text != nil }, "the test has a text to blank")
        #expect(try store.measures(of: "s") == blanked)
        #expect(try store.followUps(of: "s") == followUps && store.followUpMeasures(of: "s") == answers)
    }
}
