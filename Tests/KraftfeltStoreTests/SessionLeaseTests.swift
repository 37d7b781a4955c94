import Foundation
import KraftfeltEngine
import Synchronization
import Testing

@testable import KraftfeltStore

/// One writer per session: every store gives a session's lease to one holder at a time,
/// names the holder to everyone else, and lets a crashed holder's lease be taken over.
struct SessionLeaseTests {
    static let elsewhere = LeaseHolder(host: "elsewhere", pid: 4242, processStart: 1, program: "kraftfelt")

    /// A store with session `s` holding two events.
    func storeWithSession(_ kind: StoreKind) throws -> (any SessionStore, () throws -> any SessionStore) {
        let (store, reopen) = try kind.make()
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        try store.append(.trainer(.advance, at: 1), to: "s")
        try store.append(.trainer(.advance, at: 2), to: "s")
        return (store, reopen)
    }

    static let events: [SessionEvent] = [.trainer(.advance, at: 1), .trainer(.advance, at: 2)]

    /// What a claimant is told while `lease` holds the session (its clock as the message shows it).
    func busy(_ lease: SessionLease, wait: Int) -> String {
        "session s is being run by kraftfelt pid 4242 on host elsewhere since \(clock(lease.since)); "
            + "stop it first (or wait \(wait) s if it crashed)"
    }

    func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }

    /// A pid that no process has now: a child that ran and was waited for.
    func deadPid() throws -> Int32 {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        return child.processIdentifier
    }

    @Test(arguments: StoreKind.available)
    func aHeldSessionIsRefusedToEveryOtherWriterWithItsHolderNamed(_ kind: StoreKind) throws {
        let (store, _) = try storeWithSession(kind)
        let lease = try store.claim("s", as: Self.elsewhere, for: 60)
        #expect(lease.holder == Self.elsewhere && lease.session == "s")
        #expect(try store.lease(of: "s") == lease)
        let refusals: [(String, () throws -> Void)] = [
            ("claim", { _ = try store.claim("s", as: .current, for: 60) }),
            ("append", { try store.append(.trainer(.advance, at: 3), to: "s") }),
            ("append with seq", { try store.append(.trainer(.advance, at: 3), to: "s", seq: 3) }),
            ("state", { try store.setState("s", "finished") }),
            (
                "outcome",
                {
                    try store.saveOutcome(
                        "s", exercises: [], measures: [Measure(exercise: "x", name: "n", value: 1, at: 1)])
                }
            ),
            ("delete", { try store.deleteSession("s") }),
            ("rewrite", { try store.rewriteEvents(of: "s", Self.events) }),
        ]
        for (name, refused) in refusals {
            let error = try #require(throws: StoreError.self, "\(name)") { try refused() }
            #expect(error.code == .sessionBusy, "\(name)")
            #expect(
                error.message == busy(lease, wait: 60) || error.message == busy(lease, wait: 59), "\(name): \(error)")
        }
        #expect(try store.events(of: "s") == Self.events)
        #expect(try store.session("s").state == "running")
        #expect(try store.measures(of: "s") == [])
    }

    @Test(arguments: StoreKind.available)
    func theHolderWritesRenewsAndReleases(_ kind: StoreKind) throws {
        let (store, _) = try storeWithSession(kind)
        let lease = try store.claim("s", as: .current, for: 5)
        let log = try StoredSessionLog(store: store, session: "s", lease: lease)
        #expect(try log.append(.trainer(.advance, at: 3)) == 3)
        try store.saveOutcome("s", state: "finished", exercises: [], measures: [], lease: lease)
        let renewed = try store.renew(lease, for: 60)
        #expect(renewed.token == lease.token && renewed.expires > lease.expires)
        try store.release(renewed)
        #expect(try store.lease(of: "s") == nil)
        let error = try #require(throws: StoreError.self) { try log.append(.trainer(.advance, at: 4)) }
        #expect(error.code == .leaseLost)
        #expect(
            error.message
                == "session s is no longer leased to this process (its lease was released); this process stopped writing to it"
        )
        #expect(try store.session("s").state == "finished")
        #expect(try store.events(of: "s") == Self.events + [.trainer(.advance, at: 3)])
        try store.append(.trainer(.advance, at: 4), to: "s")  // nobody holds it now
        try store.release(renewed)  // releasing again does nothing
    }

    /// A holder on this host whose process is gone (it crashed, or was killed) loses its
    /// lease at once, long before it would expire; its late writes are refused.
    @Test(arguments: StoreKind.available)
    func aLeaseOfAProcessThatIsGoneIsTakenOverAtOnce(_ kind: StoreKind) throws {
        let (store, _) = try storeWithSession(kind)
        let gone = LeaseHolder(
            host: LeaseHolder.current.host, pid: try deadPid(), processStart: 1, program: "kraftfelt")
        let old = try store.claim("s", as: gone, for: 3600)
        #expect(try store.lease(of: "s") == nil, "a lease whose holder is gone is not shown as held")
        let new = try store.claim("s", as: .current, for: 60)
        #expect(new.token != old.token)
        let late = try #require(throws: StoreError.self) {
            try store.append(.trainer(.advance, at: 3), to: "s", seq: 3, lease: old)
        }
        #expect(late.code == .leaseLost)
        let me = LeaseHolder.current
        #expect(
            late.message
                == "session s was taken over by \(me.program) pid \(me.pid) on host \(me.host) at \(clock(new.since)); "
                + "this process stopped writing to it")
        #expect(try store.events(of: "s") == Self.events)
        #expect(throws: StoreError.self) { try store.renew(old, for: 60) }
        try store.release(old)  // the old holder's release leaves the new lease alone
        #expect(try store.lease(of: "s")?.token == new.token)
    }

    #if os(Linux)
        /// A pid in use again by another process (this one) does not keep a dead holder's lease.
        @Test(arguments: StoreKind.available)
        func aPidUsedAgainDoesNotKeepADeadHoldersLease(_ kind: StoreKind) throws {
            let (store, _) = try storeWithSession(kind)
            let me = LeaseHolder.current
            #expect(me.processStart > 0)
            _ = try store.claim(
                "s", as: LeaseHolder(host: me.host, pid: me.pid, processStart: 1, program: "old"), for: 3600)
            #expect(throws: Never.self) { _ = try store.claim("s", as: me, for: 60) }
        }
    #endif

    @Test(arguments: StoreKind.available)
    func anExpiredLeaseIsTakenOverAndAnUnexpiredOneOnAnotherHostIsNot(_ kind: StoreKind) throws {
        let (store, _) = try storeWithSession(kind)
        let old = try store.claim("s", as: Self.elsewhere, for: 0.2)
        Thread.sleep(forTimeInterval: 0.4)
        #expect(try store.lease(of: "s") == nil)
        let new = try store.claim("s", as: .current, for: 60)
        let lost = try #require(throws: StoreError.self) { try store.renew(old, for: 60) }
        #expect(lost.code == .leaseLost)
        #expect(try store.lease(of: "s")?.token == new.token)
    }

    /// Claimants at once, each with its own connection: exactly one gets the lease.
    @Test(arguments: StoreKind.available)
    func ofClaimantsAtOnceExactlyOneWins(_ kind: StoreKind) throws {
        let (_, reopen) = try storeWithSession(kind)
        let claimants = 6
        let stores = try (0..<claimants).map { _ in try reopen() }
        let ready = Atomic<Int>(0)
        let outcomes = Mutex<[Result<SessionLease, StoreError>]>([])
        onThreads(claimants) { i in
            ready.add(1, ordering: .sequentiallyConsistent)
            while ready.load(ordering: .sequentiallyConsistent) < claimants { usleep(100) }
            let holder = LeaseHolder(host: "host-\(i)", pid: 100 + Int32(i), processStart: 1, program: "kraftfelt")
            let outcome = Result { () throws(StoreError) in try stores[i].claim("s", as: holder, for: 60) }
            outcomes.withLock { $0.append(outcome) }
        }
        let all = outcomes.withLock { $0 }
        let winners = all.compactMap { try? $0.get() }
        #expect(winners.count == 1, "\(all)")
        for case .failure(let error) in all { #expect(error.code == .sessionBusy, "\(error)") }
        #expect(try stores[0].lease(of: "s")?.token == winners.first?.token)
    }

    @Test(arguments: StoreKind.available)
    func claimingWhatIsNotThereIsAClearError(_ kind: StoreKind) throws {
        let (store, _) = try storeWithSession(kind)
        let unknown = try #require(throws: StoreError.self) { try store.claim("nope", as: .current, for: 60) }
        #expect(unknown.code == .unknownSession && unknown.message == "no session with id nope")
        let invalid = try #require(throws: StoreError.self) { try store.claim("a b", as: .current, for: 60) }
        #expect(invalid.code == .invalidID)
        let endless = try #require(throws: StoreError.self) { try store.claim("s", as: .current, for: .infinity) }
        #expect(endless.message == "a lease lasts from 0.001 to 86400 seconds, got inf")
        #expect(try store.lease(of: "s") == nil)
    }

    /// The keeper renews a short lease while it runs, so nobody can take it, and reports
    /// a takeover.
    @Test(arguments: StoreKind.available)
    func aKeptLeaseStaysHeldAndATakeoverIsReported(_ kind: StoreKind) throws {
        let (store, _) = try storeWithSession(kind)
        let keeper = LeaseKeeper(store: store, lease: try store.claim("s", as: .current, for: 0.3), seconds: 0.3)
        Thread.sleep(forTimeInterval: 0.9)
        #expect(throws: StoreError.self) { _ = try store.claim("s", as: Self.elsewhere, for: 60) }
        let kept = try keeper.stop()
        try store.release(kept)

        let gone = LeaseHolder(
            host: LeaseHolder.current.host, pid: try deadPid(), processStart: 1, program: "kraftfelt")
        let doomed = LeaseKeeper(store: store, lease: try store.claim("s", as: gone, for: 0.3), seconds: 0.3)
        _ = try store.claim("s", as: .current, for: 60)
        Thread.sleep(forTimeInterval: 0.3)
        let error = try #require(throws: StoreError.self) { try doomed.stop() }
        #expect(error.code == .leaseLost)
    }
}
