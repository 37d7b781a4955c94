import Foundation
import KraftfeltEngine
import KraftfeltLua
import KraftfeltStore

/// One session, run by a worker process that the host supervises.
///
/// The worker (the same `kraftfelt` binary, `kraftfelt worker`) holds the session's Lua
/// VM; the host keeps the store: every event the worker logs is appended here, durably,
/// before the worker goes on. A step may take the session's time limit and a grace
/// period after it; a worker still busy then is stuck where no limit inside Lua reaches
/// (a loop in C), so it is killed, the stop is logged, and the session fails with a clear
/// error. A replay of the log ends the same way. Other sessions, each in a worker of its
/// own, carry on.
///
/// Confined to one owner: its calls block until the worker answers.
public final class SessionWorker {
    public struct Configuration: Sendable {
        /// The `kraftfelt` executable the workers run.
        public var executable: URL
        /// Seconds a step may run past its time limit before the watchdog ends it.
        public var grace: Double
        /// Environment variables for the worker, on top of the host's.
        public var environment: [String: String]

        public init(executable: URL, grace: Double = 3, environment: [String: String] = [:]) {
            self.executable = executable
            self.grace = grace
            self.environment = environment
        }
    }

    public let session: String
    public let definition: SessionDefinition
    let store: any SessionStore
    let configuration: Configuration
    /// This host is the session's one writer while the worker runs it: the lease is kept
    /// here, or by a ``SessionHost`` that gave the worker its log.
    private let keeper: LeaseKeeper?
    /// The session's log on the host's side: every event the worker logs is appended here.
    public let log: StoredSessionLog
    private let process = Process()
    private let channel: LineChannel
    private let toWorker = Pipe()
    private let fromWorker = Pipe()
    /// The whole transcript so far, as the worker reported it.
    public private(set) var transcript: [String] = []
    /// Every measure so far, as the worker reported them step by step.
    public private(set) var measures: [Measure] = []
    /// What the last step reported.
    public private(set) var report: StepReport?
    private var ended = false
    /// Whether the input being submitted has been logged yet.
    private var inputLogged = false
    private var released = false

    /// Starts a worker for a stored session and replays its log there; the worker keeps
    /// the session's lease while it runs.
    public convenience init(session: String, store: any SessionStore, configuration: Configuration) throws {
        let record = try store.session(session)
        let keeper = LeaseKeeper(
            store: store, lease: try store.claim(session, as: .current, for: SessionLease.defaultSeconds))
        let log: StoredSessionLog
        do {
            log = try StoredSessionLog(store: store, session: session, lease: keeper.lease)
        } catch {
            if let lease = try? keeper.stop() { try? store.release(lease) }
            throw error
        }
        try self.init(record: record, log: log, replaying: log.events, configuration: configuration, keeper: keeper)
    }

    /// Starts a worker for a session whose log (and lease) the caller holds, and replays
    /// `events` there (the log's, or the ones a step back keeps).
    public convenience init(
        record: SessionRecord, log: StoredSessionLog, replaying events: [SessionEvent], configuration: Configuration
    ) throws {
        try self.init(record: record, log: log, replaying: events, configuration: configuration, keeper: nil)
    }

    private init(
        record: SessionRecord, log: StoredSessionLog, replaying events: [SessionEvent], configuration: Configuration,
        keeper: LeaseKeeper?
    ) throws {
        self.session = record.id
        self.store = log.store
        self.configuration = configuration
        self.definition = record.definition
        self.keeper = keeper
        self.log = log
        process.executableURL = configuration.executable
        process.arguments = ["worker"]
        process.environment = ProcessInfo.processInfo.environment.merging(configuration.environment) { $1 }
        process.standardInput = toWorker
        process.standardOutput = fromWorker
        channel = LineChannel(
            input: fromWorker.fileHandleForReading.fileDescriptor, output: toWorker.fileHandleForWriting.fileDescriptor)
        do {
            let process = self.process
            try WorkerSpawner.run { try process.run() }
            // A replayed step gets twice a live step's time: it did the same work live.
            let result = try exchange(
                .open(definition: definition, events: events), input: nil, stepSeconds: 2 * stepSeconds)
            try take(result)
        } catch {
            close()
            throw error
        }
    }

    /// What one screen shows now, from the worker's engine.
    /// - Throws: ``WorkerError`` when the worker does not answer within 30 seconds (it is
    ///   then ended).
    public func view(_ kind: ViewKind) throws -> SessionView? {
        guard !ended else { throw WorkerError("the session's worker is gone") }
        do {
            try channel.send(WorkerRequest.view(kind))
            // No script runs for a view, so a slow answer means a busy machine, not a stuck
            // script: it gets more time than a step.
            let message = try channel.receive(WorkerMessage.self, until: .now + .seconds(max(30, stepSeconds)))
            guard case .view(let view) = message else {
                throw WorkerError("the worker answered a view with something else")
            }
            return view
        } catch let error as WorkerError {
            close()
            throw error
        } catch {
            kill(process.processIdentifier, SIGKILL)
            close()
            throw WorkerError("the worker did not show its view (\(error))")
        }
    }

    deinit { close() }

    /// Seconds a step may take before the watchdog ends it.
    var stepSeconds: Double { (definition.limits.secondsPerRun ?? 60) + configuration.grace }

    /// Submits one input: it is logged (here, through the worker's session, which checks it
    /// first) and the step it sets off runs in the worker.
    /// - Returns: what the session shows after the step.
    /// - Throws: ``WorkerError`` when the input does not fit the session (nothing logged).
    @discardableResult
    public func submit(_ event: SessionEvent) throws -> StepReport {
        guard !ended else { throw WorkerError("the session has ended; its worker is gone") }
        let result = try exchange(.submit(event), input: event, stepSeconds: stepSeconds)
        try take(result)
        return report!
    }

    /// Ends the worker (the session stays in the store, resumable).
    public func close() {
        if !ended {
            ended = true
            try? toWorker.fileHandleForWriting.close()
            if process.isRunning {
                let deadline = Date().addingTimeInterval(2)
                while process.isRunning && Date() < deadline { usleep(5_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            if process.processIdentifier != 0 { process.waitUntilExit() }
        }
        if !released, let keeper, let lease = try? keeper.stop() {
            released = true
            try? store.release(lease)
        }
    }

    /// True while the worker process runs the session.
    public var isRunning: Bool { !ended }

    /// The worker's process id, for tests and diagnostics.
    public var processIdentifier: Int32 { process.processIdentifier }

    private enum Outcome {
        case report(StepReport)
        case refused(String, SessionError.Code?)
        case broken(String)
        case stopped(StopRecord, at: Int64)
    }

    private func take(_ outcome: Outcome) throws {
        switch outcome {
        case .report(let report):
            self.report = report
            transcript += report.transcript
            measures += report.measures
        case .refused(let message, let code):
            throw WorkerError(message, refusal: code ?? .invalid)
        case .broken(let message):
            close()
            throw WorkerError(message)
        case .stopped(let stop, let at):
            try? store.setState(session, "failed: \(stop.message)", lease: log.lease)
            close()
            // The worker never reported the step: the session ends here, as its replay will.
            let line = Transcript.stamped(at: at, "error: \(stop.message)")
            transcript += line
            var report = self.report ?? StepReport(state: .running, now: at)
            report.state = .failed(stop.message)
            report.now = at
            report.transcript = line
            report.openAsks = []
            report.nextDeadline = nil
            report.waitsForTrainer = false
            self.report = report
        }
    }

    /// Sends a request and serves the worker's log requests until it reports. The watchdog
    /// times the worker's silence: a worker that has sent nothing for a step's time limit
    /// and the grace after it is stuck where no limit inside Lua reaches (the limits inside
    /// Lua bound how long a step computes; every storage call is a message).
    private func exchange(_ request: WorkerRequest, input: SessionEvent?, stepSeconds: Double) throws -> Outcome {
        inputLogged = false  // before the send: a worker dead before it took the input logged nothing of it
        do {
            try channel.send(request)
        } catch {
            return try ended(by: error, during: input)
        }
        while true {
            let message: WorkerMessage
            do {
                message = try channel.receive(WorkerMessage.self, until: .now + .seconds(stepSeconds))
            } catch {
                return try ended(by: error, during: input)
            }
            switch message {
            case .append(let event):
                let reply = append(event)
                if case .appended = reply, event == input { inputLogged = true }
                try answer(reply)
            case .read(let scope, let key):
                let reply: LogReply
                do {
                    reply = .value(try store.storedValue(session: session, scope, key: key))
                } catch {
                    reply = .failed(error.message)
                }
                try answer(reply)
            case .stepping:
                break
            case .report(let report): return .report(report)
            case .refused(let message, let code): return .refused(message, code)
            case .broken(let message): return .broken(message)
            case .view: return .broken("the worker sent a view that nothing asked for")
            }
        }
    }

    private func answer(_ reply: LogReply) throws {
        do {
            try channel.send(WorkerRequest.reply(reply))
        } catch {
            throw WorkerError("the worker stopped listening: \(error)")
        }
    }

    private func append(_ event: SessionEvent) -> LogReply {
        do {
            return .appended(try log.append(event))
        } catch let error as StorageError {
            return .refused(error.message)
        } catch {
            return .failed((error as? StoreError)?.message ?? "\(error)")
        }
    }

    /// The worker stopped answering: stuck past the watchdog, or dead. Kills it, logs the
    /// stop (for a live input; a replay that cannot finish logs nothing), and says so.
    private func ended(by failure: Error, during input: SessionEvent?) throws -> Outcome {
        let stuck = (failure as? LineChannel.Failure) == .timedOut
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        ended = true
        let stop =
            stuck
            ? StopRecord.watchdog(seconds: definition.limits.secondsPerRun ?? stepSeconds)
            : StopRecord(
                cause: .crash, work: nil,
                message: "the process running the scripts ended unexpectedly (\(describeExit()))")
        guard let input else {
            throw WorkerError(
                "the session cannot be resumed: its replay \(stuck ? "ran out of time" : "ended the worker") "
                    + "(\(stop.message))")
        }
        guard inputLogged else {
            // It died before the input was logged: nothing of it happened; the session is
            // where it was, and a new worker can take it up.
            throw WorkerError("the worker ended before it took the input (\(stop.message)); nothing was logged")
        }
        let at = max(input.at, report?.now ?? 0)
        do {
            try log.append(.stopped(stop, at: at))
            try log.commit()
        } catch {
            throw WorkerError("\(stop.message); the stop could not be logged: \(error)")
        }
        return .stopped(stop, at: at)
    }

    private func describeExit() -> String {
        process.terminationReason == .uncaughtSignal
            ? "signal \(process.terminationStatus)" : "exit code \(process.terminationStatus)"
    }
}

/// Why the host could not do what was asked of a session's worker.
public struct WorkerError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// Set when the session refused the input (nothing was logged), with the refusal's code.
    public var refusal: SessionError.Code?
    public init(_ message: String, refusal: SessionError.Code? = nil) {
        self.message = message
        self.refusal = refusal
    }
    public var description: String { message }
}

extension StepReport {
    init(state: State, now: Int64) {
        self.state = state
        self.now = now
        transcript = []
        openAsks = []
        nextDeadline = nil
        waitsForTrainer = false
        joinCode = ""
    }
}
