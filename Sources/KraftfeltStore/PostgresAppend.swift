import PostgresNIO

/// The statement that appends one event to PostgreSQL: it inserts from `held`, a row that
/// exists only when the writer may write (its lease is the session's, or, without one,
/// no lease that has not expired is held), so the check and the insert are one step.
/// `FOR SHARE` keeps the lease row from being taken over until the append commits.
enum PostgresAppend {
    static func query(_ append: PendingAppend) -> PostgresQuery {
        let (session, at, body) = (append.session, append.entries[0].event.at, append.entries[0].text)
        switch (append.lease, append.seq) {
        case (let lease?, let seq?):
            return """
                WITH held AS (SELECT 1 FROM session_lease WHERE session_id = \(session) AND token = \(lease.token) FOR SHARE)
                INSERT INTO event (session_id, seq, at, body) SELECT \(session), \(seq), \(at), \(body) FROM held
                RETURNING seq
                """
        case (let lease?, nil):
            return """
                WITH held AS (SELECT 1 FROM session_lease WHERE session_id = \(session) AND token = \(lease.token) FOR SHARE)
                INSERT INTO event (session_id, seq, at, body)
                SELECT \(session), (SELECT COALESCE(MAX(seq), 0) + 1 FROM event WHERE session_id = \(session)), \(at), \(body)
                FROM held RETURNING seq
                """
        case (nil, let seq?):
            return """
                WITH held AS (SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM session_lease WHERE session_id = \(session)
                  AND expires > clock_timestamp()))
                INSERT INTO event (session_id, seq, at, body) SELECT \(session), \(seq), \(at), \(body) FROM held
                RETURNING seq
                """
        case (nil, nil):
            return """
                WITH held AS (SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM session_lease WHERE session_id = \(session)
                  AND expires > clock_timestamp()))
                INSERT INTO event (session_id, seq, at, body)
                SELECT \(session), (SELECT COALESCE(MAX(seq), 0) + 1 FROM event WHERE session_id = \(session)), \(at), \(body)
                FROM held RETURNING seq
                """
        }
    }
}
