import Foundation
import KraftfeltEngine
import PostgresNIO

/// Follow-up codes and answers, sessions of an organisation, and forgetting one
/// participant's measures (see ``SessionStore``).
extension PostgresStore {
    public func sessions(of organisation: String, from: Int64?, to: Int64?) throws(StoreError) -> [SessionRecord] {
        let ids = try with { db in
            try run(
                """
                SELECT id FROM session WHERE organisation = \(organisation)
                  AND started_at >= \(from ?? Int64.min) AND started_at < \(to ?? Int64.max)
                ORDER BY started_at, id COLLATE "C"
                """, on: db
            ).collect().map { try $0.decode(String.self) }
        }
        var records: [SessionRecord] = []
        for id in ids { records.append(try session(id)) }
        return records
    }

    @discardableResult
    public func issueFollowUps(_ codes: [String: FollowUp]) throws(StoreError) -> [String: FollowUp] {
        try FollowUpIssue.check(codes)
        return try transaction { db in
            var new: [String: FollowUp] = [:]
            for (hash, followUp) in codes.sorted(by: { $0.key < $1.key }) {
                let known = try run("SELECT 1 FROM session WHERE id = \(followUp.session)", on: db).collect()
                guard !known.isEmpty else {
                    throw StoreError(.unknownSession, "no session with id \(SessionID.named(followUp.session))")
                }
                // Takes the hash, or finds whose it is; a participant who has a code keeps it.
                let inserted = try run(
                    """
                    INSERT INTO follow_up (code_hash, session_id, participant, indicators, issued_at, expires_at)
                    VALUES (\(hash), \(followUp.session), \(followUp.participant), \(MeasureForm.indicators(followUp.indicators)),
                      \(followUp.issuedAt), \(followUp.expiresAt))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """, on: db
                ).collect()
                if !inserted.isEmpty {
                    new[hash] = followUp
                    continue
                }
                let holder = try run(
                    "SELECT session_id, participant FROM follow_up WHERE code_hash = \(hash)", on: db
                ).collect().first.map { try $0.decode((String, String).self) }
                if let holder, holder != (followUp.session, followUp.participant) { throw FollowUpIssue.taken(hash) }
            }
            return new
        }
    }

    public func followUp(codeHash: String) throws(StoreError) -> FollowUp? {
        try FollowUp.validate(codeHash: codeHash)
        return try with { db in try followUp(codeHash, lock: false, db) }
    }

    public func followUps(of session: String) throws(StoreError) -> [FollowUp] {
        try with { db in
            try run(
                """
                SELECT \(unescaped: Self.followUpColumns) FROM follow_up WHERE session_id = \(session)
                ORDER BY participant COLLATE "C"
                """, on: db
            ).collect().map(Self.followUpRow)
        }
    }

    @discardableResult
    public func answerFollowUp(codeHash: String, measures: [Measure], now: Int64) throws(StoreError) -> FollowUp {
        try FollowUp.validate(codeHash: codeHash)
        return try transaction { db in
            // Locked: of two answers with one code, the second waits here and sees it used.
            guard var followUp = try self.followUp(codeHash, lock: true, db) else { throw FollowUp.unknown }
            if followUp.usedAt != nil { throw FollowUp.used(followUp) }
            if now > followUp.expiresAt { throw FollowUp.expired(followUp) }
            let answers = try followUp.answers(measures)
            let marked = try run(
                "UPDATE follow_up SET used_at = \(now) WHERE code_hash = \(codeHash) AND used_at IS NULL RETURNING 1",
                on: db
            ).collect()
            guard !marked.isEmpty else { throw FollowUp.used(followUp) }
            for (i, measure) in answers.enumerated() {
                try run(
                    """
                    INSERT INTO follow_up_measure (session_id, participant, position, \(unescaped: Self.measureColumns))
                    VALUES (\(followUp.session), \(followUp.participant), \(i + 1), \(values: measure))
                    """, on: db)
            }
            followUp.usedAt = now
            return followUp
        }
    }

    public func followUpMeasures(of session: String) throws(StoreError) -> [Measure] {
        try with { db in
            try run(
                """
                SELECT participant, position, \(unescaped: Self.measureColumns) FROM follow_up_measure
                WHERE session_id = \(session) ORDER BY participant COLLATE "C", position
                """, on: db
            ).collect().map { row in
                let (participant, position) = try row.decode((String, Int).self)
                return try Self.measure(
                    row,
                    place: "session \(SessionID.named(session)): follow-up measure \(position) of "
                        + SessionID.shown(participant))
            }
        }
    }

    @discardableResult
    public func forgetMeasures(ofParticipant id: String) throws(StoreError) -> Int {
        try transaction { db in
            var count = 0
            for table in ["measure", "follow_up_measure"] {
                // A group's id holds its members' ids joined with `+`.
                count += try run(
                    """
                    DELETE FROM \(unescaped: table) WHERE (subject_kind = 'participant' AND subject_id = \(id))
                      OR other = \(id)
                      OR (subject_kind = 'group' AND strpos('+' || subject_id || '+', '+' || \(id) || '+') > 0)
                    RETURNING 1
                    """, on: db
                ).collect().count
            }
            count += try run("DELETE FROM follow_up_measure WHERE participant = \(id) RETURNING 1", on: db).collect()
                .count
            count += try run("DELETE FROM follow_up WHERE participant = \(id) RETURNING 1", on: db).collect().count
            return count
        }
    }

    static let followUpColumns = "session_id, participant, indicators, issued_at, expires_at, used_at"

    private func followUp(_ hash: String, lock: Bool, _ db: PostgresConnection) throws -> FollowUp? {
        try run(
            """
            SELECT \(unescaped: Self.followUpColumns) FROM follow_up WHERE code_hash = \(hash)
            \(unescaped: lock ? "FOR UPDATE" : "")
            """, on: db
        ).collect().first.map(Self.followUpRow)
    }

    static func followUpRow(_ row: PostgresRow) throws -> FollowUp {
        let (session, participant, indicators, issuedAt, expiresAt, usedAt) = try row.decode(
            (String, String, String, Int64, Int64, Int64?).self)
        return FollowUp(
            session: session, participant: participant,
            indicators: try MeasureForm.indicators(
                indicators, "session \(SessionID.named(session)): a follow-up's indicators"),
            issuedAt: issuedAt, expiresAt: expiresAt, usedAt: usedAt)
    }
}
