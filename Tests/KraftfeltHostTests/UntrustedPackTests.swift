import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltLua
import KraftfeltStore
import Testing

/// Sessions from an untrusted pack (one no key the organisation trusts signed) always run
/// in a supervised worker process: a host with `untrustedWorkers` runs them there and the
/// rest in its own process, and a host with no workers refuses to open them.
@Suite(.serialized) struct UntrustedPackTests {
    static func pack(_ id: String, trusted: Bool, _ permissions: Set<ScriptPermission> = []) -> PackProvenance {
        PackProvenance(
            id: id, version: "1.0.0", hash: String(repeating: "0f", count: 32), trusted: trusted,
            permissions: permissions)
    }

    static let untrusted = pack("org.example.untrusted", trusted: false)
    static let trusted = pack("org.liberatingstructures.core", trusted: true)

    func host(_ store: any SessionStore, clock: ManualClock = ManualClock()) -> SessionHost {
        SessionHost(store: store, clock: clock, configuration: .init(untrustedWorkers: SupervisionTests.configuration))
    }

    /// The issue's test: a hostile exercise from an untrusted pack (a loop in C, where no
    /// limit inside Lua looks) runs in a worker and is killed at its deadline with its exact
    /// error, while a session from a trusted pack runs in the host's process, takes its
    /// answers and finishes.
    @Test func anUntrustedHostileSessionIsKilledInItsWorkerWhileATrustedOneFinishesInProcess() async throws {
        let hostile = try #require(HostileExercise.all.first { $0.name == "c-loop-stuck.lua" })
        let store = try SQLiteStore(directory: temporaryDirectory())
        let host = host(store)
        let stuck = try await host.create(
            id: "hostile", exercise: "hostile", main: ExerciseSource(fileName: "hostile.lua", text: hostile.source),
            seed: 1, pack: Self.untrusted)
        let normal = try await host.create(
            id: "normal", exercise: "x",
            main: smallExercise(#"    local a = s:ask(s.everyone, { da = "Navn" }); s:show(#a .. " svar")"#),
            seed: 2, pack: Self.trusted)
        #expect(await stuck.activity() == nil, "the untrusted pack's scripts run in a worker")
        #expect(await stuck.workerProcess() != nil)
        #expect(await normal.activity() != nil, "the trusted pack's scripts run in the host's process")
        #expect(await normal.workerProcess() == nil)
        for runtime in [stuck, normal] {
            try await runtime.submit(.join(Participant(id: "p1", name: "Anne", area: "Sundhed")))
        }
        let spinning = Task {
            try await stuck.submit(.trainer(.advance))  // its run begins: it shows, then spins in C
        }
        try await Task.sleep(for: .milliseconds(300))
        try await normal.submit(.trainer(.advance))
        let ask = try await openQuestion(normal)
        try await normal.submit(.answer(ask: ask, participant: "p1", value: .text("Anne")))
        #expect(await normal.transcript().contains("show: 1 svar"))
        #expect(await normal.state() == "finished")
        // (Whether it still spins by now is timing, which a loaded machine changes: not asserted.)

        _ = try await spinning.value
        #expect(await stuck.state() == "failed: " + hostile.error)
        #expect(await stuck.transcript().hasSuffix("error: \(hostile.error)\n"))
        #expect(try store.session("hostile").state == "failed: " + hostile.error)
        #expect(try store.session("normal").state == "finished")
        guard case .stopped(let stop, _) = try store.events(of: "hostile").last else {
            Issue.record("the stop was not logged")
            return
        }
        #expect(stop.cause == .time && stop.work == nil)
        let transcript = await stuck.transcript()
        await host.shutdown()

        // Resumed by another host, it runs in a worker again and ends the same way.
        let again = try self.host(store).resume("hostile")
        #expect(await again.workerProcess() != nil)
        #expect(await again.state() == "failed: " + hostile.error)
        #expect(await again.transcript() == transcript)
        await again.close()
    }

    /// A host with no workers refuses an untrusted pack's session, and stores nothing; one
    /// stored already is not opened (and its lease not taken). A trusted pack's session and
    /// one not from a pack open in the host's process.
    @Test func aHostWithNoWorkersRefusesAnUntrustedSession() async throws {
        let store = try SQLiteStore(directory: temporaryDirectory())
        let host = SessionHost(store: store, clock: ManualClock())
        let message =
            "session u1 runs the untrusted pack org.example.untrusted 1.0.0, whose scripts run only in a supervised "
            + "worker process, and this host has none"
        do {
            _ = try await host.create(
                id: "u1", exercise: "x", main: smallExercise("    s:show('hej')"), seed: 1, pack: Self.untrusted)
            Issue.record("a host with no workers opened an untrusted pack's session")
        } catch {
            #expect(error.code == .noWorker)
            #expect(error.message == message)
        }
        #expect(try store.sessions().isEmpty, "nothing was stored")

        let definition = SessionDefinition(main: smallExercise("    s:show('hej')"), seed: 1, pack: Self.untrusted)
        try store.createSession(SessionRecord(id: "u1", exercise: "x", definition: definition))
        #expect(throws: KraftfeltError(.noWorker, message)) { try host.resume("u1") }
        #expect(try store.lease(of: "u1") == nil)
        #expect(host.resumeLive().failed.map { $0.error } == [KraftfeltError(.noWorker, message)])

        for (id, pack) in [("t1", Self.trusted), ("own", nil)] {
            let runtime = try await host.create(
                id: id, exercise: "x", main: smallExercise("    s:show('hej')"), seed: 1, pack: pack)
            #expect(await runtime.activity() != nil)
            try await runtime.submit(.trainer(.advance))
            #expect(await runtime.state() == "finished")
        }
        await host.shutdown()
    }

    /// The worker gets the pack with the session's definition: what the pack did not ask
    /// for is refused there with the same error as in the host's process, and what it asked
    /// for works.
    @Test func aPacksPermissionsHoldInItsWorker() async throws {
        let store = try SQLiteStore(directory: temporaryDirectory())
        let host = host(store)
        let script = smallExercise("    s:measure('ties', 2)\n    s:remember('p1', 'goal', 'mål')")
        let refused = try await host.create(
            id: "refused", exercise: "x", main: script, seed: 1,
            pack: Self.pack("org.example.untrusted", trusted: false, [.measures]))
        let granted = try await host.create(
            id: "granted", exercise: "x", main: script, seed: 1,
            pack: Self.pack("org.example.untrusted", trusted: false, [.measures, .followUp]))
        for runtime in [refused, granted] {
            #expect(await runtime.workerProcess() != nil)
            try await runtime.submit(.join(Participant(id: "p1", name: "Anne", area: "Sundhed")))
            try await runtime.submit(.trainer(.advance))
        }
        let error =
            "x.lua:4: s:remember: a person's scope needs the permission \"follow-up\", which the pack "
            + "org.example.untrusted 1.0.0 did not ask for (add \"follow-up\" to permissions in its kraftfelt-pack.toml)"
        #expect(await refused.state() == "failed: " + error)
        #expect(await granted.state() == "finished")
        #expect(try store.measures(of: "granted").map(\.name) == ["ties"])
        #expect(try store.storedValue(session: "granted", .participant("p1"), key: "goal")?.json == #"{"s":"mål"}"#)
        await host.shutdown()
    }
}
