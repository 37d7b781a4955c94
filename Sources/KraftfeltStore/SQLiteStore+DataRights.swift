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

extension SQLiteStore {
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
