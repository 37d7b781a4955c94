/// A storage error a user can act on: which database, and what is wrong with it.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        let name: String
        /// The file is not a Kraftfelt database: not SQLite at all, another application's,
        /// or tables without Kraftfelt's schema record. Nothing was changed.
        public static let notADatabase = Code(name: "not a database")
        /// The database is Kraftfelt's but damaged (truncated, a broken header or page).
        public static let damaged = Code(name: "damaged")
        /// A newer Kraftfelt wrote the database.
        public static let newerVersion = Code(name: "newer version")
        /// An older Kraftfelt wrote the database, and it was opened read-only, so it was
        /// not upgraded.
        public static let olderVersion = Code(name: "older version")
        /// Opened read-only where nothing has been stored yet (no file, no tables).
        public static let noData = Code(name: "no data")
        /// A write to a store opened read-only.
        public static let readOnly = Code(name: "read-only")
        /// No session with that id.
        public static let unknownSession = Code(name: "unknown session")
        /// The session exists already.
        public static let duplicateSession = Code(name: "duplicate session")
        /// A session id outside the syntax (see ``SessionID``).
        public static let invalidID = Code(name: "invalid id")
        /// Another process holds the session's lease: it runs the session.
        public static let sessionBusy = Code(name: "session busy")
        /// This process's lease on the session was taken over (or released): it must stop
        /// writing to the session.
        public static let leaseLost = Code(name: "lease lost")
        /// Reading or writing failed (disk full, permissions, a lost connection).
        public static let io = Code(name: "io")
        /// A script's storage write was refused (its scope would grow past the limit, or
        /// an addition met something that is not a number); nothing was written.
        public static let storageRefused = Code(name: "storage refused")
        /// Stored data does not decode.
        public static let corrupt = Code(name: "corrupt")
        /// Input the store refuses (a follow-up answer to a question the code does not
        /// ask, a code hash that is not one, a text it cannot keep); nothing was written.
        public static let invalid = Code(name: "invalid")
        /// No follow-up code has that hash.
        public static let followUpUnknown = Code(name: "follow-up unknown")
        /// The follow-up code's time is over.
        public static let followUpExpired = Code(name: "follow-up expired")
        /// The follow-up code was answered already: each answers once.
        public static let followUpUsed = Code(name: "follow-up used")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
