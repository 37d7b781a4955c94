import GRDB
import KraftfeltEngine

/// The SQLite store's schema: its migrations, the tables each adds, and the mark that
/// says a file is Kraftfelt's.
enum SQLiteSchema {
    /// `PRAGMA application_id` of a Kraftfelt store ("KRFT"), set by the third migration
    /// (files of the first two versions have 0 and are recognised by their tables).
    static let applicationID: Int32 = 0x4B52_4654

    /// The migrations, in order: the schema version is how many a file has.
    static let identifiers = [
        "v1-sessions-events-scripts", "v2-organisations-storage-measures", "v3-session-leases",
        "v4-server-values", "v5-session-pack", "v6-measure-subjects-follow-ups",
    ]

    /// The tables each migration adds (the fifth adds a column, the sixth columns and tables).
    static let tables: [[String]] = [
        ["script", "session", "event"], ["organisation", "storage", "measure", "exercise"], ["session_lease"],
        ["server_value"], [], ["follow_up", "follow_up_measure"],
    ]

    /// This build's schema version.
    static var version: Int { identifiers.count }

    /// The tables a file of `version` has, with GRDB's record of migrations.
    static func tables(upTo version: Int) -> Set<String> {
        Set(tables.prefix(version).joined()).union(["grdb_migrations"])
    }

    /// Every table name Kraftfelt uses.
    static var allTables: Set<String> { tables(upTo: version) }

    /// True for a migration a later version adds (`v4-…` and on).
    static func isLater(_ identifier: String) -> Bool {
        guard identifier.hasPrefix("v"), let dash = identifier.firstIndex(of: "-"),
            let number = Int(identifier[identifier.index(after: identifier.startIndex)..<dash])
        else { return false }
        return number > version
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(identifiers[0]) { db in
            try db.create(table: "script") { t in
                t.primaryKey("hash", .text)
                t.column("fileName", .text).notNull()
                t.column("text", .text).notNull()
            }
            try db.create(table: "session") { t in
                t.primaryKey("id", .text)
                t.column("exercise", .text).notNull()
                t.column("mainScript", .text).notNull().references("script")
                t.column("library", .text).notNull()
                t.column("seed", .text).notNull()
                t.column("startedAt", .integer).notNull()
                t.column("language", .text).notNull()
                t.column("state", .text).notNull()
                t.column("rehearsal", .text)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "event") { t in
                t.column("sessionId", .text).notNull().references("session", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("at", .integer).notNull()
                t.column("body", .text).notNull()
                t.primaryKey(["sessionId", "seq"])
            }
        }
        migrator.registerMigration(identifiers[1]) { db in
            try db.create(table: "organisation") { t in
                t.primaryKey("id", .text)
                t.column("retentionDays", .integer)
            }
            try db.alter(table: "session") { t in
                t.add(column: "organisation", .text).notNull().defaults(to: SessionRecord.defaultOrganisation)
                t.add(column: "anonymisedAt", .datetime)
            }
            try db.execute(sql: "INSERT INTO organisation (id) SELECT DISTINCT organisation FROM session")
            try db.create(table: "storage") { t in
                t.column("organisation", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("owner", .text).notNull()
                t.column("key", .text).notNull()
                t.column("value", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.primaryKey(["organisation", "kind", "owner", "key"])
            }
            try db.create(table: "measure") { t in
                t.column("sessionId", .text).notNull().references("session", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("exercise", .text).notNull()
                t.column("name", .text).notNull()
                t.column("value", .double).notNull()
                t.column("at", .integer).notNull()
                t.primaryKey(["sessionId", "position"])
            }
            try db.create(table: "exercise") { t in
                t.column("sessionId", .text).notNull().references("session", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("id", .text).notNull()
                t.column("version", .text).notNull()
                t.column("scriptHash", .text).notNull()
                t.primaryKey(["sessionId", "position"])
            }
        }
        migrator.registerMigration(identifiers[2]) { db in
            // Who runs each session (see SessionLease); times are seconds since 1970.
            try db.create(table: "session_lease") { t in
                t.primaryKey("sessionId", .text).references("session", onDelete: .cascade)
                t.column("token", .text).notNull()
                t.column("host", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("processStart", .integer).notNull()
                t.column("program", .text).notNull()
                t.column("since", .double).notNull()
                t.column("expires", .double).notNull()
            }
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
        }
        migrator.registerMigration(identifiers[3]) { db in
            // What `kraftfelt serve` keeps: its signing secret, trainer tokens' hashes, areas.
            try db.create(table: "server_value") { t in
                t.primaryKey("name", .text)
                t.column("value", .text).notNull()
            }
        }
        migrator.registerMigration(identifiers[4]) { db in
            // The pack a session's scripts came from, as JSON (see PackProvenance); NULL when
            // they are not from a pack, as for every session stored before.
            try db.alter(table: "session") { t in t.add(column: "pack", .text) }
        }
        migrator.registerMigration(identifiers[5]) { db in
            // The indicators an exercise declares, as a JSON array; none for one stored before.
            try db.alter(table: "exercise") { t in t.add(column: "indicators", .text).notNull().defaults(to: "[]") }
            // Whom a measure is about, its texts and tags; a measure stored before is the
            // session's, without tags.
            try db.alter(table: "measure") { t in
                t.add(column: "subjectKind", .text).notNull().defaults(to: "session")
                t.add(column: "subjectId", .text).notNull().defaults(to: "")
                t.add(column: "area", .text)
                t.add(column: "text", .text)
                t.add(column: "other", .text)
                t.add(column: "otherArea", .text)
                t.add(column: "tags", .text).notNull().defaults(to: "[]")
            }
            // Follow-up codes, by the SHA-256 of the code (never the code); times are
            // seconds since 1970; indicators a JSON array of the indicators it asks.
            try db.create(table: "follow_up") { t in
                t.primaryKey("codeHash", .text)
                t.column("sessionId", .text).notNull().references("session", onDelete: .cascade)
                t.column("participant", .text).notNull()
                t.column("indicators", .text).notNull()
                t.column("issuedAt", .integer).notNull()
                t.column("expiresAt", .integer).notNull()
                t.column("usedAt", .integer)
                t.uniqueKey(["sessionId", "participant"])
            }
            try db.create(table: "follow_up_measure") { t in
                t.column("sessionId", .text).notNull().references("session", onDelete: .cascade)
                t.column("participant", .text).notNull()
                t.column("position", .integer).notNull()
                t.column("exercise", .text).notNull()
                t.column("name", .text).notNull()
                t.column("value", .double).notNull()
                t.column("at", .integer).notNull()
                t.column("subjectKind", .text).notNull().defaults(to: "session")
                t.column("subjectId", .text).notNull().defaults(to: "")
                t.column("area", .text)
                t.column("text", .text)
                t.column("other", .text)
                t.column("otherArea", .text)
                t.column("tags", .text).notNull().defaults(to: "[]")
                t.primaryKey(["sessionId", "participant", "position"])
            }
        }
        return migrator
    }
}
