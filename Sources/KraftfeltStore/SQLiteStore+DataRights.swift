import Foundation
import GRDB
import KraftfeltEngine
import KraftfeltLua

/// Everything stored about one participant, for a data-access request.
public struct ParticipantExport: Encodable, Hashable, Sendable {
    public struct SessionPart: Codable, Hashable, Sendable {
        public var session: String
        public var exercise: String
        /// How they joined (name, area, strengths, attributes), each time.
        public var joined: [Participant]
        /// What they answered: question number, answer, milliseconds into the session.
        public var answers: [StoredAnswer]
        /// When they left, if they did.
        public var left: [Int64]
        /// Answers of others that picked this person (a `person` question).
        public var namedIn: Int
        /// Measures about them: their own, ties where they are the other person, groups
        /// they were in.
        public var measures: [Measure] = []
        /// Their follow-up code's record (not the code), and what they answered with it.
        public var followUp: FollowUp?
        public var followUpMeasures: [Measure] = []
    }

    public struct StoredAnswer: Codable, Hashable, Sendable {
        public var ask: Int
        public var value: Answer
        public var at: Int64
    }

    public var participant: String
    public var sessions: [SessionPart]
    /// What scripts keep for this person (`s:remember(p, …)`), by organisation.
    public var storage: [KeptValue]
}

/// A value a script keeps for a person, as an export shows it: plain JSON (a string, a
/// number, a list or an object), not the store's tagged form.
public struct KeptValue: Encodable, Hashable, Sendable {
    public var organisation: String
    public var key: String
    public var value: LuaValue

    public init(organisation: String, key: String, value: LuaValue) {
        self.organisation = organisation
        self.key = key
        self.value = value
    }

    init(_ entry: StoredEntry) throws(StoreError) {
        self.init(organisation: entry.organisation, key: entry.key, value: try StoredForm.value(entry.value).value)
    }

    private enum Keys: String, CodingKey { case organisation, key, value }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(organisation, forKey: .organisation)
        try container.encode(key, forKey: .key)
        try container.encode(Plain(value), forKey: .value)
    }

    /// A Lua value as plain JSON: a table with only a sequence is a list, any other an
    /// object (its keys as text); bytes that are not UTF-8 are shown as base64.
    private struct Plain: Encodable {
        let value: LuaValue
        init(_ value: LuaValue) { self.value = value }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: Encoder) throws {
            switch value {
            case .nil, .function:
                var single = encoder.singleValueContainer()
                try single.encodeNil()
            case .boolean(let b):
                var single = encoder.singleValueContainer()
                try single.encode(b)
            case .integer(let i):
                var single = encoder.singleValueContainer()
                try single.encode(i)
            case .number(let d):
                var single = encoder.singleValueContainer()
                try single.encode(d)
            case .string(let s):
                var single = encoder.singleValueContainer()
                try single.encode(s.text ?? "base64:" + Data(s.bytes).base64EncodedString())
            case .table(let t) where t.fields.isEmpty:
                var list = encoder.unkeyedContainer()
                for element in t.array { try list.encode(Plain(element)) }
            case .table(let t):
                var object = encoder.container(keyedBy: Key.self)
                for (i, element) in t.array.enumerated() {
                    try object.encode(Plain(element), forKey: Key(stringValue: String(i + 1)))
                }
                for field in t.fields {
                    let name =
                        switch field.key {
                        case .string(let s): s.description
                        case .integer(let i): String(i)
                        case .number(let d): String(d)
                        case .boolean(let b): b ? "true" : "false"
                        default: field.key.typeName
                        }
                    try object.encode(Plain(field.value), forKey: Key(stringValue: name))
                }
            }
        }
    }
}

extension SessionStore {
    /// Everything stored about a participant id, in every session (GDPR access request).
    public func export(participant id: String) throws(StoreError) -> ParticipantExport {
        var parts: [ParticipantExport.SessionPart] = []
        for record in try sessions() {
            var part = ParticipantExport.SessionPart(
                session: record.id, exercise: record.exercise, joined: [], answers: [], left: [], namedIn: 0)
            for event in try events(of: record.id) {
                switch event {
                case .join(let p, _) where p.id == id: part.joined.append(p)
                case .leave(let who, let at) where who == id: part.left.append(at)
                case .answer(let ask, let who, let value, let at) where who == id:
                    part.answers.append(ParticipantExport.StoredAnswer(ask: ask, value: value, at: at))
                case .answer(_, _, .text(let picked), _) where picked == id: part.namedIn += 1
                default: break
                }
            }
            part.measures = try measures(of: record.id).filter { MeasureForm.concerns($0, id) }
            part.followUp = try followUps(of: record.id).first { $0.participant == id }
            part.followUpMeasures = try followUpMeasures(of: record.id).filter { MeasureForm.concerns($0, id) }
            if !part.joined.isEmpty || part.namedIn > 0 || !part.measures.isEmpty || part.followUp != nil
                || !part.followUpMeasures.isEmpty
            {
                parts.append(part)
            }
        }
        var kept: [KeptValue] = []
        for entry in try storage(ofParticipant: id) { kept.append(try KeptValue(entry)) }
        return ParticipantExport(participant: id, sessions: parts, storage: kept)
    }

    /// Anonymises one participant in every session: a new id, the name "Anonym", no
    /// strengths or attributes, and "(anonymised)" for their free-text answers; the area,
    /// choices and scales stay for the aggregates. What scripts kept for them
    /// (`s:remember(p, …)`) is deleted, and so are the measures about them (their own,
    /// ties where they are the other person, groups they were in), their follow-up codes
    /// and answers (``SessionStore/forgetMeasures(ofParticipant:)``). Returns how many
    /// sessions' logs changed.
    /// An anonymised session is kept for its numbers; it no longer replays to the same
    /// transcript, so its state says `anonymised`.
    @discardableResult
    public func anonymise(participant id: String) throws(StoreError) -> Int {
        var changed = 0
        for record in try sessions() where try anonymise([id], in: record.id) {
            try setState(record.id, "anonymised")
            changed += 1
        }
        try forgetStorage(ofParticipant: id)
        try forgetMeasures(ofParticipant: id)
        return changed
    }

    /// Anonymises everyone in one session (see ``anonymise(participant:)``), and removes
    /// what its scripts kept and read: the values of every storage event in its log, its
    /// session scope (a script may have put names or free text there), and the free texts
    /// among its measures. What scripts
    /// kept in people's own scopes stays until the retention or a request removes it.
    public func anonymise(session id: String) throws(StoreError) {
        let everyone = try events(of: id).compactMap { event -> String? in
            if case .join(let p, _) = event, !p.id.hasPrefix("anonymous-") { p.id } else { nil }
        }
        try anonymise(Set(everyone), in: id, storageValues: true)
        try forgetStorage(ofSession: id)
        // Free texts measured (a buzz group's goals) may name people: they go too; the
        // numbers, scales and ties stay for the reports.
        let measures = try measures(of: id)
        if measures.contains(where: { $0.text != nil }) {
            let blanked = measures.map { measure -> Measure in
                var measure = measure
                if measure.text != nil { measure.text = "(anonymised)" }
                return measure
            }
            try saveOutcome(id, state: nil, exercises: try exercises(of: id), measures: blanked, lease: nil)
        }
        try setState(id, "anonymised")
    }

    /// Rewrites one session's events without what identifies `ids`; false when none of
    /// them is in it.
    /// - Parameter storageValues: also blank the values of every storage event.
    @discardableResult
    func anonymise(_ ids: Set<String>, in session: String, storageValues: Bool = false) throws(StoreError) -> Bool {
        let events = try events(of: session)
        guard
            storageValues
                || events.contains(where: { if case .join(let p, _) = $0 { ids.contains(p.id) } else { false } })
        else {
            return false
        }
        var aliases: [String: String] = [:]
        for id in ids {
            aliases[id] = "anonymous-" + String(SQLiteStore.hash(ExerciseSource(fileName: session, text: id)).prefix(8))
        }
        func scope(_ scope: StorageScope) -> StorageScope {
            if case .participant(let id) = scope, let alias = aliases[id] { return .participant(alias) }
            return scope
        }
        let rewritten = events.map { event -> SessionEvent in
            switch event {
            case .join(let p, let at) where aliases[p.id] != nil:
                return .join(
                    Participant(id: aliases[p.id]!, name: "Anonym", area: p.area, language: p.language), at: at)
            case .leave(let who, let at) where aliases[who] != nil: return .leave(participant: aliases[who]!, at: at)
            case .saidDone(let who, let at) where aliases[who] != nil:
                return .saidDone(participant: aliases[who]!, at: at)
            case .answer(let ask, let who, let value, let at) where aliases[who] != nil:
                if case .text = value {
                    return .answer(ask: ask, participant: aliases[who]!, value: .text("(anonymised)"), at: at)
                }
                return .answer(ask: ask, participant: aliases[who]!, value: value, at: at)
            case .answer(let ask, let who, .text(let picked), let at) where aliases[picked] != nil:
                return .answer(ask: ask, participant: who, value: .text(aliases[picked]!), at: at)
            case .stored(var write, let at) where storageValues || scope(write.scope) != write.scope:
                write.scope = scope(write.scope)
                write.value = nil
                return .stored(write, at: at)
            case .recalled(var read, let at) where storageValues || scope(read.scope) != read.scope:
                read.scope = scope(read.scope)
                read.value = nil
                return .recalled(read, at: at)
            default: return event
            }
        }
        try rewriteEvents(of: session, rewritten)
        return true
    }

    /// Applies every organisation's retention: sessions that started more than its days
    /// ago are anonymised (their measures, follow-up codes and answers, areas, choices and
    /// scales stay, so reports still count them and pair a person's before with their
    /// follow-up), and participant storage not written for that long is deleted.
    /// A session that cannot be anonymised (its log does not decode) is reported and
    /// skipped; the others go on.
    @discardableResult
    public func applyRetention(now: Date = Date()) throws(StoreError) -> RetentionOutcome {
        var outcome = RetentionOutcome()
        for organisation in try organisations() {
            guard let days = organisation.retentionDays else { continue }
            let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
            for id in try sessionsToAnonymise(in: organisation.id, startedBefore: cutoff) {
                do {
                    try anonymise(session: id)
                    try markAnonymised(id, at: now)
                    outcome.anonymised.append(id)
                } catch  where [.corrupt, .unknownSession, .sessionBusy].contains(error.code) {
                    outcome.failures.append("retention could not anonymise session \(id): \(error.message)")
                }
            }
            try forgetParticipantStorage(in: organisation.id, unchangedSince: cutoff)
        }
        return outcome
    }
}

/// What a retention run did.
public struct RetentionOutcome: Hashable, Sendable {
    /// The sessions it anonymised.
    public var anonymised: [String] = []
    /// The sessions it could not anonymise, and why.
    public var failures: [String] = []
}

extension SQLiteStore {
    public func rewriteEvents(of session: String, _ events: [SessionEvent]) throws(StoreError) {
        var bodies: [String] = []
        for event in events { bodies.append(try StoredForm.encode(event)) }
        try write { db in
            let count = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM event WHERE sessionId = ?", arguments: [session])
            guard count == bodies.count else {
                throw StoreError(.corrupt, "session \(session): the rewrite has another length")
            }
            try Self.checkWriter(session, nil, db)
            for (i, body) in bodies.enumerated() {
                try db.execute(
                    sql: "UPDATE event SET body = ? WHERE sessionId = ? AND seq = ?", arguments: [body, session, i + 1])
            }
        }
    }

    /// Deletes a session, its events, and the scripts no other session uses.
    public func deleteSession(_ id: String) throws(StoreError) {
        try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM session WHERE id = ?", arguments: [id]) == true else {
                throw StoreError(.unknownSession, "no session with id \(SessionID.named(id))")
            }
            try Self.checkWriter(id, nil, db)
            try db.execute(sql: "DELETE FROM event WHERE sessionId = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM storage WHERE kind = 'session' AND owner = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [id])
            let used = Set(try String.fetchAll(db, sql: "SELECT mainScript FROM session"))
                .union(
                    try String.fetchAll(db, sql: "SELECT library FROM session").flatMap(StoredForm.libraryHashes))
            for hash in try String.fetchAll(db, sql: "SELECT hash FROM script") where !used.contains(hash) {
                try db.execute(sql: "DELETE FROM script WHERE hash = ?", arguments: [hash])
            }
        }
    }
}
