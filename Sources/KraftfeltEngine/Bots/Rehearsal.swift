import KraftfeltLua

/// Runs a whole session with bots on a virtual clock, in seconds: the trainer's dress
/// rehearsal, and the engine's test bench.
///
/// Every bot action becomes an event in the session's log, so the log of a rehearsal
/// replays to the same transcript.
public final class Rehearsal {
    public let session: Session
    public let bots: [Bot]
    private var queue: [(at: Int64, order: Int, action: Action)] = []
    private var order = 0
    /// How many of each question's audience have had their answer planned.
    private var planned: [Int: Int] = [:]
    private var seenRevision = -1
    private let botsByID: [String: Bot]
    /// The areas the room's bots come from.
    private let roomAreas: Set<String>
    private var rng: SeededGenerator
    /// When the rehearsal's trainer will next press "advance", if a wait is pending.
    private var trainerAt: Int64?

    enum Action {
        case join(Bot)
        case leave(Bot)
        case answer(ask: Int, bot: Bot)
    }

    /// How long the rehearsal's trainer takes to move on: after the lobby, after a step
    /// that waits for the trainer, and from a question without a time limit.
    public static let trainerDelay: (lobby: Int64, step: Int64, untimedQuestion: Int64) = (60_000, 30_000, 300_000)

    /// How long the rehearsal may run, in session time, before it gives up (a script that
    /// waits forever): ``run(exercise:parameters:plannedMinutes:progress:)`` then ends the
    /// session as failed, with its transcript so far.
    public static let maximumSessionTime: Int64 = 24 * 3_600_000

    /// When the rehearsal's trainer moves on next: the time already planned, or a delay
    /// from now once something waits for them (the lobby, a step, a question without a
    /// time limit); nil while nothing does.
    public static func trainerMoves(
        at planned: Int64?, now: Int64, inLobby: Bool, waiting: Bool, untimedQuestion: Bool
    ) -> Int64? {
        guard inLobby || waiting || untimedQuestion else { return nil }
        if let planned { return planned }
        let delay = inLobby ? trainerDelay.lobby : waiting ? trainerDelay.step : trainerDelay.untimedQuestion
        return now + delay
    }

    /// Why a rehearsal ends a session that still waits after ``maximumSessionTime``.
    public static let giveUpReason =
        "the rehearsal reached its limit of \(DurationText.format(maximumSessionTime)) "
        + "of session time and the script was still waiting; does it ask or wait forever?"

    /// Sets up a rehearsal. When `log` already holds events (the process running it was
    /// killed), ``run(exercise:parameters:plannedMinutes:progress:)`` continues it from there.
    /// - Throws: ``SessionError`` for a number of participants outside
    ///   `0...SessionLimits.rehearsalParticipants`; the VM's `ScriptError` when it cannot start.
    /// - Parameter modules: host modules the scripts see besides `kf` (tests' stand-ins).
    public init(
        definition: SessionDefinition, participants: Int, areas: Int, log: SessionLog = MemoryLog(),
        modules: [HostModule] = []
    ) throws {
        guard (0...SessionLimits.rehearsalParticipants).contains(participants) else {
            throw SessionError(
                "a rehearsal has 0 to \(SessionLimits.rehearsalParticipants) participants, got \(participants)")
        }
        session = try Session(definition: definition, log: log, modules: modules)
        // Events already in the log (a rehearsal resumed after a crash): the driver makes
        // the same decisions again and checks each against the log instead of logging it.
        session.load(logged: log.events)
        bots = BotRoom.make(count: participants, areas: areas, seed: definition.seed, language: definition.language)
        botsByID = Dictionary(uniqueKeysWithValues: bots.map { ($0.participant.id, $0) })
        roomAreas = Set(bots.map(\.participant.area))
        rng = SeededGenerator(seed: definition.seed, stream: "rehearsal")
    }

    /// Runs the session to its end; `progress` gets the share of the planned time passed.
    ///
    /// A session still running after ``maximumSessionTime`` ends as failed (its transcript
    /// so far stays), and so does one that refuses an event the bots made (a bug in the
    /// bots, reported rather than lost).
    /// - Throws: the log's error, or ``SessionError`` when a rehearsal resumed from a log
    ///   does not fit it.
    public func run(
        exercise: String, parameters: [String: String] = [:], plannedMinutes: Int = 60,
        progress: ((Double) -> Void)? = nil
    ) throws -> Session {
        try emit(session.definition.startEvent(exercise: exercise, parameters: parameters))
        for arrival in BotRoom.arrivals(of: bots, using: &rng) {
            schedule(at: arrival.at, arrival.leaves ? .leave(arrival.bot) : .join(arrival.bot))
        }
        var steps = 0
        while session.state == .running || session.state == .notStarted {
            scheduleAnswers()
            steps += 1
            if steps % 256 == 0 { progress?(min(1, Double(session.now) / (Double(max(1, plannedMinutes)) * 60_000))) }
            planTrainer()
            let nextAction = queue.first?.at ?? .max
            let deadline = session.nextDeadline?.at ?? .max
            let trainer = trainerAt ?? .max
            if nextAction == .max && deadline == .max && trainer == .max { break }
            if min(nextAction, deadline, trainer) > Self.maximumSessionTime {
                // Logged as the rehearsal's trainer ending the session, so a replay ends the same.
                try emit(.trainer(.end(reason: Self.giveUpReason), at: session.now))
                break
            }
            if nextAction <= deadline && nextAction <= trainer {
                let action = queue.removeFirst()
                try perform(action.action, at: max(action.at, session.now))
            } else if deadline <= trainer, let timer = session.nextDeadline?.timer {
                try emit(.timerEnded(timer: timer, at: max(deadline, session.now)))
            } else {
                trainerAt = nil
                try emit(.trainer(.advance, at: max(trainer, session.now)))
            }
        }
        progress?(1)
        return session
    }

    /// Sends an event: checked against the log while the rehearsal catches up after a
    /// restart, then submitted (logged, then applied).
    private func emit(_ event: SessionEvent) throws {
        guard let logged = session.nextLoggedInput else {
            do {
                try session.submit(event)
            } catch let refusal as SessionError {
                session.fail(
                    ScriptError(
                        .runtime, "the session refused an event of the rehearsal's bots (\(refusal.message)): \(event)")
                )
            }
            return
        }
        guard logged == event else {
            throw SessionError(
                "the log does not match this rehearsal at event \(session.nextLoggedNumber); it was made by other settings"
            )
        }
        try session.applyNextLogged()
    }

    /// The rehearsal's trainer moves on a while after the session starts waiting for them.
    private func planTrainer() {
        trainerAt = Self.trainerMoves(
            at: trainerAt, now: session.now, inLobby: session.inLobby, waiting: session.waitsForTrainer,
            untimedQuestion: session.hasUntimedAsk)
    }

    private func schedule(at time: Int64, _ action: Action) {
        order += 1
        let index = queue.firstIndex { ($0.at, $0.order) > (time, order) } ?? queue.count
        queue.insert((time, order, action), at: index)
    }

    /// Plans an answer from every bot asked a question it has not planned for yet (only
    /// when a question opened or its audience grew since the last look).
    private func scheduleAnswers() {
        guard session.askRevision != seenRevision else { return }
        seenRevision = session.askRevision
        for id in session.openAskIDs {
            let done = planned[id] ?? 0
            guard session.audienceCount(ask: id) > done, let ask = session.openAsk(id) else { continue }
            planned[ask.id] = ask.audience.count
            for id in ask.audience[done...] where session.present.contains(id) {
                guard let bot = botsByID[id],
                    let delay = BotRoom.answerDelay(of: bot, timeLimit: ask.time, using: &rng)
                else { continue }
                schedule(at: session.now + delay, .answer(ask: ask.id, bot: bot))
            }
        }
    }

    private func perform(_ action: Action, at time: Int64) throws {
        switch action {
        case .join(let bot):
            try emit(.join(bot.participant, at: time))
        case .leave(let bot):
            guard session.present.contains(bot.participant.id) else { return }
            try emit(.leave(participant: bot.participant.id, at: time))
        case .answer(let askID, let bot):
            guard session.present.contains(bot.participant.id), !session.hasAnswered(bot.participant.id, ask: askID),
                let ask = session.openAsk(askID)
            else { return }
            var answerRNG = SeededGenerator(
                seed: session.definition.seed, stream: "answer:\(askID):\(bot.participant.id)")
            let people = ask.kind == "person" ? session.presentParticipants : []
            guard let answer = BotRoom.answer(for: ask, by: bot, among: people, areas: roomAreas, using: &answerRNG)
            else { return }
            try emit(.answer(ask: askID, participant: bot.participant.id, value: answer, at: time))
        }
    }
}
