import Dispatch
import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltLua
import KraftfeltStore

/// A rehearsal run through the live host: the bots are clients of a `SessionRuntime` on a
/// manual clock (`LiveRehearsal`), the store is the data directory's (or one in memory),
/// and the host holds the session's lease while it runs.
struct HostedRehearsal {
    /// How a rehearsal ended: what the command prints.
    struct Outcome: Sendable {
        var transcript: String
        var measures: [Measure]
        var state: Session.State
    }

    let store: any SessionStore
    /// True when the session is kept (a data directory or a database), so a watchdog's
    /// stop is logged and the leases are renewed.
    let keeps: Bool
    let progress: (@Sendable (Double) -> Void)?
    /// `--verbose`: the transcript lists every answer (never for a kept session).
    var everyAnswer = false

    /// Rehearses a stored session to its end: from its start when it has no events yet,
    /// else from where its log ends (the bots catch up with the log first).
    /// - Returns: the outcome, or a refusal when, read again under its lease, the session
    ///   is no longer one to continue (another process ended it meanwhile).
    func run(_ id: String) throws -> Result<Outcome, Refusal> {
        let found = try store.session(id)
        let lastAt = try store.events(of: id).last?.at ?? 0
        let clock = ManualClock(wall: found.definition.startedAt * 1000 + lastAt)
        let host = SessionHost(
            store: store, clock: clock,
            configuration: .init(
                modules: TestingModule.modules, untrustedWorkers: .thisBinary, everyAnswer: everyAnswer && !keeps))
        return try blocking {
            let runtime: SessionRuntime
            do throws(KraftfeltError) { runtime = try host.resume(id) } catch { throw CLIError(error.message) }
            // Read again under the lease: a process that held it may have ended the session.
            let record = try store.session(id)
            guard record.status.isResumable, let settings = record.rehearsal else {
                await host.shutdown()
                return .failure(Refusal(record: record))
            }
            return .success(try await drive(runtime, host: host, clock: clock, parameters: settings.parameters))
        }
    }

    /// A stored session that was not continued, as it was found.
    struct Refusal: Error, Sendable {
        let record: SessionRecord
    }

    private func drive(_ runtime: SessionRuntime, host: SessionHost, clock: ManualClock, parameters: [String: String])
        async throws -> Outcome
    {
        if keeps { host.startJobs() }
        let settings = runtime.record.rehearsal ?? RehearsalSettings(participants: 0, areas: 1)
        let id = runtime.id
        let stored = keeps ? Supervision.Stored(store: store, id: id, lease: { host.lease(of: id) }) : nil
        let watchdog = await runtime.activity().map {
            Supervision.watch($0, limits: runtime.record.definition.limits, stored: stored)
        }
        defer { watchdog?.stop() }
        let bots = LiveRehearsal(
            runtime: runtime, clock: clock, participants: settings.participants, areas: settings.areas)
        do {
            _ = try await bots.run(parameters: parameters, progress: progress)
        } catch {
            // The bots gave up (a log made by other settings): what happened so far is
            // shown, and the session is saved as failed so `resume` does not run it again.
            Terminal.print(await runtime.transcript(), terminator: "")
            if error.code == .logMismatch, let lease = host.lease(of: id) {
                try? store.setState(id, "failed: \(error.message)", lease: lease)
            }
            await host.shutdown()
            throw CLIError(error.message)
        }
        let outcome = Outcome(
            transcript: await runtime.transcript(), measures: await runtime.measures(),
            state: await runtime.sessionState())
        await host.shutdown()
        return outcome
    }
}

/// Runs async work from a synchronous command and waits for it: the command's own thread
/// is not one of Swift's cooperative pool, so waiting there starves nothing.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// `@unchecked Sendable` is safe: `result` is written once by the task before it signals
/// the semaphore, and read once by the waiter after the wait returns (the semaphore orders
/// the two).
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
