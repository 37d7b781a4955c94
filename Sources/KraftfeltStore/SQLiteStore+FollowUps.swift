import Foundation
import GRDB
import KraftfeltEngine

/// Follow-up codes and answers, sessions of an organisation, and forgetting one
/// participant's measures (see ``SessionStore``).
extension SQLiteStore {
    public func sessions(of organisation: String, from: Int64?, to: Int64?) throws(StoreError) -> [SessionRecord] {
        let ids = try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM session WHERE organisation = ? AND (? IS NULL OR startedAt >= ?)
                      AND (? IS NULL OR startedAt < ?)
                    ORDER BY startedAt, id
                    """, arguments: [organisation, from, from, to, to])
        }
        var records: [SessionRecord] = []
        for id in ids { records.append(try session(id)) }
        return records
    }

    @discardableResult
    public func issueFollowUps(_ codes: [String: FollowUp]) throws(StoreError) -> [String: FollowUp] {
        try FollowUpIssue.check(codes)
        return try write { db in
            var new: [String: FollowUp] = [:]
            for (hash, followUp) in codes.sorted(by: { $0.key < $1.key }) {
                guard
                    try Bool.fetchOne(db, sql: "SELECT 1 FROM session WHERE id = ?", arguments: [followUp.session])
                        == true
                else { throw StoreError(.unknownSession, "no session with id \(SessionID.named(followUp.session))") }
                let holder = try Row.fetchOne(
                    db, sql: "SELECT sessionId, participant FROM follow_up WHERE codeHash = ?", arguments: [hash])
                if let holder {
                    guard (holder["sessionId"] as String) == followUp.session,
                        (holder["participant"] as String) == followUp.participant
                    else {
                        throw FollowUpIssue.taken(hash)
                    }
                    continue
                }
                try db.execute(
                    sql: """
                        INSERT INTO follow_up (codeHash, sessionId, participant, indicators, issuedAt, expiresAt)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sessionId, participant) DO NOTHING
                        """,
                    arguments: [
                        hash, followUp.session, followUp.participant, MeasureForm.indicators(followUp.indicators),
                        followUp.issuedAt, followUp.expiresAt,
                    ])
                if db.changesCount == 1 { new[hash] = followUp }
            }
            return new
        }
    }

    public func followUp(codeHash: String) throws(StoreError) -> FollowUp? {
        try FollowUp.validate(codeHash: codeHash)
        return try read { db in try Self.followUp(codeHash, db) }
    }

    public func followUps(of session: String) throws(StoreError) -> [FollowUp] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM follow_up WHERE sessionId = ? ORDER BY participant", arguments: [session]
            )
            .map { row throws(StoreError) in try Self.followUpRow(row) }
        }
    }

    @discardableResult
    public func answerFollowUp(codeHash: String, measures: [Measure], now: Int64) throws(StoreError) -> FollowUp {
        try FollowUp.validate(codeHash: codeHash)
        return try write { db in
            guard var followUp = try Self.followUp(codeHash, db) else { throw FollowUp.unknown }
            if followUp.usedAt != nil { throw FollowUp.used(followUp) }
            if now > followUp.expiresAt { throw FollowUp.expired(followUp) }
            let answers = try followUp.answers(measures)
            try db.execute(
                sql: "UPDATE follow_up SET usedAt = ? WHERE codeHash = ? AND usedAt IS NULL",
                arguments: [now, codeHash])
            guard db.changesCount == 1 else { throw FollowUp.used(followUp) }
            for (i, measure) in answers.enumerated() {
                try Self.insert(
                    measure, into: "follow_up_measure", key: [followUp.session, followUp.participant, i + 1], db)
            }
            followUp.usedAt = now
            return followUp
        }
    }

    public func followUpMeasures(of session: String) throws(StoreError) -> [Measure] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT participant, position, \(Self.measureColumns) FROM follow_up_measure WHERE sessionId = ?
                    ORDER BY participant, position
                    """, arguments: [session]
            ).map { row throws(StoreError) in
                try Self.measure(
                    row,
                    place: "session \(SessionID.named(session)): follow-up measure \(row["position"] as Int) of "
                        + SessionID.shown(row["participant"]))
            }
        }
    }

    @discardableResult
    public func forgetMeasures(ofParticipant id: String) throws(StoreError) -> Int {
        try write { db in
            var count = 0
            // A group's id holds its members' ids joined with `+`.
            let concerns = """
                (subjectKind = 'participant' AND subjectId = ?1) OR other = ?1
                  OR (subjectKind = 'group' AND instr('+' || subjectId || '+', '+' || ?1 || '+') > 0)
                """
            for table in ["measure", "follow_up_measure"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE \(concerns)", arguments: [id])
                count += db.changesCount
            }
            try db.execute(sql: "DELETE FROM follow_up_measure WHERE participant = ?", arguments: [id])
            count += db.changesCount
            try db.execute(sql: "DELETE FROM follow_up WHERE participant = ?", arguments: [id])
            return count + db.changesCount
        }
    }

    static func followUp(_ hash: String, _ db: Database) throws -> FollowUp? {
        try Row.fetchOne(db, sql: "SELECT * FROM follow_up WHERE codeHash = ?", arguments: [hash]).map(followUpRow)
    }

    static func followUpRow(_ row: Row) throws(StoreError) -> FollowUp {
        let session: String = row["sessionId"]
        return FollowUp(
            session: session, participant: row["participant"],
            indicators: try MeasureForm.indicators(
                row["indicators"], "session \(SessionID.named(session)): a follow-up's indicators"),
            issuedAt: row["issuedAt"], expiresAt: row["expiresAt"], usedAt: row["usedAt"])
    }
}

/// What issuing follow-up codes checks before it stores any, the same in every store.
enum FollowUpIssue {
    static func check(_ codes: [String: FollowUp]) throws(StoreError) {
        var holders: Set<[String]> = []
        for (hash, followUp) in codes.sorted(by: { $0.key < $1.key }) {
            try FollowUp.validate(codeHash: hash)
            try FollowUp.validate(followUp)
            guard holders.insert([followUp.session, followUp.participant]).inserted else {
                throw StoreError(
                    .invalid,
                    "participant \(SessionID.shown(followUp.participant)) of session \(followUp.session) has two new "
                        + "codes: a participant gets one")
            }
        }
    }

    /// A hash another participant's code has: the caller draws another code.
    static func taken(_ hash: String) -> StoreError {
        StoreError(
            .invalid, "the follow-up code with hash \(hash.prefix(12))… is another participant's: draw another code")
    }
}
