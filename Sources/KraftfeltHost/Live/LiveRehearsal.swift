import KraftfeltEngine

/// Bots as clients of a live session: they read only the views (the console's, to see
/// what is asked, and each bot's own, before it answers) and submit inputs through the
/// ``SessionRuntime``, on a ``ManualClock`` that the driver moves from one decision to
/// the next. The bots decide as ``Rehearsal`` does (same seeds, same delays), so a
/// session driven through the host this way has the same transcript as the rehearsal.
///
/// A rehearsal whose process was killed continues from its log: the bots make their
/// decisions again against a replay of the log (each checked against the event logged
/// for it), and go on live where the log ends.
public final class LiveRehearsal {
    public let runtime: SessionRuntime
    public let clock: ManualClock
    public let bots: [Bot]
    private let botsByID: [String: Bot]
    private let roomAreas: Set<String>
    private var rng: SeededGenerator
    private let seed: UInt64
    private var queue: [(at: Int64, order: Int, action: Action)] = []
    private var order = 0
    private var planned: [Int: Int] = [:]
    private var trainerAt: Int64?
    /// The monotonic time of session time 0 (set when the bots go live).
    private var origin: Int64 = 0
    /// While catching up with a log: a replay of it, which the bots' decisions are checked
    /// against and applied to.
    private var shadow: Session?

    enum Action {
        case join(Bot)
        case leave(Bot)
        case answer(ask: Int, bot: Bot)
    }

    /// Bots for a session the host runs on `clock`.
    public init(runtime: SessionRuntime, clock: ManualClock, participants: Int, areas: Int) {
        let definition = runtime.record.definition
        self.runtime = runtime
        self.clock = clock
        self.seed = definition.seed
        bots = BotRoom.make(count: participants, areas: areas, seed: definition.seed, language: definition.language)
        botsByID = Dictionary(uniqueKeysWithValues: bots.map { ($0.participant.id, $0) })
        roomAreas = Set(bots.map(\.participant.area))
        rng = SeededGenerator(seed: definition.seed, stream: "rehearsal")
    }

    /// Runs the session to its end; returns the console's last view.
    /// - Parameters:
    ///   - parameters: the exercise's parameters, for a session not started yet.
    ///   - progress: the share of `plannedMinutes` of session time passed, now and then.
    /// - Throws: ``KraftfeltError/Code/logMismatch`` when the log of a rehearsal being
    ///   continued was made by other settings.
    public func run(
        parameters: [String: String] = [:], plannedMinutes: Int = 60, progress: ((Double) -> Void)? = nil
    ) async throws(KraftfeltError) -> ConsoleView {
        let logged = await runtime.events()
        if logged.isEmpty {
            try await runtime.start(parameters: parameters)
        } else if logged.count > 1 {
            let replay = try Self.replaying(logged, of: runtime.record.definition)
            if replay.nextLoggedInput != nil { shadow = replay }
        }
        origin = clock.monotonic() - (await runtime.now())
        for arrival in BotRoom.arrivals(of: bots, using: &rng) {
            schedule(at: arrival.at, arrival.leaves ? .leave(arrival.bot) : .join(arrival.bot))
        }
        var steps = 0
        while true {
            let console = try await consoleView()
            guard console.phase == .lobby || console.phase == .running || console.phase == .notStarted else {
                progress?(1)
                return console
            }
            steps += 1
            if steps % 256 == 0 {
                progress?(min(1, Double(console.at) / (Double(max(1, plannedMinutes)) * 60_000)))
            }
            let now = console.at
            scheduleAnswers(console, now: now)
            planTrainer(console, now: now)
            let nextAction = queue.first?.at ?? .max
            let deadline = console.timers.first?.endsAt ?? .max
            let trainer = trainerAt ?? .max
            if nextAction == .max && deadline == .max && trainer == .max {
                progress?(1)
                return console
            }
            if min(nextAction, deadline, trainer) > Rehearsal.maximumSessionTime {
                try await submit(.trainer(.end(reason: Rehearsal.giveUpReason)), at: now)
                continue
            }
            if nextAction <= deadline && nextAction <= trainer {
                let action = queue.removeFirst()
                try await perform(action.action, at: max(action.at, now), console: console)
            } else if deadline <= trainer, let timer = console.timers.first {
                try await endTimer(timer.id, at: max(deadline, now), console: console)
            } else {
                trainerAt = nil
                try await submit(.trainer(.advance), at: max(trainer, now))
            }
        }
    }

    /// A replay of a log that the bots catch up with (its start event applied).
    private static func replaying(_ events: [SessionEvent], of definition: SessionDefinition) throws(KraftfeltError)
        -> Session
    {
        do {
            let session = try Session(definition: definition)
            session.load(logged: events)
            try session.applyNextLogged()
            return session
        } catch {
            throw KraftfeltError.from(error)
        }
    }

    // MARK: What the bots see and do

    private func consoleView() async throws(KraftfeltError) -> ConsoleView {
        if let shadow { return shadow.consoleView }
        guard case .console(let console)? = await runtime.view(.console) else {
            throw KraftfeltError(.broken, "the console has no view")
        }
        return console
    }

    private func participantView(_ id: String) async -> ParticipantView? {
        if let shadow { return shadow.participantView(id) }
        guard case .participant(let view)? = await runtime.view(.participant(id)) else { return nil }
        return view
    }

    /// Submits an input at session time `at`: checked against the log while catching up,
    /// else through the runtime with the clock moved there.
    private func submit(_ input: SessionInput, at: Int64) async throws(KraftfeltError) {
        if let shadow {
            try take(input.event(at: at), from: shadow)
            return
        }
        clock.move(to: origin + at)
        try await runtime.submit(input)
    }

    /// Lets a timer end at its deadline: the runtime ends it when the clock gets there.
    private func endTimer(_ timer: Int, at: Int64, console: ConsoleView) async throws(KraftfeltError) {
        if let shadow {
            try take(.timerEnded(timer: timer, at: at), from: shadow)
            return
        }
        clock.advance(to: origin + at)
        if case .console(let after)? = await runtime.view(.console), after.revision == console.revision {
            throw KraftfeltError(.broken, "the timer at \(at) ms did not fire")
        }
    }

    /// Applies the next logged input when it is the one the bots decided on.
    private func take(_ event: SessionEvent, from shadow: Session) throws(KraftfeltError) {
        guard let logged = shadow.nextLoggedInput else { return }
        guard logged == event else {
            throw KraftfeltError(
                .logMismatch,
                "the log does not match this rehearsal at event \(shadow.nextLoggedNumber); it was made by other settings"
            )
        }
        do { try shadow.applyNextLogged() } catch { throw KraftfeltError.from(error) }
        if shadow.nextLoggedInput == nil { self.shadow = nil }  // caught up: live from here
    }

    private func planTrainer(_ console: ConsoleView, now: Int64) {
        trainerAt = Rehearsal.trainerMoves(
            at: trainerAt, now: now, inLobby: console.phase == .lobby,
            waiting: console.waiting.contains { $0 != "lobby" },
            untimedQuestion: console.questions.contains { $0.timer == nil })
    }

    private func schedule(at time: Int64, _ action: Action) {
        order += 1
        let index = queue.firstIndex { ($0.at, $0.order) > (time, order) } ?? queue.count
        queue.insert((time, order, action), at: index)
    }

    private func scheduleAnswers(_ console: ConsoleView, now: Int64) {
        guard console.questions.contains(where: { $0.audience.count > planned[$0.id] ?? 0 }) else { return }
        let present = Set(console.people.filter(\.present).map(\.id))
        for question in console.questions {
            let done = planned[question.id] ?? 0
            guard question.audience.count > done else { continue }
            planned[question.id] = question.audience.count
            for id in question.audience[done...] where present.contains(id) {
                guard let bot = botsByID[id],
                    let delay = BotRoom.answerDelay(of: bot, timeLimit: question.time, using: &rng)
                else { continue }
                schedule(at: now + delay, .answer(ask: question.id, bot: bot))
            }
        }
    }

    private func perform(_ action: Action, at: Int64, console: ConsoleView) async throws(KraftfeltError) {
        switch action {
        case .join(let bot):
            try await submit(.join(bot.participant), at: at)
        case .leave(let bot):
            guard console.people.contains(where: { $0.id == bot.participant.id && $0.present }) else { return }
            try await submit(.leave(participant: bot.participant.id), at: at)
        case .answer(let askID, let bot):
            let id = bot.participant.id
            guard let mine = await participantView(id), mine.present,
                let open = mine.questions.first(where: { $0.id == askID }), !open.answered,
                let question = console.questions.first(where: { $0.id == askID })
            else { return }
            let info = OpenAskInfo(
                id: askID, kind: question.kind, audience: question.audience,
                answered: Set(question.answers.map(\.who)), options: question.options,
                range: question.min.flatMap { low in question.max.map { low...$0 } }, botAnswers: question.samples,
                timer: question.timer, time: question.time)
            var answerRNG = SeededGenerator(seed: seed, stream: "answer:\(askID):\(id)")
            let people =
                question.kind == "person"
                ? console.people.filter(\.present).map { Participant(id: $0.id, name: $0.name, area: $0.area) } : []
            guard let answer = BotRoom.answer(for: info, by: bot, among: people, areas: roomAreas, using: &answerRNG)
            else { return }
            try await submit(.answer(ask: askID, participant: id, value: answer), at: at)
        }
    }
}
