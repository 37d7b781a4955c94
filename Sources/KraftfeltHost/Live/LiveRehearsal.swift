import KraftfeltEngine

/// Bots as clients of a live session: they read only the views (the console's, to see
/// what is asked, and each bot's own, before it answers) and submit inputs through the
/// ``SessionRuntime``, on a ``ManualClock`` that the driver moves from one decision to
/// the next. The bots decide as ``Rehearsal`` does (same seeds, same delays), so a
/// session driven through the host this way has the same transcript as the rehearsal.
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
    /// The monotonic time of session time 0.
    private let origin: Int64

    enum Action {
        case join(Bot)
        case leave(Bot)
        case answer(ask: Int, bot: Bot)
    }

    /// Bots for a session the host has just started on `clock` (at session time 0).
    public init(runtime: SessionRuntime, clock: ManualClock, participants: Int, areas: Int) {
        let definition = runtime.record.definition
        self.runtime = runtime
        self.clock = clock
        self.seed = definition.seed
        bots = BotRoom.make(count: participants, areas: areas, seed: definition.seed, language: definition.language)
        botsByID = Dictionary(uniqueKeysWithValues: bots.map { ($0.participant.id, $0) })
        roomAreas = Set(bots.map(\.participant.area))
        rng = SeededGenerator(seed: definition.seed, stream: "rehearsal")
        origin = clock.monotonic()
    }

    /// Runs the session to its end; returns the console's last view.
    public func run() async throws(KraftfeltError) -> ConsoleView {
        for bot in bots {
            if bot.behaviour == .joinsLate {
                schedule(at: 30_000 + Int64(rng.next() % 270_000), .join(bot))
            } else {
                schedule(at: 0, .join(bot))
            }
            if bot.behaviour == .leaves { schedule(at: 60_000 + Int64(rng.next() % 1_200_000), .leave(bot)) }
        }
        while true {
            guard case .console(let console)? = await runtime.view(.console) else {
                throw KraftfeltError(.broken, "the console has no view")
            }
            guard console.phase == .lobby || console.phase == .running || console.phase == .notStarted else {
                return console
            }
            let now = console.at
            scheduleAnswers(console, now: now)
            planTrainer(console, now: now)
            let nextAction = queue.first?.at ?? .max
            let deadline = console.timers.first?.endsAt ?? .max
            let trainer = trainerAt ?? .max
            if nextAction == .max && deadline == .max && trainer == .max { return console }
            if min(nextAction, deadline, trainer) > Rehearsal.maximumSessionTime {
                try await runtime.submit(.trainer(.end(reason: Rehearsal.giveUpReason)))
                continue
            }
            if nextAction <= deadline && nextAction <= trainer {
                let action = queue.removeFirst()
                clock.move(to: origin + max(action.at, now))
                try await perform(action.action, console: console)
            } else if deadline <= trainer {
                let before = console.revision
                clock.advance(to: origin + max(deadline, now))
                if case .console(let after)? = await runtime.view(.console), after.revision == before {
                    throw KraftfeltError(.broken, "the timer at \(deadline) ms did not fire")
                }
            } else {
                trainerAt = nil
                clock.move(to: origin + max(trainer, now))
                try await runtime.submit(.trainer(.advance))
            }
        }
    }

    private func planTrainer(_ console: ConsoleView, now: Int64) {
        let untimed = console.questions.contains { $0.timer == nil }
        let waits = console.phase == .lobby || console.waiting.contains { $0 != "lobby" }
        if waits || untimed {
            if trainerAt == nil {
                let delay =
                    console.phase == .lobby
                    ? Rehearsal.trainerDelay.lobby
                    : waits ? Rehearsal.trainerDelay.step : Rehearsal.trainerDelay.untimedQuestion
                trainerAt = now + delay
            }
        } else {
            trainerAt = nil
        }
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
                guard let bot = botsByID[id] else { continue }
                let window = question.time ?? 100_000
                let delay: Int64
                switch bot.behaviour {
                case .silent: continue
                case .late: delay = window + 10_000 + Int64(rng.next() % 120_000)
                default: delay = window / 10 + Int64(rng.next() % UInt64(max(1, window * 8 / 10)))
                }
                schedule(at: now + delay, .answer(ask: question.id, bot: bot))
            }
        }
    }

    private func perform(_ action: Action, console: ConsoleView) async throws(KraftfeltError) {
        switch action {
        case .join(let bot):
            try await runtime.submit(.join(bot.participant))
        case .leave(let bot):
            guard console.people.contains(where: { $0.id == bot.participant.id && $0.present }) else { return }
            try await runtime.submit(.leave(participant: bot.participant.id))
        case .answer(let askID, let bot):
            let id = bot.participant.id
            guard case .participant(let mine)? = await runtime.view(.participant(id)), mine.present,
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
            try await runtime.submit(.answer(ask: askID, participant: id, value: answer))
        }
    }
}
