import Foundation
import GRDB

extension SQLiteStore {
    public func claim(_ session: String, as holder: LeaseHolder, for seconds: Double) throws(StoreError)
        -> SessionLease
    {
        try SessionID.validate(session)
        try LeaseTerms.check(seconds)
        return try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM session WHERE id = ?", arguments: [session]) == true else {
                throw StoreError(.unknownSession, "no session with id \(session)")
            }
            let now = Date()
            if let current = try Self.lease(of: session, db), !current.isStale(at: now) { throw current.busy(at: now) }
            // Dates as the row gives them back (seconds since 1970), so a lease compares equal to its row.
            let lease = SessionLease(
                session: session, holder: holder, token: UUID().uuidString,
                since: Date(timeIntervalSince1970: now.timeIntervalSince1970),
                expires: Date(timeIntervalSince1970: now.timeIntervalSince1970 + seconds))
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO session_lease (sessionId, token, host, pid, processStart, program, since, expires)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    session, lease.token, holder.host, holder.pid, holder.processStart, holder.program,
                    now.timeIntervalSince1970, now.timeIntervalSince1970 + seconds,
                ])
            return lease
        }
    }

    public func renew(_ lease: SessionLease, for seconds: Double) throws(StoreError) -> SessionLease {
        try LeaseTerms.check(seconds)
        return try write { db in
            let now = Date()
            var renewed = lease
            let expires = now.timeIntervalSince1970 + seconds
            renewed.expires = Date(timeIntervalSince1970: expires)
            try db.execute(
                sql: "UPDATE session_lease SET expires = ? WHERE sessionId = ? AND token = ?",
                arguments: [expires, lease.session, lease.token])
            guard db.changesCount == 1 else { throw lease.lost(to: try Self.lease(of: lease.session, db), at: now) }
            return renewed
        }
    }

    public func release(_ lease: SessionLease) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "DELETE FROM session_lease WHERE sessionId = ? AND token = ?",
                arguments: [lease.session, lease.token])
        }
    }

    public func lease(of session: String) throws(StoreError) -> SessionLease? {
        let now = Date()
        return try read { db in try Self.lease(of: session, db) }.flatMap { $0.isStale(at: now) ? nil : $0 }
    }

    /// The lease row of a session, stale or not.
    static func lease(of session: String, _ db: Database) throws -> SessionLease? {
        let statement = try db.cachedStatement(
            sql: "SELECT token, host, pid, processStart, program, since, expires FROM session_lease WHERE sessionId = ?"
        )
        guard let row = try Row.fetchOne(statement, arguments: [session]) else { return nil }
        let holder = LeaseHolder(
            host: row["host"], pid: Int32(truncatingIfNeeded: row["pid"] as Int64), processStart: row["processStart"],
            program: row["program"])
        return SessionLease(
            session: session, holder: holder, token: row["token"],
            since: Date(timeIntervalSince1970: row["since"]), expires: Date(timeIntervalSince1970: row["expires"]))
    }

    /// Refuses a write to a session's log or state unless `lease` is the session's lease,
    /// or, for a writer without one, nobody holds a lease that is not stale.
    static func checkWriter(_ session: String, _ lease: SessionLease?, _ db: Database) throws {
        try SessionLease.admit(lease, current: try Self.lease(of: session, db), at: Date())
    }
}
