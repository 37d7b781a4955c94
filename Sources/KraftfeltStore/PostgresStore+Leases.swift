import Foundation
import PostgresNIO

extension PostgresStore {
    public func claim(_ session: String, as holder: LeaseHolder, for seconds: Double) throws(StoreError)
        -> SessionLease
    {
        try SessionID.validate(session)
        try LeaseTerms.check(seconds)
        let token = UUID().uuidString
        return try transaction { db in
            let exists = try run("SELECT 1 FROM session WHERE id = \(session) FOR SHARE", on: db).collect()
            guard !exists.isEmpty else { throw StoreError(.unknownSession, "no session with id \(session)") }
            // A claimant that arrives while another inserts waits for it here, then finds its row.
            let inserted = try run(
                """
                INSERT INTO session_lease (session_id, token, host, pid, process_start, program, since, expires)
                VALUES (\(session), \(token), \(holder.host), \(holder.pid), \(holder.processStart), \(holder.program),
                  clock_timestamp(), clock_timestamp() + make_interval(secs => \(seconds)))
                ON CONFLICT (session_id) DO NOTHING RETURNING since, expires
                """, on: db
            ).collect()
            if let row = inserted.first {
                let (since, expires) = try row.decode((Date, Date).self)
                return SessionLease(session: session, holder: holder, token: token, since: since, expires: expires)
            }
            let (current, now) = try leaseRow(session, db, lock: true)
            if let current, !current.isStale(at: now) { throw current.busy(at: now) }
            let updated = try run(
                """
                UPDATE session_lease SET token = \(token), host = \(holder.host), pid = \(holder.pid),
                  process_start = \(holder.processStart), program = \(holder.program), since = clock_timestamp(),
                  expires = clock_timestamp() + make_interval(secs => \(seconds))
                WHERE session_id = \(session) RETURNING since, expires
                """, on: db
            ).collect()
            guard let row = updated.first else { throw StoreError(.unknownSession, "no session with id \(session)") }
            let (since, expires) = try row.decode((Date, Date).self)
            return SessionLease(session: session, holder: holder, token: token, since: since, expires: expires)
        }
    }

    public func renew(_ lease: SessionLease, for seconds: Double) throws(StoreError) -> SessionLease {
        try LeaseTerms.check(seconds)
        return try with { db in
            let rows = try run(
                """
                UPDATE session_lease SET expires = clock_timestamp() + make_interval(secs => \(seconds))
                WHERE session_id = \(lease.session) AND token = \(lease.token) RETURNING expires
                """, on: db
            ).collect()
            guard let row = rows.first else {
                let (current, now) = try leaseRow(lease.session, db, lock: false)
                throw lease.lost(to: current, at: now)
            }
            var renewed = lease
            renewed.expires = try row.decode(Date.self)
            return renewed
        }
    }

    public func release(_ lease: SessionLease) throws(StoreError) {
        try with { db in
            try run(
                "DELETE FROM session_lease WHERE session_id = \(lease.session) AND token = \(lease.token)", on: db)
        }
    }

    public func lease(of session: String) throws(StoreError) -> SessionLease? {
        let (current, now) = try with { db in try leaseRow(session, db, lock: false) }
        return current.flatMap { $0.isStale(at: now) ? nil : $0 }
    }

    /// The lease row of a session (stale or not) and the server's time; `lock` takes the
    /// row for update (inside a transaction).
    func leaseRow(_ session: String, _ db: PostgresConnection, lock: Bool) throws -> (SessionLease?, Date) {
        let now = try run("SELECT clock_timestamp()", on: db).collect().first.map { try $0.decode(Date.self) } ?? Date()
        let rows =
            lock
            ? try run(
                """
                SELECT token, host, pid, process_start, program, since, expires FROM session_lease
                WHERE session_id = \(session) FOR UPDATE
                """, on: db
            ).collect()
            : try run(
                """
                SELECT token, host, pid, process_start, program, since, expires FROM session_lease
                WHERE session_id = \(session)
                """, on: db
            ).collect()
        guard let row = rows.first else { return (nil, now) }
        let (token, host, pid, start, program, since, expires) = try row.decode(
            (String, String, Int32, Int64, String, Date, Date).self)
        let holder = LeaseHolder(host: host, pid: pid, processStart: start, program: program)
        return (SessionLease(session: session, holder: holder, token: token, since: since, expires: expires), now)
    }

    /// Refuses a write to a session unless `lease` is its lease, or, without one, nobody
    /// holds a lease that is not stale (inside a transaction: the row stays locked).
    func checkWriter(_ session: String, _ lease: SessionLease?, _ db: PostgresConnection) throws {
        let (current, now) = try leaseRow(session, db, lock: true)
        try SessionLease.admit(lease, current: current, at: now)
    }
}
