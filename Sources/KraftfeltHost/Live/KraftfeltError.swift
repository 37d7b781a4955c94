import KraftfeltEngine
import KraftfeltStore

/// The one error model of the engine and the host: a code a front end maps to an exit
/// code or an HTTP status in one place, and a message for people.
public struct KraftfeltError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Codable, Hashable, Sendable, CaseIterable {
        // What the session refuses (``SessionError/Code``).
        case notStarted = "not_started"
        case ended
        case notOpen = "not_open"
        case notInSession = "not_in_session"
        case alreadyAnswered = "already_answered"
        case alreadyHere = "already_here"
        case invalid
        case outOfOrder = "out_of_order"
        case logMismatch = "log_mismatch"
        case nothingToUndo = "nothing_to_undo"
        // What the host and its store say.
        /// No session with that id (or not one this host runs).
        case unknownSession = "unknown_session"
        /// The store failed: nothing of the input was acknowledged; try again.
        case storageUnavailable = "storage_unavailable"
        /// Another process runs the session, or took it over.
        case conflict
        /// The session's scripts could not be loaded, or its log could not be replayed.
        case broken
        /// The host is shutting down.
        case shuttingDown = "shutting_down"
        /// The session's scripts may run only in a supervised worker process (an untrusted
        /// pack's), and this host has none.
        case noWorker = "no_worker"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// A session's refusal, with its code.
    public init(_ error: SessionError) {
        let code: Code =
            switch error.code {
            case .notStarted: .notStarted
            case .ended: .ended
            case .notOpen: .notOpen
            case .notInSession: .notInSession
            case .alreadyAnswered: .alreadyAnswered
            case .alreadyHere: .alreadyHere
            case .invalid: .invalid
            case .outOfOrder: .outOfOrder
            case .logMismatch: .logMismatch
            case .nothingToUndo: .nothingToUndo
            }
        self.init(code, error.message)
    }

    /// A store's error, with the code that says what a client can do about it.
    public init(_ error: StoreError) {
        let code: Code =
            switch error.code {
            case .unknownSession: .unknownSession
            case .sessionBusy, .leaseLost, .duplicateSession: .conflict
            case .invalidID, .invalid: .invalid
            // A follow-up code: one nobody has is bad input, like a wrong answer; a used
            // or an expired one is over, like a session's question.
            case .followUpUnknown: .invalid
            case .followUpUsed: .alreadyAnswered
            case .followUpExpired: .ended
            default: .storageUnavailable
            }
        self.init(code, error.message)
    }

    /// Any error from below, in this model.
    public static func from(_ error: any Error) -> KraftfeltError {
        switch error {
        case let error as KraftfeltError: error
        case let error as SessionError: KraftfeltError(error)
        case let error as StoreError: KraftfeltError(error)
        default: KraftfeltError(.broken, "\(error)")
        }
    }
}
