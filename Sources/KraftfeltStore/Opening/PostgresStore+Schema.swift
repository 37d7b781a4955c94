import Foundation
import KraftfeltEngine
import PostgresNIO

/// The PostgreSQL schema: found without changing anything, then created or upgraded in
/// one transaction (read-write only).
extension PostgresStore {
    /// This build's schema version (the highest in `kraftfelt_schema`).
    static let version = 6

    /// The tables each version adds (the fifth adds a column, the sixth columns and tables).
    static let tables: [[String]] = [
        ["script", "session", "event"], ["organisation", "storage", "measure", "exercise"], ["session_lease"],
        ["server_value"], [], ["follow_up", "follow_up_measure"],
    ]

    /// What the schema holds.
    enum Found: Equatable {
        /// No Kraftfelt tables (and none named like them).
        case missing
        case kraftfelt(version: Int)
    }

    /// Checks the schema; read-write creates or upgrades it, under a lock per schema so
    /// that hosts starting at once do it once.
    func prepare() throws(StoreError) -> SchemaChange {
        if access == .readOnly {
            let found = try with { db in try inspect(db) }
            switch found {
            case .missing: throw StoreError(.noData, "\(place): nothing is stored here yet")
            case .kraftfelt(let version) where version < Self.version:
                throw StoreError(
                    .olderVersion,
                    "\(place): the database has schema version \(version) of Kraftfelt and this version reads "
                        + "\(Self.version): it must be upgraded first")
            case .kraftfelt: return .none
            }
        }
        return try transaction { db in
            try run("SELECT pg_advisory_xact_lock(hashtext(\("kraftfelt:" + schema)))", on: db)
            switch try inspect(db) {
            case .missing:
                try run(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), on: db)
                try run("CREATE TABLE IF NOT EXISTS kraftfelt_schema (version INTEGER NOT NULL)", on: db)
                try upgrade(from: 0, db)
                return .created
            case .kraftfelt(let version) where version < Self.version:
                try upgrade(from: version, db)
                return .upgraded(from: version)
            case .kraftfelt:
                return .none
            }
        }
    }

    /// What the schema holds: refuses tables named like Kraftfelt's without its record, a
    /// record that is not Kraftfelt's, a newer version, and missing tables. Other tables
    /// in the schema are left alone (a PostgreSQL schema is often shared).
    func inspect(_ db: PostgresConnection) throws -> Found {
        let relations = try run(
            """
            SELECT c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = \(schema) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            """, on: db
        ).collect().map { try $0.decode((String, String).self) }
        let kinds = Dictionary(relations, uniquingKeysWith: { first, _ in first })
        let ours = Set(Self.tables.joined())
        guard kinds["kraftfelt_schema"] != nil else {
            let clash = ours.intersection(kinds.keys)
            if clash.isEmpty { return .missing }
            throw StoreError(
                .notADatabase,
                "\(place): not a Kraftfelt database: it holds tables named like Kraftfelt's "
                    + "(\(SQLiteInspection.list(clash))) but no kraftfelt_schema; nothing was changed")
        }
        let versions: [Int]
        do {
            versions = try run("SELECT version FROM kraftfelt_schema", on: db).collect().map {
                try $0.decode(Int.self)
            }
        } catch {
            throw StoreError(
                .notADatabase,
                "\(place): not a Kraftfelt database: its kraftfelt_schema is not Kraftfelt's; nothing was changed")
        }
        guard let newest = versions.max() else {
            let present = ours.intersection(kinds.keys)
            if present.isEmpty { return .missing }
            throw damaged("kraftfelt_schema is empty, but \(SQLiteInspection.list(present)) are there")
        }
        if newest > Self.version {
            throw StoreError(
                .newerVersion,
                "\(place): the database was written by a newer version of Kraftfelt (schema version \(newest); "
                    + "this version knows 1 to \(Self.version))")
        }
        guard Set(versions) == Set(1...max(1, newest)) else {
            throw damaged(
                "kraftfelt_schema lists versions \(versions.sorted().map(String.init).joined(separator: ", "))")
        }
        let expected = Set(Self.tables.prefix(newest).joined())
        let missing = expected.filter { kinds[$0] == nil }
        if !missing.isEmpty { throw damaged("its tables \(SQLiteInspection.list(Set(missing))) are missing") }
        let foreign = expected.filter { !["r", "p"].contains(kinds[$0]) }
        if !foreign.isEmpty {
            throw StoreError(
                .notADatabase,
                "\(place): not a Kraftfelt database: \(SQLiteInspection.list(Set(foreign))) are views or foreign "
                    + "tables, not Kraftfelt's tables; nothing was changed")
        }
        return .kraftfelt(version: newest)
    }

    private func damaged(_ why: String) -> StoreError {
        StoreError(.damaged, "\(place): the database is damaged (\(why)); restore it from a backup")
    }

    /// Creates what each version after `version` adds.
    private func upgrade(from version: Int, _ db: PostgresConnection) throws {
        if version < 1 {
            try run("CREATE TABLE script (hash TEXT PRIMARY KEY, file_name TEXT NOT NULL, text TEXT NOT NULL)", on: db)
            try run(
                """
                CREATE TABLE session (id TEXT PRIMARY KEY, exercise TEXT NOT NULL,
                  main_script TEXT NOT NULL REFERENCES script, library TEXT NOT NULL, seed TEXT NOT NULL,
                  started_at BIGINT NOT NULL, language TEXT NOT NULL, state TEXT NOT NULL, rehearsal TEXT,
                  created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())
                """, on: db)
            try run(
                """
                CREATE TABLE event (session_id TEXT NOT NULL REFERENCES session ON DELETE CASCADE,
                  seq INTEGER NOT NULL, at BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (session_id, seq))
                """, on: db)
            try run("INSERT INTO kraftfelt_schema VALUES (1)", on: db)
        }
        if version < 2 {
            try run("CREATE TABLE organisation (id TEXT PRIMARY KEY, retention_days INTEGER)", on: db)
            try run(
                PostgresQuery(
                    unsafeSQL: """
                        ALTER TABLE session ADD COLUMN organisation TEXT NOT NULL DEFAULT '\(SessionRecord.defaultOrganisation)',
                          ADD COLUMN anonymised_at TIMESTAMPTZ
                        """), on: db)
            try run("INSERT INTO organisation (id) SELECT DISTINCT organisation FROM session", on: db)
            try run(
                """
                CREATE TABLE storage (organisation TEXT NOT NULL, kind TEXT NOT NULL, owner TEXT NOT NULL,
                  key TEXT NOT NULL, value TEXT NOT NULL, size INTEGER NOT NULL,
                  updated_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
                  PRIMARY KEY (organisation, kind, owner, key))
                """, on: db)
            try run(
                """
                CREATE TABLE measure (session_id TEXT NOT NULL REFERENCES session ON DELETE CASCADE,
                  position INTEGER NOT NULL, exercise TEXT NOT NULL, name TEXT NOT NULL,
                  value DOUBLE PRECISION NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (session_id, position))
                """, on: db)
            try run(
                """
                CREATE TABLE exercise (session_id TEXT NOT NULL REFERENCES session ON DELETE CASCADE,
                  position INTEGER NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL, script_hash TEXT NOT NULL,
                  PRIMARY KEY (session_id, position))
                """, on: db)
            try run("INSERT INTO kraftfelt_schema VALUES (2)", on: db)
        }
        if version < 3 {
            // Who runs each session (see SessionLease); times are the server's.
            try run(
                """
                CREATE TABLE session_lease (session_id TEXT PRIMARY KEY REFERENCES session ON DELETE CASCADE,
                  token TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, process_start BIGINT NOT NULL,
                  program TEXT NOT NULL, since TIMESTAMPTZ NOT NULL, expires TIMESTAMPTZ NOT NULL)
                """, on: db)
            try run("INSERT INTO kraftfelt_schema VALUES (3)", on: db)
        }
        if version < 4 {
            // What `kraftfelt serve` keeps: its signing secret, trainer tokens' hashes, areas.
            try run("CREATE TABLE server_value (name TEXT PRIMARY KEY, value TEXT NOT NULL)", on: db)
            try run("INSERT INTO kraftfelt_schema VALUES (4)", on: db)
        }
        if version < 5 {
            // The pack a session's scripts came from, as JSON (see PackProvenance); NULL when
            // they are not from a pack, as for every session stored before.
            try run("ALTER TABLE session ADD COLUMN pack TEXT", on: db)
            try run("INSERT INTO kraftfelt_schema VALUES (5)", on: db)
        }
        if version < 6 {
            // Whom a measure is about, its texts and tags; a measure stored before is the
            // session's, without tags. Follow-up codes by the SHA-256 of the code (never the
            // code), times in seconds since 1970, indicators a JSON array of the indicators it asks.
            // The indicators an exercise declares, as a JSON array; none for one stored before.
            try run("ALTER TABLE exercise ADD COLUMN indicators TEXT NOT NULL DEFAULT '[]'", on: db)
            try run(
                """
                ALTER TABLE measure ADD COLUMN subject_kind TEXT NOT NULL DEFAULT 'session',
                  ADD COLUMN subject_id TEXT NOT NULL DEFAULT '', ADD COLUMN area TEXT, ADD COLUMN text TEXT,
                  ADD COLUMN other TEXT, ADD COLUMN other_area TEXT, ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'
                """, on: db)
            try run(
                """
                CREATE TABLE follow_up (code_hash TEXT PRIMARY KEY,
                  session_id TEXT NOT NULL REFERENCES session ON DELETE CASCADE, participant TEXT NOT NULL,
                  indicators TEXT NOT NULL, issued_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT,
                  UNIQUE (session_id, participant))
                """, on: db)
            try run(
                """
                CREATE TABLE follow_up_measure (session_id TEXT NOT NULL REFERENCES session ON DELETE CASCADE,
                  participant TEXT NOT NULL, position INTEGER NOT NULL, exercise TEXT NOT NULL, name TEXT NOT NULL,
                  value DOUBLE PRECISION NOT NULL, at BIGINT NOT NULL,
                  subject_kind TEXT NOT NULL DEFAULT 'session', subject_id TEXT NOT NULL DEFAULT '', area TEXT,
                  text TEXT, other TEXT, other_area TEXT, tags TEXT NOT NULL DEFAULT '[]',
                  PRIMARY KEY (session_id, participant, position))
                """, on: db)
            try run("INSERT INTO kraftfelt_schema VALUES (6)", on: db)
        }
    }
}
