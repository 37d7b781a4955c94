import Foundation
import GRDB
import KraftfeltEngine

/// Everything stored about one participant, for a data-access request.
public struct ParticipantExport: Codable, Hashable, Sendable {
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
    }

    public struct StoredAnswer: Codable, Hashable, Sendable {
        public var ask: Int
        public var value: Answer
        public var at: Int64
    }

    public var participant: String
    public var sessions: [SessionPart]
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
            if !part.joined.isEmpty || part.namedIn > 0 { parts.append(part) }
        }
        return ParticipantExport(participant: id, sessions: parts)
    }

}

extension SessionStore {
    /// Anonymises one participant in every session: a new id, the name "Anonym", no
    /// strengths or attributes, and "(anonymised)" for their free-text answers; the area,
    /// choices and scales stay for the aggregates. Returns how many sessions changed.
    /// An anonymised session is kept for its numbers; it no longer replays to the same
    /// transcript, so its state says `anonymised`.
    @discardableResult
    public func anonymise(participant id: String) throws(StoreError) -> Int {
        var changed = 0
        for record in try sessions() {
            let events = try events(of: record.id)
            guard events.contains(where: { if case .join(let p, _) = $0 { p.id == id } else { false } }) else {
                continue
            }
            let alias = "anonymous-" + String(SQLiteStore.hash(ExerciseSource(fileName: record.id, text: id)).prefix(8))
            let rewritten = events.map { event -> SessionEvent in
                switch event {
                case .join(var p, let at) where p.id == id:
                    p = Participant(id: alias, name: "Anonym", area: p.area, language: p.language)
                    return .join(p, at: at)
                case .leave(let who, let at) where who == id: return .leave(participant: alias, at: at)
                case .answer(let ask, let who, let value, let at) where who == id:
                    if case .text = value {
                        return .answer(ask: ask, participant: alias, value: .text("(anonymised)"), at: at)
                    }
                    return .answer(ask: ask, participant: alias, value: value, at: at)
                case .answer(let ask, let who, .text(let picked), let at) where picked == id:
                    return .answer(ask: ask, participant: who, value: .text(alias), at: at)
                default: return event
                }
            }
            try rewriteEvents(of: record.id, rewritten)
            try setState(record.id, "anonymised")
            changed += 1
        }
        return changed
    }
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
                throw StoreError(.unknownSession, "no session with id \(id)")
            }
            try db.execute(sql: "DELETE FROM event WHERE sessionId = ?", arguments: [id])
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
