import Foundation
import KraftfeltEngine

/// What the host needs from a store: organisations, sessions, the scripts they ran,
/// their event logs, their measures, the storage scripts keep, and who runs each session.
/// SQLite (``SQLiteStore``) is the embedded default; ``PostgresStore`` serves several host
/// instances. Both pass the same test suite.
///
/// One writer per session: a process that runs a session claims its lease
/// (``claim(_:as:for:)``), renews it while it runs (``LeaseKeeper``) and releases it at the
/// end, and passes it with every write to the session. The store refuses a write with
/// another lease, and a write with none while someone else holds one.
public protocol SessionStore: Sendable {
    /// What opening the store did to its schema.
    var schemaChange: SchemaChange { get }

    /// Stores a new session and its scripts; fails if the id is taken or is not a
    /// session id (``SessionID``).
    func createSession(_ record: SessionRecord) throws(StoreError)
    /// Every stored session, oldest first.
    func sessions() throws(StoreError) -> [SessionRecord]
    /// One stored session.
    func session(_ id: String) throws(StoreError) -> SessionRecord
    /// Saves a session's state for listings (`lease`: see the protocol).
    func setState(_ id: String, _ state: String, lease: SessionLease?) throws(StoreError)
    /// Appends one event durably; `seq`, when given, is the number it must get. A
    /// ``SessionEvent/stored(_:at:)`` event writes its value in the same transaction, or
    /// fails with ``StoreError/Code/storageRefused`` and writes nothing.
    /// - Throws: ``StoreError/Code/leaseLost`` when `lease` is no longer the session's,
    ///   ``StoreError/Code/sessionBusy`` when it is nil and another process holds one.
    @discardableResult
    func append(_ event: SessionEvent, to session: String, seq: Int?, lease: SessionLease?) throws(StoreError) -> Int
    /// Appends several events of one session in one transaction, numbered from `seq` on:
    /// all are stored or none is. Returns the last one's number.
    @discardableResult
    func append(contentsOf events: [SessionEvent], to session: String, from seq: Int, lease: SessionLease?)
        throws(StoreError) -> Int
    /// Replaces a session's events from number `seq` on with `events`, in one transaction:
    /// for the trainer's step back, which takes the last step out of the log and applies
    /// again what came after it. Storage is not touched (a step that kept data is not
    /// taken back).
    func replaceEvents(of session: String, from seq: Int, with events: [SessionEvent], lease: SessionLease?)
        throws(StoreError)
    /// A session's events in order.
    func events(of session: String) throws(StoreError) -> [SessionEvent]
    /// Deletes a session, its events, measures, follow-up codes and answers and session
    /// storage, and the scripts no other session uses; refused while another process
    /// holds its lease.
    func deleteSession(_ id: String) throws(StoreError)
    /// Rewrites a session's events in one transaction (same number, same order): for
    /// anonymising personal data, never for changing what happened. Refused while another
    /// process holds the session's lease.
    func rewriteEvents(of session: String, _ events: [SessionEvent]) throws(StoreError)

    /// Claims the lease on a session for `seconds`: granted when nobody holds it, or its
    /// lease is stale (expired, or its holder's process on this host is gone).
    /// - Throws: ``StoreError/Code/sessionBusy`` naming the holder;
    ///   ``StoreError/Code/unknownSession``; ``StoreError/Code/invalidID``.
    func claim(_ session: String, as holder: LeaseHolder, for seconds: Double) throws(StoreError) -> SessionLease
    /// Extends a lease by `seconds` from now.
    /// - Throws: ``StoreError/Code/leaseLost`` when it was taken over or released.
    func renew(_ lease: SessionLease, for seconds: Double) throws(StoreError) -> SessionLease
    /// Gives a lease up; nothing happens when it is no longer held.
    func release(_ lease: SessionLease) throws(StoreError)
    /// The lease someone holds on a session now; nil when nobody does (or theirs is stale).
    func lease(of session: String) throws(StoreError) -> SessionLease?

    /// What `key` holds now in `scope`, as seen from a session (its organisation).
    func storedValue(session: String, _ scope: StorageScope, key: String) throws(StoreError) -> StoredValue?
    /// Everything scripts keep in one participant's scope, in every organisation.
    func storage(ofParticipant id: String) throws(StoreError) -> [StoredEntry]
    /// Removes one participant's storage in every organisation; returns how many entries.
    @discardableResult
    func forgetStorage(ofParticipant id: String) throws(StoreError) -> Int
    /// Removes what a session's scripts kept for the session (its `"session"` scope).
    func forgetStorage(ofSession id: String) throws(StoreError)
    /// Removes participant storage of an organisation not written since `date`.
    @discardableResult
    func forgetParticipantStorage(in organisation: String, unchangedSince date: Date) throws(StoreError) -> Int

    /// Saves what a session has loaded and measured so far (replacing what was saved),
    /// and its state when given, in one transaction.
    func saveOutcome(
        _ id: String, state: String?, exercises: [ExerciseRun], measures: [Measure], lease: SessionLease?
    ) throws(StoreError)
    /// The exercises a session loaded, with versions and script hashes.
    func exercises(of session: String) throws(StoreError) -> [ExerciseRun]
    /// The measures a session took, in order.
    func measures(of session: String) throws(StoreError) -> [Measure]
    /// Sessions of an organisation that started in `from..<to` (seconds since 1970; nil
    /// leaves that end open), oldest first: for reports across sessions. Rehearsals are
    /// among them (their records say so).
    func sessions(of organisation: String, from: Int64?, to: Int64?) throws(StoreError) -> [SessionRecord]

    /// Stores follow-up codes for participants of sessions, by the hash of each code
    /// (SHA-256, 64 lowercase hex digits): the code itself is never stored. A participant
    /// who has a code keeps it, so issuing again is harmless. Returns the ones that were new.
    /// - Throws: ``StoreError/Code/invalid`` for a hash that is not one, one already issued
    ///   to someone else, or a follow-up that cannot be issued (see ``FollowUp``);
    ///   ``StoreError/Code/unknownSession``. Nothing is stored then.
    @discardableResult
    func issueFollowUps(_ codes: [String: FollowUp]) throws(StoreError) -> [String: FollowUp]
    /// The follow-up a code's hash is for; nil when there is none.
    func followUp(codeHash: String) throws(StoreError) -> FollowUp?
    /// A session's follow-ups, by participant id.
    func followUps(of session: String) throws(StoreError) -> [FollowUp]
    /// Stores a participant's follow-up answers and marks the code used at `now`, in one
    /// transaction. Each answer is about the code's participant and is tagged `follow-up`
    /// (first, when it is not already).
    /// - Throws: ``StoreError/Code/followUpUnknown``, ``StoreError/Code/followUpUsed``,
    ///   ``StoreError/Code/followUpExpired`` (`now` after its `expiresAt`), and
    ///   ``StoreError/Code/invalid`` for an answer to a question it does not ask; each with a
    ///   sentence for the participant. Nothing is stored then.
    @discardableResult
    func answerFollowUp(codeHash: String, measures: [Measure], now: Int64) throws(StoreError) -> FollowUp
    /// A session's follow-up answers: by participant id, each participant's in the order given.
    func followUpMeasures(of session: String) throws(StoreError) -> [Measure]
    /// Removes, in every session, the measures about one participant (their own, ties
    /// where they are the other person, groups they were in), their follow-up codes and
    /// answers. Returns how many rows went.
    @discardableResult
    func forgetMeasures(ofParticipant id: String) throws(StoreError) -> Int

    /// Every organisation, with its retention: days to keep personal data (nil: keep
    /// until deleted).
    func organisations() throws(StoreError) -> [Organisation]
    func setRetentionDays(_ days: Int?, for organisation: String) throws(StoreError)
    /// Marks a session's personal data as removed by retention.
    func markAnonymised(_ id: String, at date: Date) throws(StoreError)
    /// Live sessions of an organisation started before `date` whose personal data is still
    /// there (rehearsals hold bots, not people, and are left alone).
    func sessionsToAnonymise(in organisation: String, startedBefore date: Date) throws(StoreError) -> [String]

    /// A value the server keeps (its signing secret, hashes of trainer tokens, a session's
    /// list of areas), by name; nil when none is stored.
    func serverValue(_ name: String) throws(StoreError) -> String?
    /// Stores a server value, or removes it (nil).
    func setServerValue(_ name: String, _ value: String?) throws(StoreError)
    /// The stored value of `name`, storing `value` first when there is none: hosts that
    /// start at once agree on one.
    func serverValue(_ name: String, orInsert value: String) throws(StoreError) -> String
}

extension SessionStore {
    /// Appends one event as a writer without a lease (refused while someone holds one).
    @discardableResult
    public func append(_ event: SessionEvent, to session: String, seq: Int? = nil) throws(StoreError) -> Int {
        try append(event, to: session, seq: seq, lease: nil)
    }

    /// Saves a session's state as a writer without a lease.
    public func setState(_ id: String, _ state: String) throws(StoreError) {
        try setState(id, state, lease: nil)
    }

    /// Saves what a session loaded and measured, as a writer without a lease.
    public func saveOutcome(_ id: String, exercises: [ExerciseRun], measures: [Measure]) throws(StoreError) {
        try saveOutcome(id, state: nil, exercises: exercises, measures: measures, lease: nil)
    }
}

/// An organisation: sessions, script storage and a retention setting belong to one.
public struct Organisation: Codable, Hashable, Sendable {
    public var id: String
    /// Days to keep personal data after a session started; nil keeps it until deleted.
    public var retentionDays: Int?

    public init(id: String, retentionDays: Int?) {
        self.id = id
        self.retentionDays = retentionDays
    }
}

/// One value a script keeps, as stored.
public struct StoredEntry: Codable, Hashable, Sendable {
    public var organisation: String
    public var key: String
    /// The value in its stored form (see ``StoredValue``).
    public var value: String
}

/// An exercise (or programme) a session ran: the version it declares and the content
/// hash of its script.
public struct ExerciseRun: Codable, Hashable, Sendable {
    public var id: String
    public var version: String
    public var scriptHash: String
    /// The indicators the exercise declares (a report reads them without running it).
    public var indicators: [Indicator]

    public init(id: String, version: String, scriptHash: String, indicators: [Indicator] = []) {
        self.id = id
        self.version = version
        self.scriptHash = scriptHash
        self.indicators = indicators
    }
}

extension SessionRecord {
    /// What a session loaded, with each script's content hash from this record.
    public func runs(_ exercises: [RanExercise]) -> [ExerciseRun] {
        exercises.map { ran in
            let source = ([main] + library).first { $0.fileName == ran.fileName }
            return ExerciseRun(
                id: ran.id, version: ran.version, scriptHash: source?.contentHash ?? "", indicators: ran.indicators)
        }
    }
}

extension SQLiteStore: SessionStore {}
