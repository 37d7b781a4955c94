/// A storage error a user can act on: which database, and what is wrong with it.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        let name: String
        /// The file is not a Kraftfelt database (or not a database at all).
        public static let notADatabase = Code(name: "not a database")
        /// A newer Kraftfelt wrote the database.
        public static let newerVersion = Code(name: "newer version")
        /// No session with that id.
        public static let unknownSession = Code(name: "unknown session")
        /// The session exists already.
        public static let duplicateSession = Code(name: "duplicate session")
        /// Reading or writing failed (disk full, permissions, a lost connection).
        public static let io = Code(name: "io")
        /// A script's storage write was refused (its scope would grow past the limit, or
        /// an addition met something that is not a number); nothing was written.
        public static let storageRefused = Code(name: "storage refused")
        /// Stored data does not decode.
        public static let corrupt = Code(name: "corrupt")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
