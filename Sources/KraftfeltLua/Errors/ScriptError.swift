/// An error from a script or from the sandbox around it, as a trainer should read it:
/// `summegrupper.lua:14: kf.ask: argument 'time' must be a duration like "3m", got number`.
public struct ScriptError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of error this is. Opaque, so new kinds can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// The source does not parse, or is not text.
        public static let syntax = Code(name: "syntax")
        /// The script raised an error while running.
        public static let runtime = Code(name: "runtime")
        /// The script needed more memory than its limit.
        public static let memoryLimit = Code(name: "memory limit")
        /// The script ran more instructions than its budget without waiting.
        public static let instructionLimit = Code(name: "instruction limit")
        /// The script ran longer than its wall-clock limit without waiting.
        public static let timeLimit = Code(name: "time limit")
        /// A value cannot cross between Lua and Swift (cyclic, too deep, a coroutine…).
        public static let value = Code(name: "value")
        /// The script is larger than the host accepts.
        public static let tooLarge = Code(name: "too large")
        /// The VM was stopped by a limit earlier and runs nothing more.
        public static let stopped = Code(name: "stopped")
        /// The script, or a thread of it, cannot do what was asked in its current state.
        public static let state = Code(name: "state")
    }

    public var code: Code
    /// One line (unless the script's own message has several), with `chunk:line:` in front.
    public var message: String
    /// The Lua traceback at the point of the error, when there is one.
    public var traceback: String?

    public init(_ code: Code, _ message: String, traceback: String? = nil) {
        self.code = code
        self.message = Self.clip(message)
        self.traceback = traceback.map(Self.clip)
    }

    /// Messages are at most 8 KB: a script's error object can be megabytes of text.
    public static let maximumBytes = 8192

    static func clip(_ text: String) -> String {
        guard text.utf8.count > maximumBytes else { return text }
        return String(decoding: text.utf8.prefix(maximumBytes), as: UTF8.self) + " … (cut: \(text.utf8.count) bytes)"
    }

    public var description: String { message }

    /// True for the errors that mean a limit stopped the script.
    public var isLimit: Bool { [.memoryLimit, .instructionLimit, .timeLimit].contains(code) }

    /// The chunk name and line in front of the message, if any (`summegrupper.lua`, 14).
    public var location: (chunk: String, line: Int)? {
        guard let colon = message.firstIndex(of: ":") else { return nil }
        let rest = message[message.index(after: colon)...]
        guard let second = rest.firstIndex(of: ":"), let line = Int(rest[..<second]) else { return nil }
        return (String(message[..<colon]), line)
    }
}

/// An error a host function raises; the trampoline puts the function's name and the
/// script's position in front: `x.lua:3: kf.add: argument 'b' must be an integer, got string`.
public struct HostError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
