import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltLua
import KraftfeltStore
import Testing

/// Live sessions whose scripts run in supervised worker processes: the runtime works the
/// same, and a script no limit inside Lua can stop ends only its own session.
@Suite(.serialized) struct LiveWorkerTests {
    func host(_ store: any SessionStore, clock: ManualClock) -> SessionHost {
        SessionHost(store: store, clock: clock, configuration: .init(workers: SupervisionTests.configuration))
    }

    /// The same bots, through a host whose sessions run in workers, make the rehearsal's
    /// transcript, and the log replays to it.
    @Test func aRehearsalThroughWorkersHasTheRehearsalsTranscript() async throws {
        let definition = SessionDefinition(
            main: ShippedExercises.source("spoergsmaal-paa-tvaers"), library: ShippedExercises.library, seed: 7)
        let rehearsed = try Rehearsal(definition: definition, participants: 12, areas: 4)
            .run(exercise: "spoergsmaal-paa-tvaers")
        let clock = ManualClock(wall: definition.startedAt * 1000)
        let host = host(try SQLiteStore(directory: temporaryDirectory()), clock: clock)
        let runtime = try await host.create(
            exercise: "spoergsmaal-paa-tvaers", main: definition.main, library: definition.library, seed: 7)
        #expect(await runtime.activity() == nil, "the scripts run in another process")
        let console = try await LiveRehearsal(runtime: runtime, clock: clock, participants: 12, areas: 4).run()
        #expect(console.phase == .finished)
        #expect(await runtime.transcript() == rehearsed.transcript.text)
        let replayed = try Session(definition: runtime.record.definition)
        try replayed.replay(try host.store.events(of: runtime.id))
        #expect(replayed.transcript == rehearsed.transcript)
        await host.shutdown()
    }

    /// A live session stuck in an endless loop in C is ended by the watchdog, with the
    /// stop logged, while another live session in the same host takes its answers.
    @Test func aLiveSessionStuckInCIsEndedWhileAnotherCarriesOn() async throws {
        let clock = ManualClock()
        let store = try SQLiteStore(directory: temporaryDirectory())
        let host = host(store, clock: clock)
        let stuck = try await host.create(
            exercise: "x", main: smallExercise("    s:wait_for_trainer('klar')\n    kftest.spin()"), seed: 1)
        let normal = try await host.create(
            exercise: "x",
            main: smallExercise(#"    local a = s:ask(s.everyone, { da = "Navn" }); s:show(#a .. " svar")"#),
            seed: 2)
        for runtime in [stuck, normal] {
            try await runtime.submit(.join(Participant(id: "p1", name: "Anne", area: "Sundhed")))
            try await runtime.submit(.trainer(.advance))
        }
        let spinning = Task { try await stuck.submit(.trainer(.advance)) }  // past "klar": it spins
        try await Task.sleep(for: .milliseconds(300))
        let ask = try await openQuestion(normal)
        try await normal.submit(.answer(ask: ask, participant: "p1", value: .text("Anne")))
        #expect(await normal.transcript().contains("show: 1 svar"))
        #expect(await normal.state() == "finished")

        _ = try await spinning.value
        let message =
            "time limit exceeded: the script ran for more than 2 seconds without waiting, and the host had to end "
            + "the process that ran it"
        #expect(await stuck.state() == "failed: " + message)
        #expect(await stuck.transcript().hasSuffix("error: \(message)\n"))
        #expect(try store.session(stuck.id).state == "failed: " + message)
        guard case .stopped(let stop, _) = try store.events(of: stuck.id).last else {
            Issue.record("the stop was not logged")
            return
        }
        #expect(stop.cause == .time && stop.work == nil)
        await host.shutdown()
    }

    /// A worker outlives the thread that happened to start it: a session idle for longer
    /// than Dispatch keeps an idle thread (workers die with the thread that started them,
    /// so they are started from one that lives as long as the host).
    @Test func anIdleWorkerSessionStillAnswers() async throws {
        let host = host(try SQLiteStore(directory: temporaryDirectory()), clock: ManualClock())
        let runtime = try await host.create(exercise: "x", main: smallExercise("    s:wait_for_trainer('a')"), seed: 1)
        try await runtime.submit(.join(Participant(id: "p1", name: "Anne", area: "Sundhed")))
        try await Task.sleep(for: .seconds(12))
        try await runtime.submit(.trainer(.advance))
        #expect(await runtime.transcript().contains("waiting for the trainer: a"))
        await host.shutdown()
    }

    /// A worker killed between two steps: the host's next write finds a closed pipe, which
    /// ends that session (the host must not die of SIGPIPE).
    @Test func aWorkerKilledBetweenStepsEndsOnlyItsSession() throws {
        let store = try SQLiteStore(directory: temporaryDirectory())
        let definition = SessionDefinition(main: smallExercise("    s:wait_for_trainer('a')"), seed: 1)
        try store.createSession(SessionRecord(id: "killed", exercise: "x", definition: definition))
        let worker = try SessionWorker(session: "killed", store: store, configuration: SupervisionTests.configuration)
        try worker.submit(definition.startEvent(exercise: "x"))
        kill(worker.processIdentifier, SIGKILL)
        usleep(200_000)
        #expect(throws: WorkerError.self) {
            try worker.submit(.join(Participant(id: "p1", name: "Anne", area: "Sundhed"), at: 1000))
        }
        worker.close()
        // The session is where it was: nothing of the refused input was logged.
        #expect(try store.events(of: "killed").count == 1)
    }

    /// A live session whose worker is killed while it waits goes on in a new worker: the
    /// input that met the dead one is refused (nothing of it was logged), the next is taken.
    @Test func aLiveSessionGoesOnInANewWorkerAfterItsWorkerDied() async throws {
        let host = host(try SQLiteStore(directory: temporaryDirectory()), clock: ManualClock())
        let runtime = try await host.create(
            exercise: "x",
            main: smallExercise(#"    local a = s:ask(s.everyone, { da = "Navn" }); s:show(#a .. " svar")"#),
            seed: 1)
        try await runtime.submit(.join(Participant(id: "p1", name: "Anne", area: "Sundhed")))
        let first = try #require(await runtime.workerProcess())
        kill(first, SIGKILL)
        usleep(200_000)
        do {
            try await runtime.submit(.join(Participant(id: "p2", name: "Bo", area: "Skole")))
            Issue.record("a dead worker took an input")
        } catch {
            #expect(error.code == .broken)
        }
        let second = try #require(await runtime.workerProcess())
        #expect(second != first)
        try await runtime.submit(.join(Participant(id: "p2", name: "Bo", area: "Skole")))
        try await runtime.submit(.trainer(.advance))
        let ask = try await openQuestion(runtime)
        for id in ["p1", "p2"] { try await runtime.submit(.answer(ask: ask, participant: id, value: .text(id))) }
        #expect(await runtime.transcript().contains("show: 2 svar"))
        await host.shutdown()
    }

    /// Step back works the same with the engine in a worker.
    @Test func stepBackInAWorker() async throws {
        let clock = ManualClock()
        let store = try SQLiteStore(directory: temporaryDirectory())
        let host = host(store, clock: clock)
        let runtime = try await host.create(
            exercise: "x", main: smallExercise("    s:wait_for_trainer('a')\n    s:wait_for_trainer('b')"), seed: 1)
        try await runtime.submit(.join(Participant(id: "p1", name: "Anne", area: "Sundhed")))
        try await runtime.submit(.trainer(.advance))
        try await runtime.submit(.trainer(.advance))
        let report = try await runtime.stepBack()
        #expect(report.undone == .advance && report.dropped.isEmpty)
        guard case .console(let console)? = await runtime.view(.console) else {
            Issue.record("no console view")
            return
        }
        #expect(console.waiting == ["a"])
        let replayed = try Session(definition: runtime.record.definition)
        try replayed.replay(try store.events(of: runtime.id))
        #expect(replayed.transcript.text == (await runtime.transcript()))
        await host.shutdown()
    }
}
