import Foundation
import KraftfeltEngine
import Synchronization
import Testing

@testable import KraftfeltStore

/// Appends that arrive together are committed together, and each caller gets its own result.
struct GroupCommitTests {
    /// A commit that takes time, like a sync, refuses every seventh append, and records
    /// how many appends each batch held.
    final class SlowCommit: Sendable {
        let sizes = Mutex<[Int]>([])

        func commit(_ batch: [Int]) -> [Result<Int, StoreError>] {
            sizes.withLock { $0.append(batch.count) }
            usleep(2_000)
            return batch.map { $0 % 7 == 0 ? .failure(StoreError(.io, "refused \($0)")) : .success($0 * 10) }
        }
    }

    @Test func everyCallerGetsItsOwnResultAndWaitingCallersShareACommit() throws {
        let group = GroupCommit<Int>()
        let slow = SlowCommit()
        let collected = Mutex<[Int: Result<Int, StoreError>]>([:])
        onThreads(64) { i in
            let result = Result { () throws(StoreError) in try group.submit(i + 1, commit: slow.commit) }
            collected.withLock { $0[i + 1] = result }
        }
        let results = collected.withLock { $0 }
        for i in 1...64 {
            switch results[i] {
            case .success(let value): #expect(i % 7 != 0 && value == i * 10)
            case .failure(let error): #expect(i % 7 == 0 && error.message == "refused \(i)")
            case nil: Issue.record("no result for \(i)")
            }
        }
        let batches = slow.sizes.withLock { $0 }
        #expect(batches.reduce(0, +) == 64)
        #expect(batches.count < 64, "no two appends shared a commit: \(batches)")
    }

    /// The real store: many sessions at once, every event kept in order, fewer commits
    /// than appends.
    @Test func concurrentAppendsToSQLiteShareCommits() throws {
        let store = try SQLiteStore(directory: temporaryDirectory())
        let sessions = 16
        let perSession = 40
        for s in 0..<sessions {
            try store.createSession(SessionRecord(id: "s\(s)", exercise: "x", definition: sampleDefinition))
        }
        let failures = Mutex<[String]>([])
        onThreads(sessions) { s in
            do {
                let log = try StoredSessionLog(store: store, session: "s\(s)")
                for i in 0..<perSession { try log.append(.trainer(.advance, at: Int64(i))) }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        for s in 0..<sessions {
            #expect(try store.events(of: "s\(s)") == (0..<perSession).map { .trainer(.advance, at: Int64($0)) })
        }
        let commits = store.appends.committed.load(ordering: .relaxed)
        #expect(store.appends.appended.load(ordering: .relaxed) == sessions * perSession)
        #expect(commits < sessions * perSession)
    }
}

/// A refused append in a shared commit refuses only itself, in either store.
struct GroupCommitStoreSuite {
    @Test(arguments: StoreKind.available)
    func aRefusedAppendInABatchRefusesOnlyItself(_ kind: StoreKind) throws {
        let store = try kind.make().store
        let sessions = 12
        for s in 0..<sessions {
            try store.createSession(SessionRecord(id: "s\(s)", exercise: "x", definition: sampleDefinition))
            try store.append(.trainer(.advance, at: 0), to: "s\(s)", seq: 1)
        }
        let refused = Mutex<Int>(0)
        let unexpected = Mutex<[String]>([])
        onThreads(sessions + 4) { t in
            for i in 2...21 {
                do {
                    if t < sessions {
                        try store.append(.trainer(.advance, at: Int64(i)), to: "s\(t)", seq: i)
                    } else {
                        // Number 1 is taken: refused, whatever shares its commit.
                        try store.append(.trainer(.skip(timer: 9), at: 0), to: "s\(t - sessions)", seq: 1)
                        unexpected.withLock { $0.append("a clash was accepted") }
                    }
                } catch {
                    if t >= sessions {
                        refused.withLock { $0 += 1 }
                    } else {
                        unexpected.withLock { $0.append("\(error)") }
                    }
                }
            }
        }
        #expect(unexpected.withLock { $0 } == [])
        #expect(refused.withLock { $0 } == 4 * 20)
        for s in 0..<sessions {
            #expect(try store.events(of: "s\(s)") == (1...21).map { .trainer(.advance, at: Int64($0 == 1 ? 0 : $0)) })
        }
    }
}

/// Runs `body` on `count` threads of their own at once (not the two-thread task pool:
/// a caller waiting for a commit blocks its thread) and waits for all.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchGroup()
    for i in 0..<count {
        done.enter()
        Thread {
            body(i)
            done.leave()
        }.start()
    }
    done.wait()
}
