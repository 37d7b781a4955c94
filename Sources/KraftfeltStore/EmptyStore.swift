import Foundation
import KraftfeltEngine

/// What a read-only command sees where nothing has been stored yet (no database file, no
/// tables): no sessions and no storage. Every write is refused; nothing is created.
public struct EmptyStore: SessionStore {
    /// Where the store would be, for messages.
    public let location: String

    public init(location: String) { self.location = location }

    public var schemaChange: SchemaChange { .none }

    private var refusal: StoreError {
        StoreError(.readOnly, "\(location): the database is open for reading only; nothing was written")
    }

    private func unknown(_ id: String) -> StoreError {
        StoreError(.unknownSession, "no session with id \(SessionID.named(id))")
    }

    public func createSession(_ record: SessionRecord) throws(StoreError) { throw refusal }
    public func sessions() throws(StoreError) -> [SessionRecord] { [] }
    public func session(_ id: String) throws(StoreError) -> SessionRecord { throw unknown(id) }
    public func setState(_ id: String, _ state: String, lease: SessionLease?) throws(StoreError) { throw refusal }
    public func append(_ event: SessionEvent, to session: String, seq: Int?, lease: SessionLease?) throws(StoreError)
        -> Int
    { throw refusal }
    public func append(
        contentsOf events: [SessionEvent], to session: String, from seq: Int, lease: SessionLease?
    ) throws(StoreError) -> Int { throw refusal }
    public func replaceEvents(
        of session: String, from seq: Int, with events: [SessionEvent], lease: SessionLease?
    ) throws(StoreError) { throw refusal }
    public func events(of session: String) throws(StoreError) -> [SessionEvent] { [] }
    public func deleteSession(_ id: String) throws(StoreError) { throw unknown(id) }
    public func rewriteEvents(of session: String, _ events: [SessionEvent]) throws(StoreError) { throw refusal }
    public func claim(_ session: String, as holder: LeaseHolder, for seconds: Double) throws(StoreError)
        -> SessionLease
    { throw unknown(session) }
    public func renew(_ lease: SessionLease, for seconds: Double) throws(StoreError) -> SessionLease {
        throw lease.lost(to: nil, at: Date())
    }
    public func release(_ lease: SessionLease) throws(StoreError) {}
    public func lease(of session: String) throws(StoreError) -> SessionLease? { nil }
    public func storedValue(session: String, _ scope: StorageScope, key: String) throws(StoreError) -> StoredValue? {
        nil
    }
    public func storage(ofParticipant id: String) throws(StoreError) -> [StoredEntry] { [] }
    public func forgetStorage(ofParticipant id: String) throws(StoreError) -> Int { throw refusal }
    public func forgetStorage(ofSession id: String) throws(StoreError) { throw refusal }
    public func forgetParticipantStorage(in organisation: String, unchangedSince date: Date) throws(StoreError) -> Int {
        throw refusal
    }
    public func saveOutcome(
        _ id: String, state: String?, exercises: [ExerciseRun], measures: [Measure], lease: SessionLease?
    ) throws(StoreError) { throw refusal }
    public func exercises(of session: String) throws(StoreError) -> [ExerciseRun] { [] }
    public func measures(of session: String) throws(StoreError) -> [Measure] { [] }
    public func sessions(of organisation: String, from: Int64?, to: Int64?) throws(StoreError) -> [SessionRecord] {
        []
    }
    public func issueFollowUps(_ codes: [String: FollowUp]) throws(StoreError) -> [String: FollowUp] {
        throw refusal
    }
    public func followUp(codeHash: String) throws(StoreError) -> FollowUp? {
        try FollowUp.validate(codeHash: codeHash)
        return nil
    }
    public func followUps(of session: String) throws(StoreError) -> [FollowUp] { [] }
    public func answerFollowUp(codeHash: String, measures: [Measure], now: Int64) throws(StoreError) -> FollowUp {
        try FollowUp.validate(codeHash: codeHash)
        throw FollowUp.unknown
    }
    public func followUpMeasures(of session: String) throws(StoreError) -> [Measure] { [] }
    public func forgetMeasures(ofParticipant id: String) throws(StoreError) -> Int { throw refusal }
    public func organisations() throws(StoreError) -> [Organisation] { [] }
    public func setRetentionDays(_ days: Int?, for organisation: String) throws(StoreError) { throw refusal }
    public func markAnonymised(_ id: String, at date: Date) throws(StoreError) { throw refusal }
    public func sessionsToAnonymise(in organisation: String, startedBefore date: Date) throws(StoreError) -> [String] {
        []
    }
    public func serverValue(_ name: String) throws(StoreError) -> String? { nil }
    public func setServerValue(_ name: String, _ value: String?) throws(StoreError) { throw refusal }
    public func serverValue(_ name: String, orInsert value: String) throws(StoreError) -> String { throw refusal }
}
