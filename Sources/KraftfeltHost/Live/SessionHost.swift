import Dispatch
import Foundation
import KraftfeltEngine
import KraftfeltLua
import KraftfeltStore
import Synchronization

/// The live host: opens sessions in a store, runs each in its ``SessionRuntime``, keeps
/// their leases, resumes the ones that were live when the process stopped, and runs
/// retention as a periodic job. Front ends (the command line, the server) are thin on top.
public final class SessionHost: Sendable {
    /// `@unchecked Sendable`: it is immutable, and a module's functions run only inside the
    /// VM of a session that registered them, on that session's queue.
    public struct Configuration: @unchecked Sendable {
        /// How often retention runs (seconds of the host's clock).
        public var retentionEvery: Double
        /// Seconds a lease lasts; it is renewed a third of that before it ends.
        public var leaseSeconds: Double
        /// Host modules every session's scripts see besides `kf` (tests' stand-ins).
        public var modules: [HostModule]
        /// When set, every session's scripts run in a supervised worker process of their
        /// own (the `kraftfelt` binary's `worker` command), which the host kills when a step
        /// runs past its limits; nil runs them in this process.
        public var workers: SessionWorker.Configuration?
        /// The workers for the sessions whose scripts come from an untrusted pack (one no
        /// key the organisation trusts signed), when ``workers`` is nil: such a session
        /// always runs in a worker, and a host with neither refuses to open it.
        public var untrustedWorkers: SessionWorker.Configuration?
        /// When true, transcripts list every answer by name however many answered (a
        /// rehearsal's `--verbose`); in-process sessions only. A session's transcript is
        /// checked when it is loaded again, so it must be loaded with the same setting:
        /// sessions that are kept are run without it.
        public var everyAnswer: Bool

        public init(
            retentionEvery: Double = 3600, leaseSeconds: Double = SessionLease.defaultSeconds,
            modules: [HostModule] = [], workers: SessionWorker.Configuration? = nil,
            untrustedWorkers: SessionWorker.Configuration? = nil, everyAnswer: Bool = false
        ) {
            self.retentionEvery = retentionEvery
            self.leaseSeconds = leaseSeconds
            self.modules = modules
            self.workers = workers
            self.untrustedWorkers = untrustedWorkers
            self.everyAnswer = everyAnswer
        }

        /// The workers a session runs in (nil: in this process).
        /// - Throws: ``KraftfeltError/Code/noWorker`` for a session from an untrusted pack
        ///   when the host has no workers.
        public func workers(for record: SessionRecord) throws(KraftfeltError) -> SessionWorker.Configuration? {
            guard let pack = record.pack, !pack.trusted else { return workers }
            guard let found = workers ?? untrustedWorkers else {
                throw KraftfeltError(
                    .noWorker,
                    "session \(record.id) runs the untrusted pack \(pack.named), whose scripts run only in a "
                        + "supervised worker process, and this host has none")
            }
            return found
        }
    }

    /// What a listing of the host's sessions says about one.
    public struct Summary: Hashable, Sendable {
        public var id: String
        public var exercise: String
        public var organisation: String
        public var state: String
        /// True when this host runs it now.
        public var live: Bool
    }

    public let store: any SessionStore
    /// The sessions' clock.
    public let clock: any HostClock
    /// The clock of the periodic jobs (lease renewal, retention): always real time, also
    /// when the sessions run on a manual clock (a rehearsal's leases must not lapse).
    public let jobClock: any HostClock
    public let configuration: Configuration
    private let jobs = DispatchQueue(label: "kraftfelt host jobs")
    private let running = Mutex<[String: (runtime: SessionRuntime, lease: SessionLease)]>([:])
    private let jobHandles = Mutex<[ScheduledAction]>([])

    public init(
        store: any SessionStore, clock: any HostClock = SystemClock(), jobClock: any HostClock = SystemClock(),
        configuration: Configuration = .init()
    ) {
        self.store = store
        self.clock = clock
        self.jobClock = jobClock
        self.configuration = configuration
    }

    // MARK: Sessions

    /// Creates a live session, starts it (its lobby opens) and runs it.
    /// - Parameters:
    ///   - seed: groups and matching follow it (default: a random one).
    public func create(
        id: String = SessionHost.newID(), exercise: String, main: ExerciseSource, library: [ExerciseSource] = [],
        parameters: [String: String] = [:], language: String = "da", seed: UInt64? = nil,
        organisation: String = SessionRecord.defaultOrganisation, limits: SandboxLimits = .standard,
        rehearsal: RehearsalSettings? = nil, pack: PackProvenance? = nil
    ) async throws(KraftfeltError) -> SessionRuntime {
        let definition = SessionDefinition(
            main: main, library: library, seed: seed ?? UInt64.random(in: 1...UInt64.max),
            startedAt: clock.wall() / 1000, language: language, limits: limits, pack: pack)
        let record = SessionRecord(
            id: id, exercise: exercise, definition: definition, rehearsal: rehearsal, organisation: organisation)
        return try await create(record, parameters: parameters)
    }

    /// Stores a new session as given (its definition fixes seed, start time, language,
    /// limits and pack), starts it and runs it.
    /// - Throws: ``KraftfeltError/Code/noWorker`` (and stores nothing) for a session from
    ///   an untrusted pack when the host has no workers.
    public func create(_ record: SessionRecord, parameters: [String: String] = [:]) async throws(KraftfeltError)
        -> SessionRuntime
    {
        _ = try configuration.workers(for: record)
        do { try store.createSession(record) } catch { throw KraftfeltError(error) }
        let runtime = try open(record)
        try await runtime.start(parameters: parameters)
        return runtime
    }

    /// The lease this host holds on a session it runs, as last renewed.
    public func lease(of id: String) -> SessionLease? { running.withLock { $0[id]?.lease } }

    /// The runtime of a session this host runs.
    public func runtime(_ id: String) throws(KraftfeltError) -> SessionRuntime {
        guard let runtime = running.withLock({ $0[id]?.runtime }) else {
            throw KraftfeltError(.unknownSession, "no live session with id \(SessionID.named(id)) on this host")
        }
        return runtime
    }

    /// Every stored session, with whether this host runs it.
    public func list() throws(KraftfeltError) -> [Summary] {
        let records: [SessionRecord]
        do { records = try store.sessions() } catch { throw KraftfeltError(error) }
        let live = running.withLock { Set($0.keys) }
        return records.map {
            Summary(
                id: $0.id, exercise: $0.exercise, organisation: $0.organisation, state: $0.state,
                live: live.contains($0.id))
        }
    }

    /// Runs a stored session here: claims its lease and loads it from its log.
    @discardableResult
    public func resume(_ id: String) throws(KraftfeltError) -> SessionRuntime {
        if let runtime = running.withLock({ $0[id]?.runtime }) { return runtime }
        let record: SessionRecord
        do { record = try store.session(id) } catch { throw KraftfeltError(error) }
        return try open(record)
    }

    /// Resumes every live session (not a rehearsal) that was open or running when a host
    /// stopped; returns their ids, and the ones that could not be resumed with why.
    public func resumeLive() -> (resumed: [String], failed: [(id: String, error: KraftfeltError)]) {
        var resumed: [String] = []
        var failed: [(String, KraftfeltError)] = []
        let records = (try? store.sessions()) ?? []
        for record in records where record.rehearsal == nil && ["open", "running"].contains(record.state) {
            do {
                try resume(record.id)
                resumed.append(record.id)
            } catch {
                failed.append((record.id, error))
            }
        }
        return (resumed, failed)
    }

    /// Stops running a session here (it stays in the store as it is) and gives up its lease.
    public func stop(_ id: String) async {
        guard let entry = running.withLock({ $0.removeValue(forKey: id) }) else { return }
        await entry.runtime.close()
        try? store.release(entry.lease)
    }

    /// Stops every session (each stays resumable) and the periodic jobs.
    public func shutdown() async {
        for handle in jobHandles.withLock({ $0 }) { handle.cancel() }
        for id in running.withLock({ Array($0.keys) }) { await stop(id) }
    }

    private func open(_ record: SessionRecord) throws(KraftfeltError) -> SessionRuntime {
        let workers = try configuration.workers(for: record)
        let lease: SessionLease
        do {
            lease = try store.claim(record.id, as: .current, for: configuration.leaseSeconds)
        } catch {
            throw KraftfeltError(error)
        }
        let runtime: SessionRuntime
        do {
            runtime = try SessionRuntime(
                record: record, store: store, lease: lease, clock: clock, modules: configuration.modules,
                workers: workers, everyAnswer: configuration.everyAnswer)
        } catch {
            try? store.release(lease)
            throw error
        }
        running.withLock { $0[record.id] = (runtime, lease) }
        runtime.activate()
        return runtime
    }

    // MARK: Periodic jobs

    /// Starts the host's periodic jobs: lease renewal for every session it runs, and
    /// retention.
    public func startJobs() {
        scheduleRenewal()
        scheduleRetention()
    }

    private func scheduleRenewal() {
        let every = Int64(configuration.leaseSeconds * 1000 / 3)
        let handle = jobClock.schedule(at: jobClock.monotonic() + every, on: jobs) { [weak self] in
            guard let self else { return }
            self.renewLeases()
            self.scheduleRenewal()
        }
        jobHandles.withLock { $0.append(handle) }
    }

    /// Renews every lease; a session whose lease was taken over stops running here.
    func renewLeases() {
        let entries = running.withLock { $0 }
        for (id, entry) in entries {
            do {
                let renewed = try store.renew(entry.lease, for: configuration.leaseSeconds)
                running.withLock { $0[id]?.lease = renewed }
            } catch  where error.code == .leaseLost {
                _ = running.withLock { $0.removeValue(forKey: id) }
                Task { await entry.runtime.close() }
            } catch {
                continue  // the store is away for now; tried again at the next beat
            }
        }
    }

    private func scheduleRetention() {
        let every = Int64(configuration.retentionEvery * 1000)
        let handle = jobClock.schedule(at: jobClock.monotonic() + every, on: jobs) { [weak self] in
            guard let self else { return }
            _ = try? self.store.applyRetention()
            self.scheduleRetention()
        }
        jobHandles.withLock { $0.append(handle) }
    }

    /// A new session id: eight letters and digits.
    public static func newID() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
