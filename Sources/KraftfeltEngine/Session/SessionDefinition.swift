import KraftfeltLua

/// A script file: an exercise or a programme.
public struct ExerciseSource: Codable, Hashable, Sendable {
    /// The file name errors use: `summegrupper.lua`.
    public var fileName: String
    public var text: String

    public init(fileName: String, text: String) {
        self.fileName = fileName
        self.text = text
    }
}

/// Everything a session needs before its first event.
public struct SessionDefinition: Codable, Hashable, Sendable {
    /// The exercise or programme the session runs.
    public var main: ExerciseSource
    /// Exercises a programme may name, by their `id`.
    public var library: [ExerciseSource]
    public var seed: UInt64
    /// Seconds since 1970 at the start: what `os.time()` counts from.
    public var startedAt: Int64
    /// The language of the transcript and the beamer (`da` or `en`).
    public var language: String
    public var limits: SandboxLimits
    /// The installed pack the scripts came from (nil for the trainer's own files and the
    /// shipped exercises): what they may do, and whether they must run in a worker.
    public var pack: PackProvenance?

    public init(
        main: ExerciseSource, library: [ExerciseSource] = [], seed: UInt64, startedAt: Int64 = 1_767_225_600,
        language: String = "da", limits: SandboxLimits = .standard, pack: PackProvenance? = nil
    ) {
        self.main = main
        self.library = library
        self.seed = seed
        self.startedAt = startedAt
        self.language = language
        self.limits = limits
        self.pack = pack
    }

    /// A hash of every script, so that a replay can tell it runs the same code.
    public var sourceHash: String {
        var hash = FNV1a()
        for source in [main] + library {
            hash.add(source.fileName.utf8)
            hash.add([0])
            hash.add(source.text.utf8)
            hash.add([0])
        }
        return hash.text
    }

    /// The `start` event for this definition.
    public func startEvent(exercise: String, parameters: [String: String] = [:]) -> SessionEvent {
        .start(
            SessionStart(
                exercise: exercise, sourceHash: sourceHash, seed: seed, startedAt: startedAt, parameters: parameters,
                language: language, host: .current(limits: limits), pack: pack))
    }
}
