import Dispatch
import Foundation
import Synchronization

/// Starts worker processes from one thread that lives as long as the host.
///
/// A worker asks the kernel to kill it when its parent dies (`PR_SET_PDEATHSIG`), so that
/// a stuck worker never outlives the host. On Linux that parent is the *thread* that
/// started it: a worker started from one of Dispatch's threads would be killed when
/// Dispatch retires that thread after a while of idleness. So every worker is started here.
enum WorkerSpawner {
    /// One start to make, and its outcome.
    ///
    /// `@unchecked Sendable` is safe: the spawner thread writes `error` before it signals
    /// `done`, and the caller reads it only after `done.wait()` returns; `start` is called
    /// only on the spawner thread, while the caller waits.
    private final class Job: @unchecked Sendable {
        let start: () throws -> Void
        let done = DispatchSemaphore(value: 0)
        var error: (any Error)?
        init(_ start: @escaping () throws -> Void) { self.start = start }
    }

    private static let jobs = Mutex<[Job]>([])
    private static let ready = DispatchSemaphore(value: 0)
    /// Starts the thread once, on first use; and from then on a write to a worker that has
    /// died fails with `EPIPE` (the host handles it: that session ends) instead of raising
    /// `SIGPIPE`, which would end the whole host.
    private static let started: Bool = {
        signal(SIGPIPE, SIG_IGN)
        let thread = Thread {
            while true {
                ready.wait()
                guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
                do { try job.start() } catch { job.error = error }
                job.done.signal()
            }
        }
        thread.name = "kraftfelt worker spawner"
        thread.start()
        return true
    }()

    /// Runs `start` (which starts a process) on the spawner thread and waits for it.
    static func run(_ start: @escaping () throws -> Void) throws {
        _ = started
        let job = Job(start)
        jobs.withLock { $0.append(job) }
        ready.signal()
        job.done.wait()
        if let error = job.error { throw error }
    }
}
