import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltStore
import Testing

/// The trainer's step back: the last advance or skip is taken out of the log, and what
/// came after it is applied again where it still fits.
@Suite struct StepBackTests {
    func start(_ body: String, people: Int = 3) async throws -> (SessionHost, SessionRuntime, ManualClock) {
        let clock = ManualClock()
        let host = SessionHost(store: try SQLiteStore(directory: temporaryDirectory()), clock: clock)
        let runtime = try await host.create(exercise: "x", main: smallExercise(body), seed: 3)
        for i in 1...people {
            try await runtime.submit(.join(Participant(id: "p\(i)", name: "P\(i)", area: "A\(i % 2)")))
        }
        return (host, runtime, clock)
    }

    func console(_ runtime: SessionRuntime) async throws -> ConsoleView {
        guard case .console(let view)? = await runtime.view(.console) else { throw KraftfeltError(.broken, "no view") }
        return view
    }

    /// The stored log replays to the runtime's transcript in a new engine.
    func expectExactReplay(_ host: SessionHost, _ runtime: SessionRuntime) async throws {
        let replayed = try Session(definition: runtime.record.definition)
        try replayed.replay(try host.store.events(of: runtime.id))
        #expect(replayed.transcript.text == (await runtime.transcript()))
    }

    @Test func afterAnAdvanceTheQuestionItOpenedIsGoneAndItsAnswersAreReported() async throws {
        let (host, runtime, clock) = try await start(
            """
                s:wait_for_trainer("Klar?")
                local a = s:ask(s.everyone, { da = "Hvad tager du med?", time = "5m" })
                s:show(#a .. " svar")
            """)
        try await runtime.submit(.trainer(.advance))  // the lobby
        clock.advance(by: 10_000)
        try await runtime.submit(.trainer(.advance))  // past "Klar?"
        let ask = try await openQuestion(runtime)
        clock.advance(by: 5_000)
        try await runtime.submit(.answer(ask: ask, participant: "p1", value: .text("Noget")))
        try await runtime.submit(.join(Participant(id: "p4", name: "P4", area: "A0")))
        let report = try await runtime.stepBack()
        #expect(report.undone == .advance)
        #expect(report.at == 10_000)
        #expect(report.kept == 1, "the join still fits")
        #expect(report.dropped.count == 1)
        #expect(report.dropped.first?.reason == "question \(ask) is not open")
        let view = try await console(runtime)
        #expect(view.questions.isEmpty)
        #expect(view.waiting == ["Klar?"])
        #expect(view.people.map(\.id) == ["p1", "p2", "p3", "p4"])
        try await expectExactReplay(host, runtime)
        // The trainer moves on again: a new question, and the session goes on.
        try await runtime.submit(.trainer(.advance))
        #expect(try await console(runtime).questions.count == 1)
        try await expectExactReplay(host, runtime)
        await host.shutdown()
    }

    @Test func afterASkipTheTimerRunsAgainWithTheTimeItHadLeft() async throws {
        let (host, runtime, clock) = try await start(
            """
                s:timer("10m", "Samtale")
                s:show("efter samtalen")
                s:wait_for_trainer("slut")
            """)
        try await runtime.submit(.trainer(.advance))
        clock.advance(by: 120_000)
        let timer = try #require(try await console(runtime).timers.first)
        try await runtime.submit(.trainer(.skip(timer: timer.id)))
        #expect(await runtime.transcript().contains("show: efter samtalen"))
        clock.advance(by: 30_000)
        let report = try await runtime.stepBack()
        #expect(report.undone == .skip(timer: timer.id))
        let running = try #require(try await console(runtime).timers.first)
        #expect(running.id == timer.id)
        #expect(running.endsAt - (await runtime.now()) == 480_000, "8 of its 10 minutes are left")
        #expect(await !runtime.transcript().contains("show: efter samtalen"))
        try await expectExactReplay(host, runtime)
        clock.advance(by: 480_000)
        #expect(await runtime.transcript().contains("show: efter samtalen"))
        await host.shutdown()
    }

    @Test func twiceInARowGoesBackTwoSteps() async throws {
        let (host, runtime, clock) = try await start(
            """
                s:wait_for_trainer("første")
                s:wait_for_trainer("anden")
            """)
        try await runtime.submit(.trainer(.advance))
        clock.advance(by: 1_000)
        try await runtime.submit(.trainer(.advance))
        #expect(try await console(runtime).waiting == ["anden"])
        try await runtime.stepBack()
        #expect(try await console(runtime).waiting == ["første"])
        try await runtime.stepBack()
        let lobby = try await console(runtime)
        #expect(lobby.phase == .lobby && lobby.waiting == ["lobby"])
        try await expectExactReplay(host, runtime)
        await #expect(throws: KraftfeltError.self) { try await runtime.stepBack() }
        do {
            try await runtime.stepBack()
        } catch {
            #expect(error.code == .nothingToUndo && error.message == "there is no advance or skip to take back")
        }
        await host.shutdown()
    }

    @Test func answersToQuestionsStillOpenAreKeptAndTheOthersDropped() async throws {
        let (host, runtime, clock) = try await start(
            """
                local groups = s:groups { size = 2 }
                s:each_group(groups, function(g)
                  if g.index == 1 then g:wait_for_trainer("gruppe 1 venter") end
                  g:ask(g.everyone, { da = "Gruppe " .. g.index, time = "10m" })
                end)
            """, people: 4)
        try await runtime.submit(.trainer(.advance))  // the lobby: group 2 asks, group 1 waits
        let before = try await console(runtime)
        let second = try #require(before.questions.first)
        try await runtime.submit(.trainer(.advance))  // group 1 asks too
        let after = try await console(runtime)
        let first = try #require(after.questions.first { $0.id != second.id })
        clock.advance(by: 2_000)
        try await runtime.submit(.answer(ask: second.id, participant: second.audience[0], value: .text("to")))
        try await runtime.submit(.answer(ask: first.id, participant: first.audience[0], value: .text("en")))
        let report = try await runtime.stepBack()
        #expect(report.kept == 1)
        #expect(report.dropped.map(\.reason) == ["question \(first.id) is not open"])
        let now = try await console(runtime)
        #expect(now.questions.map(\.id) == [second.id])
        #expect(now.questions[0].answers.map(\.who) == [second.audience[0]])
        try await expectExactReplay(host, runtime)
        await host.shutdown()
    }

    @Test func aStepThatKeptDataIsNotTakenBack() async throws {
        let (host, runtime, _) = try await start(
            """
                s:wait_for_trainer("gem")
                s:remember("session", "k", 1)
                s:wait_for_trainer("slut")
            """)
        try await runtime.submit(.trainer(.advance))
        try await runtime.submit(.trainer(.advance))
        let logged = try host.store.events(of: runtime.id)
        do {
            try await runtime.stepBack()
            Issue.record("a step that kept data was taken back")
        } catch {
            #expect(error.code == .nothingToUndo)
            #expect(error.message.contains("kept data in storage"))
        }
        #expect(try host.store.events(of: runtime.id) == logged, "nothing changed")
        await host.shutdown()
    }
}
