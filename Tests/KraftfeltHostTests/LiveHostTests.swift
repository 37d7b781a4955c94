import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltLua
import KraftfeltStore
import Synchronization
import Testing

/// The exercises shipped in `Exercises/`.
enum ShippedExercises {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Exercises").standardizedFileURL

    static let library: [ExerciseSource] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.sorted().map {
            ExerciseSource(
                fileName: $0, text: (try? String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) ?? "")
        }
    }()

    static func source(_ id: String) -> ExerciseSource { library.first { $0.fileName == "\(id).lua" }! }
    static let ids = library.map { String($0.fileName.dropLast(4)) }
}

func temporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("kf-live-\(UUID().uuidString)").path
}

func smallExercise(_ body: String) -> ExerciseSource {
    ExerciseSource(
        fileName: "x.lua",
        text: """
            return kf.exercise { id = "x", title = { da = "X", en = "X" }, minutes = 5,
              run = function(s)
            \(body)
              end }
            """)
}

/// The id of the newest question the console shows.
func openQuestion(_ runtime: SessionRuntime) async throws -> Int {
    guard case .console(let console)? = await runtime.view(.console), let question = console.questions.last else {
        throw KraftfeltError(.notOpen, "no question is open")
    }
    return question.id
}

/// Live sessions through `Host`: clients that only read views and submit inputs.
@Suite struct LiveHostTests {
    /// The whole seed programme (and every shipped exercise) driven through the host by
    /// bots that see only views has the rehearsal's transcript, event for event.
    @Test(arguments: ["netvaerksorganisering", "summegrupper", "spoergsmaal-paa-tvaers", "maaling"])
    func aProgrammeThroughTheHostHasTheRehearsalsTranscript(_ id: String) async throws {
        let definition = SessionDefinition(
            main: ShippedExercises.source(id), library: ShippedExercises.library, seed: 7, language: "da")
        let rehearsal = try Rehearsal(definition: definition, participants: 24, areas: 4)
        let rehearsed = try rehearsal.run(exercise: id)
        #expect(rehearsed.state == .finished)

        let clock = ManualClock(wall: definition.startedAt * 1000)
        let host = SessionHost(store: try SQLiteStore(directory: temporaryDirectory()), clock: clock)
        let runtime = try await host.create(
            exercise: id, main: definition.main, library: definition.library, seed: 7)
        let bots = LiveRehearsal(runtime: runtime, clock: clock, participants: 24, areas: 4)
        let console = try await bots.run()
        #expect(console.phase == .finished)
        let live = await runtime.transcript()
        #expect(live == rehearsed.transcript.text)
        // The log in the store replays to the same transcript in a new engine.
        let stored = try host.store.events(of: runtime.id)
        let replayed = try Session(definition: runtime.record.definition)
        try replayed.replay(stored)
        #expect(replayed.transcript.text == live)
        #expect(try host.store.session(runtime.id).state == "finished")
        await host.shutdown()
    }

    /// Many tasks answer one question at once: every acknowledged answer is in the log
    /// exactly once, in the order of its number, and answers share commits.
    @Test func concurrentAnswersAreEachLoggedOnceAndShareCommits() async throws {
        let clock = ManualClock()
        // A disk that takes 3 ms a commit (a temporary directory may be in memory).
        let store = FailingStore(try SQLiteStore(directory: temporaryDirectory()))
        store.commitDelay.store(3_000, ordering: .relaxed)
        let host = SessionHost(store: store, clock: clock)
        let runtime = try await host.create(
            exercise: "x", main: smallExercise(#"local a = s:ask(s.everyone, { da = "Tal", kind = "number" })"#),
            seed: 3)
        let people = (1...300).map { Participant(id: "p\($0)", name: "P\($0)", area: "A\($0 % 5)") }
        for p in people { try await runtime.submit(.join(p)) }
        try await runtime.submit(.trainer(.advance))
        let ask = try await openQuestion(runtime)
        let before = runtime.measured
        let receipts = try await withThrowingTaskGroup(of: (String, Receipt).self) { group in
            for p in people {
                group.addTask {
                    (p.id, try await runtime.submit(.answer(ask: ask, participant: p.id, value: .number(4))))
                }
            }
            var all: [(String, Receipt)] = []
            for try await receipt in group { all.append(receipt) }
            return all
        }
        let after = runtime.measured
        let events = try host.store.events(of: runtime.id)
        store.commitDelay.store(0, ordering: .relaxed)
        let answers = events.enumerated().compactMap { offset, event -> (Int, String)? in
            if case .answer(_, let who, _, _) = event { return (offset + 1, who) }
            return nil
        }
        #expect(answers.count == 300)
        #expect(Set(answers.map(\.1)).count == 300)
        for (who, receipt) in receipts {
            #expect(answers.contains { $0.0 == receipt.event && $0.1 == who })
        }
        #expect(after.inputs - before.inputs == 300)
        #expect(after.batches - before.batches < 150, "answers that arrive together share a commit")
        #expect(await runtime.transcript().contains("300 of 300 answered"))
        await host.shutdown()
    }

    /// Timers run on the host's clock; a session loaded after its deadline passed moves on
    /// at once.
    @Test func timersFireFromTheClockAndAfterARestart() async throws {
        let folder = temporaryDirectory()
        let clock = ManualClock()
        let host = SessionHost(store: try SQLiteStore(directory: folder), clock: clock)
        let runtime = try await host.create(
            exercise: "x",
            main: smallExercise(
                """
                    s:timer("2m", "Samtale")
                    s:show("efter")
                    s:timer("10m", "Lang")
                    s:show("slut")
                """), seed: 3)
        try await runtime.submit(.join(Participant(id: "p1", name: "Anne", area: "Sundhed")))
        try await runtime.submit(.trainer(.advance))
        clock.advance(by: 119_000)
        #expect(await !runtime.transcript().contains("efter"))
        clock.advance(by: 1_000)
        let transcript = await runtime.transcript()
        #expect(transcript.contains("[02:00] time is up: Samtale"))
        #expect(transcript.contains("[02:00] show: efter"))
        #expect(runtime.measured.timerLateness.allSatisfy { $0 == 0 })
        await host.shutdown()

        // The host is down for an hour: the 10-minute timer ran out meanwhile.
        let later = ManualClock(start: 5_000, wall: clock.wall() + 3_600_000)
        let again = SessionHost(store: try SQLiteStore(directory: folder), clock: later)
        let resumed = again.resumeLive()
        #expect(resumed.resumed == [runtime.id])
        let back = try again.runtime(runtime.id)
        for _ in 0..<200 where await back.state() != "finished" { try await Task.sleep(for: .milliseconds(10)) }
        let after = await back.transcript()
        #expect(after.contains("time is up: Lang"))
        #expect(after.contains("show: slut"))
        #expect(await back.state() == "finished")
        await again.shutdown()
    }

    /// A store that fails under a batch: nobody in it is acknowledged, the session is
    /// loaded again from its log, and the next inputs are taken.
    @Test func aFailedCommitAcknowledgesNoneAndTheSessionRecovers() async throws {
        let store = FailingStore(try SQLiteStore(directory: temporaryDirectory()))
        let host = SessionHost(store: store, clock: ManualClock())
        let runtime = try await host.create(
            exercise: "x", main: smallExercise(#"local a = s:ask(s.everyone, { da = "Navn" }); s:show(#a .. " svar")"#),
            seed: 3)
        for i in 1...3 { try await runtime.submit(.join(Participant(id: "p\(i)", name: "P\(i)", area: "A"))) }
        try await runtime.submit(.trainer(.advance))
        let ask = try await openQuestion(runtime)
        let logged = try store.events(of: runtime.id).count
        store.failing.store(true, ordering: .relaxed)
        await #expect(throws: KraftfeltError.self) {
            try await runtime.submit(.answer(ask: ask, participant: "p1", value: .text("Anne")))
        }
        do {
            try await runtime.submit(.answer(ask: ask, participant: "p2", value: .text("Bo")))
            Issue.record("a failing store acknowledged an answer")
        } catch {
            #expect(error.code == .storageUnavailable)
        }
        #expect(try store.events(of: runtime.id).count == logged)
        store.failing.store(false, ordering: .relaxed)
        // p1's answer was not kept: it can be given again.
        try await runtime.submit(.answer(ask: ask, participant: "p1", value: .text("Anne")))
        try await runtime.submit(.answer(ask: ask, participant: "p2", value: .text("Bo")))
        try await runtime.submit(.answer(ask: ask, participant: "p3", value: .text("Cecilie")))
        #expect(await runtime.transcript().contains("show: 3 svar"))
        #expect(await runtime.state() == "finished")
        await host.shutdown()
    }

    /// A stored session loaded before its start keeps the state it was stored with (a
    /// rehearsal created by one command and run by the host is still "running", so it
    /// can be resumed).
    @Test func loadingASessionNotStartedChangesNothingStored() async throws {
        let store = try SQLiteStore(directory: temporaryDirectory())
        let definition = SessionDefinition(main: smallExercise("    s:show(1)"), seed: 2)
        try store.createSession(SessionRecord(id: "waiting", exercise: "x", definition: definition))
        let host = SessionHost(store: store, clock: ManualClock())
        let runtime = try host.resume("waiting")
        #expect(await runtime.sessionState() == .notStarted)
        _ = await runtime.transcript()  // after the runtime's first work on its queue
        #expect(try store.session("waiting").state == "running")
        try await runtime.start(parameters: [:])
        #expect(try store.events(of: "waiting").count == 1)
        await host.shutdown()
    }

    /// The store fails under a script's storage write in the middle of a batch: nobody in
    /// the batch is acknowledged, the host stands, and the session goes on from its log.
    @Test func aStoreFailingUnderAStorageWriteInABatchAcknowledgesNone() async throws {
        let store = FailingStore(try SQLiteStore(directory: temporaryDirectory()))
        let host = SessionHost(store: store, clock: ManualClock())
        let runtime = try await host.create(
            exercise: "x",
            main: smallExercise(
                #"    local a = s:ask(s:participants(), { da = "Navn" }); s:remember("session", "n", #a); s:show(#a .. " svar")"#
            ),
            seed: 3)
        for i in 1...2 { try await runtime.submit(.join(Participant(id: "p\(i)", name: "P\(i)", area: "A"))) }
        try await runtime.submit(.trainer(.advance))
        let ask = try await openQuestion(runtime)
        try await runtime.submit(.answer(ask: ask, participant: "p1", value: .text("a")))
        let logged = try store.events(of: runtime.id)
        store.failingStorageWrites.store(true, ordering: .relaxed)
        // A join and the answer that closes the question (and stores), from two tasks: in one
        // batch or two, whatever is acknowledged is stored, and the answer is not.
        async let join = Self.code(runtime, .join(Participant(id: "p3", name: "P3", area: "A")))
        async let answer = Self.code(runtime, .answer(ask: ask, participant: "p2", value: .text("b")))
        let (joined, answered) = await (join, answer)
        store.failingStorageWrites.store(false, ordering: .relaxed)
        #expect(answered == .storageUnavailable)
        let now = try store.events(of: runtime.id)
        #expect(now.prefix(logged.count) == logged[...])
        let joinStored = now.contains { if case .join(let p, _) = $0 { p.id == "p3" } else { false } }
        #expect(joined == nil ? joinStored : !joinStored)
        #expect(!now.contains { if case .answer(_, "p2", _, _) = $0 { true } else { false } })
        // The session goes on from its log: the answer is taken when given again.
        try await runtime.submit(.answer(ask: ask, participant: "p2", value: .text("b")))
        #expect(await runtime.transcript().contains(joined == nil ? "show: 2 svar" : "show: 2 svar"))
        let replayed = try Session(definition: runtime.record.definition)
        try replayed.replay(try store.events(of: runtime.id))
        #expect(replayed.transcript.text == (await runtime.transcript()))
        await host.shutdown()
    }

    /// The code of an input's refusal, or nil when it was acknowledged.
    static func code(_ runtime: SessionRuntime, _ input: SessionInput) async -> KraftfeltError.Code? {
        do {
            try await runtime.submit(input)
            return nil
        } catch {
            return error.code
        }
    }

    /// Revisions never go back, also after a step back; a subscription after close ends.
    @Test func revisionsOnlyGrowAndClosedRuntimesTakeNoSubscribers() async throws {
        let host = SessionHost(store: try SQLiteStore(directory: temporaryDirectory()), clock: ManualClock())
        let runtime = try await host.create(
            exercise: "x", main: smallExercise("    s:wait_for_trainer('a')\n    s:wait_for_trainer('b')"), seed: 3)
        let first = try await runtime.submit(.join(Participant(id: "p1", name: "Anne", area: "A")))
        let second = try await runtime.submit(.trainer(.advance))
        try await runtime.stepBack()
        let third = try await runtime.submit(.join(Participant(id: "p2", name: "Bo", area: "B")))
        #expect(first.revision < second.revision && second.revision < third.revision)
        guard case .console(let view)? = await runtime.view(.console) else { throw KraftfeltError(.broken, "no view") }
        #expect(view.revision == third.revision)
        await runtime.close()
        var count = 0
        for await _ in runtime.updates(of: .console) { count += 1 }
        #expect(count == 0)
        await host.shutdown()
    }

    /// Refusals carry codes: what front ends map to messages and statuses.
    @Test func refusalsHaveCodes() async throws {
        let host = SessionHost(store: try SQLiteStore(directory: temporaryDirectory()), clock: ManualClock())
        let runtime = try await host.create(
            exercise: "x",
            main: smallExercise(#"s:ask(s.everyone, { da = "Valg", kind = "choice", options = { "a", "b" } })"#),
            seed: 3)
        try await runtime.submit(.join(Participant(id: "p1", name: "Anne", area: "A")))
        try await runtime.submit(.join(Participant(id: "p2", name: "Bo", area: "B")))
        try await runtime.submit(.trainer(.advance))
        let ask = try await openQuestion(runtime)
        func code(_ input: SessionInput) async -> KraftfeltError.Code? {
            do {
                try await runtime.submit(input)
                return nil
            } catch { return error.code }
        }
        #expect(await code(.join(Participant(id: "p1", name: "Anne", area: "A"))) == .alreadyHere)
        #expect(await code(.answer(ask: 99, participant: "p1", value: .text("a"))) == .notOpen)
        #expect(await code(.answer(ask: ask, participant: "p9", value: .text("a"))) == .notInSession)
        #expect(await code(.answer(ask: ask, participant: "p1", value: .text("c"))) == .invalid)
        #expect(await code(.answer(ask: ask, participant: "p1", value: .text("a"))) == nil)
        #expect(await code(.answer(ask: ask, participant: "p1", value: .text("b"))) == .alreadyAnswered)
        #expect(throws: KraftfeltError.self) { try host.runtime("nosuch") }
        await host.shutdown()
    }
}

/// A store that refuses appends while `failing` is set (a disk gone away); everything else
/// goes to the real store underneath.
final class FailingStore: SessionStore, Sendable {
    let base: SQLiteStore
    let failing = Atomic<Bool>(false)
    /// Fails only appends that hold a script's storage write (a disk that fails just then).
    let failingStorageWrites = Atomic<Bool>(false)

    private func checkWrites(_ events: [SessionEvent]) throws(StoreError) {
        if failingStorageWrites.load(ordering: .relaxed), events.contains(where: \.isStorage) {
            throw StoreError(.io, "disk I/O error (the test's store is failing)")
        }
    }
    /// Microseconds each write waits before it goes to the store (a slow disk).
    let commitDelay = Atomic<Int>(0)
    init(_ base: SQLiteStore) { self.base = base }

    private func check() throws(StoreError) {
        if failing.load(ordering: .relaxed) { throw StoreError(.io, "disk I/O error (the test's store is failing)") }
        let delay = commitDelay.load(ordering: .relaxed)
        if delay > 0 { usleep(UInt32(delay)) }
    }

    var schemaChange: SchemaChange { base.schemaChange }
    func createSession(_ record: SessionRecord) throws(StoreError) { try base.createSession(record) }
    func sessions() throws(StoreError) -> [SessionRecord] { try base.sessions() }
    func session(_ id: String) throws(StoreError) -> SessionRecord { try base.session(id) }
    func setState(_ id: String, _ state: String, lease: SessionLease?) throws(StoreError) {
        try check()
        try base.setState(id, state, lease: lease)
    }
    func append(_ event: SessionEvent, to session: String, seq: Int?, lease: SessionLease?) throws(StoreError) -> Int {
        try check()
        try checkWrites([event])
        return try base.append(event, to: session, seq: seq, lease: lease)
    }
    func append(contentsOf events: [SessionEvent], to session: String, from seq: Int, lease: SessionLease?)
        throws(StoreError) -> Int
    {
        try check()
        try checkWrites(events)
        return try base.append(contentsOf: events, to: session, from: seq, lease: lease)
    }
    func replaceEvents(of session: String, from seq: Int, with events: [SessionEvent], lease: SessionLease?)
        throws(StoreError)
    {
        try check()
        try base.replaceEvents(of: session, from: seq, with: events, lease: lease)
    }
    func events(of session: String) throws(StoreError) -> [SessionEvent] { try base.events(of: session) }
    func deleteSession(_ id: String) throws(StoreError) { try base.deleteSession(id) }
    func rewriteEvents(of session: String, _ events: [SessionEvent]) throws(StoreError) {
        try base.rewriteEvents(of: session, events)
    }
    func claim(_ session: String, as holder: LeaseHolder, for seconds: Double) throws(StoreError) -> SessionLease {
        try base.claim(session, as: holder, for: seconds)
    }
    func renew(_ lease: SessionLease, for seconds: Double) throws(StoreError) -> SessionLease {
        try base.renew(lease, for: seconds)
    }
    func release(_ lease: SessionLease) throws(StoreError) { try base.release(lease) }
    func lease(of session: String) throws(StoreError) -> SessionLease? { try base.lease(of: session) }
    func storedValue(session: String, _ scope: StorageScope, key: String) throws(StoreError) -> StoredValue? {
        try base.storedValue(session: session, scope, key: key)
    }
    func storage(ofParticipant id: String) throws(StoreError) -> [StoredEntry] { try base.storage(ofParticipant: id) }
    func forgetStorage(ofParticipant id: String) throws(StoreError) -> Int { try base.forgetStorage(ofParticipant: id) }
    func forgetStorage(ofSession id: String) throws(StoreError) { try base.forgetStorage(ofSession: id) }
    func forgetParticipantStorage(in organisation: String, unchangedSince date: Date) throws(StoreError) -> Int {
        try base.forgetParticipantStorage(in: organisation, unchangedSince: date)
    }
    func saveOutcome(_ id: String, state: String?, exercises: [ExerciseRun], measures: [Measure], lease: SessionLease?)
        throws(StoreError)
    {
        try check()
        try base.saveOutcome(id, state: state, exercises: exercises, measures: measures, lease: lease)
    }
    func exercises(of session: String) throws(StoreError) -> [ExerciseRun] { try base.exercises(of: session) }
    func measures(of session: String) throws(StoreError) -> [Measure] { try base.measures(of: session) }
    func sessions(of organisation: String, from: Int64?, to: Int64?) throws(StoreError) -> [SessionRecord] {
        try base.sessions(of: organisation, from: from, to: to)
    }
    func issueFollowUps(_ codes: [String: FollowUp]) throws(StoreError) -> [String: FollowUp] {
        try check()
        return try base.issueFollowUps(codes)
    }
    func followUp(codeHash: String) throws(StoreError) -> FollowUp? { try base.followUp(codeHash: codeHash) }
    func followUps(of session: String) throws(StoreError) -> [FollowUp] { try base.followUps(of: session) }
    func answerFollowUp(codeHash: String, measures: [Measure], now: Int64) throws(StoreError) -> FollowUp {
        try check()
        return try base.answerFollowUp(codeHash: codeHash, measures: measures, now: now)
    }
    func followUpMeasures(of session: String) throws(StoreError) -> [Measure] { try base.followUpMeasures(of: session) }
    func forgetMeasures(ofParticipant id: String) throws(StoreError) -> Int {
        try base.forgetMeasures(ofParticipant: id)
    }
    func organisations() throws(StoreError) -> [Organisation] { try base.organisations() }
    func setRetentionDays(_ days: Int?, for organisation: String) throws(StoreError) {
        try base.setRetentionDays(days, for: organisation)
    }
    func markAnonymised(_ id: String, at date: Date) throws(StoreError) { try base.markAnonymised(id, at: date) }
    func sessionsToAnonymise(in organisation: String, startedBefore date: Date) throws(StoreError) -> [String] {
        try base.sessionsToAnonymise(in: organisation, startedBefore: date)
    }
    func serverValue(_ name: String) throws(StoreError) -> String? { try base.serverValue(name) }
    func setServerValue(_ name: String, _ value: String?) throws(StoreError) {
        try check()
        try base.setServerValue(name, value)
    }
    func serverValue(_ name: String, orInsert value: String) throws(StoreError) -> String {
        try check()
        return try base.serverValue(name, orInsert: value)
    }
}
