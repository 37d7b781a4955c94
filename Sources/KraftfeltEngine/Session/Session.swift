import KraftfeltLua

/// A running exercise or programme: its participants, its script threads, and what
/// they wait for.
///
/// A session changes only by events. ``submit(_:)`` appends an event to the log and then
/// applies it; ``replay(_:)`` applies logged events without logging them again, and
/// re-runs the script to exactly the same state and transcript. The session is confined
/// to one owner (it owns a ``LuaVM``).
public final class Session {
    public enum State: Equatable, Sendable {
        case notStarted, running, finished, failed(ScriptError)
    }

    /// What the session runs: the scripts, and the seed and clock it starts with.
    public let definition: SessionDefinition
    let log: SessionLog
    let clock: VirtualClock
    let vm: LuaVM
    public internal(set) var state: State = .notStarted
    public internal(set) var transcript = Transcript()
    /// Everyone who joined, in join order.
    public internal(set) var participants: [Participant] = [] { didSet { consolePeople = nil } }
    /// Where each participant id is in `participants`.
    var participantIndex: [String: Int] = [:]
    /// Grows whenever a question opens or its audience grows: drivers rescan only then.
    public internal(set) var askRevision = 0
    public internal(set) var present: Set<String> = [] {
        didSet {
            consolePeople = nil
            timerViewCache = nil  // a group's timer counts who of the group is here
        }
    }
    /// Participants the trainer took out of the session (they cannot join again).
    public internal(set) var removed: Set<String> = []
    /// `name = value` measures, in the order the script took them.
    public internal(set) var measures: [Measure] = []
    /// What a follow-up asks each participant weeks later, when a script asked for one.
    public internal(set) var followUp: FollowUpRequest?
    /// The indicators its scripts may measure: the host's, its pack's and its exercises', by id.
    public internal(set) var indicators: [String: Indicator] = Indicator.host

    var asks: [Int: OpenAsk] = [:] { didSet { consoleQuestionCache = nil } }
    /// The ids of the open questions, in order (kept with `asks`).
    var askIDs: [Int] = []
    /// The console's open questions, until one changes (see ``consoleQuestions()``).
    var consoleQuestionCache: [ConsoleQuestion]?
    var timers: [Int: RunningTimer] = [:] {
        didSet {
            timerOrder = nil
            timerViewCache = nil
        }
    }
    var timerViewCache: [TimerView]?
    /// The running timers' ids, the one that ends first first, until a timer changes.
    var timerOrder: [Int]?
    var threads: [Int: RunningThread] = [:]
    var nextID = 1
    var runningThread: Int?
    /// Pairs of participants (by join index) who were in a group together.
    var pairHistory: Set<MemberPair> = []
    /// The members and the 1-based index of the group each group thread runs for.
    var groupMembers: [Int: [String]] = [:]
    var groupIndex: [Int: Int] = [:]
    /// When true, the transcript lists every answer by name, however many answered (a
    /// rehearsal's `--verbose`); else a count or a mean above ``Session/namedAnswers``.
    /// A replay checks the transcript, so a session is loaded again with the same setting.
    public var listsEveryAnswer = false
    /// The fewest people here a group thread's group may have before its next step joins
    /// it to another group of the same `s:each_group` (the `min` its group table carried).
    var groupMinimum: [Int: Int] = [:]
    /// The people who left each group thread's group for another when it shrank.
    var movedAway: [Int: Set<String>] = [:]
    var sessionModule: LuaTable = LuaTable()
    /// Who of each group has had the turn (`g:turns`), and the function `for` calls for the next.
    var turnState: [Int: TurnState] = [:]
    var turnStepper: LuaFunction?
    /// The programme's exercises still to run, and what the finished ones returned.
    var pending: [LoadedExercise] = []
    var results: [LuaTable.Field] = []
    var current: LoadedExercise?
    /// Parameter values the session was started with (`rounds = "4"`), by name.
    var startParameters: [String: String] = [:]
    /// Open, with the scripts loaded, until the trainer starts the first exercise.
    public internal(set) var inLobby = false
    /// The exercises (and programme) the session loaded, with the versions they declare.
    public internal(set) var exercises: [RanExercise] = []
    /// Storage reads and writes logged so far, and their bytes (see ``StorageLimits``).
    var storageEvents = 0
    var storageBytes = 0
    /// What the script kept with `s:remember("session", …)`.
    var sessionStorage: [String: StoredValue] = [:]
    /// In a replay: the logged events, and the next one to take. The script's own events
    /// (storage writes and reads) are taken from here while the inputs are applied.
    var replayQueue: [SessionEvent] = []
    var replayIndex = 0
    /// Set when a replay finds the scripts doing something other than what the log says.
    var replayFailure: String?
    /// True while a logged input is applied again; then the step runs without a deadline,
    /// and `loggedStop` is where the live run of this step was stopped, if it was.
    var replaying = false
    var loggedStop: StopRecord?
    /// The check of the transcript to log with the next input, and how far the
    /// transcript's hash has got.
    var pendingCheck: SessionEvent?
    var digest = FNV1a()
    var digestedLines = 0
    var checkedLines = 0
    /// What `s:show` showed last: to everyone, on the beamer only, to each person.
    var shownCount = 0
    var shownToEveryone: Shown?
    var shownOnScreen: Shown?
    var shownToPerson: [String: Shown] = [:]
    /// Roles `s:set_role` gave, by participant.
    var roles: [String: RoleView] = [:] { didSet { consolePeople = nil } }
    /// The console's list of people, kept until someone joins, leaves or gets a role.
    var consolePeople: [ConsolePerson]?
    /// The latest match (`s:match`), and each person's pairs in it.
    var latestPairs: [PairRef] = []
    var pairsOf: [String: [Int]] = [:]
    /// The group thread each person's group flow runs in, while it runs.
    var groupThreadOf: [String: Int] = [:]
    /// The answers to each open question as the console lists them, in arrival order.
    var answerOrder: [Int: [ConsoleQuestion.Reply]] = [:]
    /// The label of each thread's `s:wait_for_trainer`.
    var trainerWaitLabel: [Int: String] = [:]
    /// The session's title by language, and the programme's exercises with theirs.
    var title: [String: String] = [:]
    var programme: [(id: String, title: [String: String])] = []
    /// Whose phone views the events since ``takeTouchedParticipants()`` may have changed:
    /// nil for anyone's. Most events may change anyone's; an answer changes only the
    /// answerer's, and a first join only the newcomer's (unless a question lists people),
    /// while nothing closes, resumes or ends: what a host needs to render only those
    /// phones in a room of thousands.
    var touchedParticipants: Set<String>? = []
    /// Grows with every applied event: the revision of every view.
    public internal(set) var revision = 0
    /// Set when the store failed under the scripts: the step did not complete, so no check
    /// of its transcript is logged (a resume runs the rest of it).
    var halted = false

    /// Creates a session; nothing runs until the `start` event.
    /// - Parameter modules: host modules the scripts see besides `kf` (a host's own; tests).
    public init(definition: SessionDefinition, log: SessionLog = MemoryLog(), modules: [HostModule] = []) throws {
        self.definition = definition
        self.log = log
        self.clock = VirtualClock(epoch: definition.startedAt)
        // A pack's own limits, where its manifest sets lower ones than the host's.
        let limits = definition.pack?.limits ?? definition.limits
        self.vm = try LuaVM(limits: limits, seed: Int64(bitPattern: definition.seed), clock: clock.scriptClock)
        vm.output = { [unowned self] line in printed(line) }
        try vm.register(ExerciseModule.module)
        for module in modules { try vm.register(module) }
        try vm.register(sessionAPI())
        sessionModule = try vm.moduleTable(Self.sessionModuleName)
        turnStepper = try Self.makeTurnStepper(vm)
        try vm.register(ScriptModules.module(library: definition.library, main: definition.main.fileName))
    }

    /// The participants who are here now, in join order.
    public var presentParticipants: [Participant] { participants.filter { present.contains($0.id) } }

    /// Questions waiting for answers now, by id.
    public var openAsks: [OpenAskInfo] {
        askIDs.compactMap { id in asks[id].map { OpenAskInfo(id: id, ask: $0) } }
    }

    /// True when an open question has no time limit (only the trainer or the answers end it).
    public var hasUntimedAsk: Bool { asks.values.contains { $0.timer == nil } }

    /// The ids of the open questions, in order.
    public var openAskIDs: [Int] { askIDs }

    /// How many people an open question asks (0 when it is closed).
    public func audienceCount(ask id: Int) -> Int { asks[id]?.audience.count ?? 0 }

    /// One open question, if it is still open.
    public func openAsk(_ id: Int) -> OpenAskInfo? { asks[id].map { OpenAskInfo(id: id, ask: $0) } }

    /// Whether a participant has answered an open question.
    public func hasAnswered(_ participant: String, ask id: Int) -> Bool { asks[id]?.answers[participant] != nil }

    /// The earliest running timer, if any: the driver sends `timerEnded` when its time comes.
    public var nextDeadline: (timer: Int, at: Int64)? {
        timers.min { ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key) }.map { ($0.key, $0.value.deadline) }
    }

    /// True when some script thread waits for the trainer to advance.
    public var waitsForTrainer: Bool {
        inLobby || threads.values.contains { if case .trainer = $0.wait { true } else { false } }
    }

    /// The short code people type on their phones to join: six letters and digits that
    /// cannot be confused (no 0/O, 1/I), from the session's seed.
    public var joinCode: String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var rng = SeededGenerator(seed: definition.seed, stream: "join code")
        return String((0..<6).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }

    /// Whether the session's scripts run now: what a watchdog on another thread watches.
    public var activity: Activity { vm.activity }

    /// Bytes the session's Lua heap holds now.
    public var luaMemory: Int { vm.memoryUsed }

    /// Milliseconds since the session started (the time of the last event).
    public var now: Int64 { clock.now }

    /// Checks an event, appends it to the log, then applies it.
    /// - Throws: ``SessionError`` when the event does not fit the session (nothing is
    ///   logged then), or the log's error (nothing is applied then).
    public func submit(_ event: SessionEvent) throws {
        try check(event)
        if let pendingCheck {
            try log.append(pendingCheck)
            self.pendingCheck = nil
        }
        try log.append(event)
        apply(event)
        noteOutput()
    }

    /// The people whose phone views may have changed since the last call (nil: anyone's),
    /// and starts counting again.
    public func takeTouchedParticipants() -> Set<String>? {
        defer { touchedParticipants = [] }
        return touchedParticipants
    }

    /// Applies events from a log without logging them again.
    ///
    /// The script's own events in the log (what it stored and read) are taken by the
    /// script as it re-runs; when the log ends in the middle of what an input set off
    /// (the host died there), the script goes on live and logs the rest.
    /// - Throws: ``SessionError`` when an event does not fit, or the scripts do something
    ///   other than what the log says.
    public func replay(_ events: [SessionEvent]) throws {
        load(logged: events)
        while nextLoggedInput != nil { try applyNextLogged() }
    }

    /// Starts a replay that a driver feeds one input at a time (a rehearsal catching up
    /// after a crash checks each of its decisions against the log).
    public func load(logged events: [SessionEvent]) {
        replayQueue = events
        replayIndex = 0
    }

    /// The next logged input of a replay, not yet applied; nil when the log is used up.
    public var nextLoggedInput: SessionEvent? {
        replayIndex < replayQueue.count ? replayQueue[replayIndex] : nil
    }

    /// The number of the next logged event in the log (1-based).
    public var nextLoggedNumber: Int { replayIndex + 1 }

    /// Applies the next logged input; the script takes its own logged events after it.
    public func applyNextLogged() throws {
        guard let event = nextLoggedInput else { return }
        replayIndex += 1
        guard !event.isEffect else {
            throw SessionError(
                "the log does not fit the scripts: event \(replayIndex) is a storage event the scripts did not make",
                code: .logMismatch)
        }
        try check(event)
        let number = replayIndex
        loggedStop = stopLogged(after: replayIndex)
        defer { loggedStop = nil }
        if let stop = loggedStop, stop.work == nil {
            // The host's watchdog ended this step: nothing it did reached anyone.
            skipLogged(through: stop)
            clock.now = event.at
            fail(ScriptError(stop.code, stop.message))
        } else {
            replaying = true
            apply(event)
            replaying = false
            if replayIndex >= replayQueue.count { noteOutput() }  // the log ran out: the step went on live
            if loggedStop != nil, replayFailure == nil {
                replayFailure =
                    "resuming does not reproduce the session: the live session was stopped by a limit "
                    + "while it ran event \(number), the replay was not"
            }
        }
        checkOutput(after: number)
        if let failure = replayFailure { throw SessionError(failure, code: .logMismatch) }
    }
}

/// An error in the use of a session: an event that does not fit its state.
public struct SessionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of refusal it is: hosts map codes to exit codes and HTTP statuses.
    public enum Code: String, Codable, Hashable, Sendable {
        /// The session has not started, or has ended.
        case notStarted = "not_started", ended
        /// The question is not open (any more), or the timer is not running.
        case notOpen = "not_open"
        /// The person was not asked, is not here, or is not in this session.
        case notInSession = "not_in_session"
        case alreadyAnswered = "already_answered"
        /// Someone with this id is here already.
        case alreadyHere = "already_here"
        /// The answer or input does not fit (an option that does not exist, a value out of range).
        case invalid
        /// An event earlier than the last one.
        case outOfOrder = "out_of_order"
        /// The log does not fit the scripts, or a replay diverged.
        case logMismatch = "log_mismatch"
        /// Nothing to undo.
        case nothingToUndo = "nothing_to_undo"
    }

    public var code: Code
    public var message: String
    public init(_ message: String, code: Code = .invalid) {
        self.message = message
        self.code = code
    }
    public var description: String { message }
}

/// An exercise or programme a session loaded: its id, the version it declares, its file.
public struct RanExercise: Codable, Hashable, Sendable {
    public var id: String
    public var version: String
    public var fileName: String
    /// The indicators it declares (`indicators = { … }`), so that a report reads its
    /// measures without running it.
    public var indicators: [Indicator]

    public init(id: String, version: String, fileName: String, indicators: [Indicator] = []) {
        self.id = id
        self.version = version
        self.fileName = fileName
        self.indicators = indicators
    }

    init(_ definition: LuaTable, fileName: String) {
        self.init(
            id: definition["id"].text ?? "", version: definition["version"].text ?? "", fileName: fileName,
            indicators: (try? Indicator.declared(definition["indicators"])) ?? [])
    }
}

/// A measure a script took: `s:measure("cross_area_ties", 12)` for the session,
/// `s:measure("experienced_effect", 4, { person = p, tags = { "before" } })` for one person,
/// `s:measure("cross_area_tie", helper, asker)` for a tie between two people.
public struct Measure: Codable, Hashable, Sendable {
    public var exercise: String
    /// The indicator's id (or, for a session's number that declares none, its name).
    public var name: String
    /// The number; 1 or 0 for yes or no; 1 for a text or a tie.
    public var value: Double
    /// Milliseconds after the session started, on its clock (a follow-up's answers: after
    /// the session started, too, weeks later).
    public var at: Int64
    /// Whom it is about: the session, one participant, or a group.
    public var subject: MeasureSubject
    /// The participant's area when the subject is a participant.
    public var area: String?
    /// A free text's answer.
    public var text: String?
    /// A tie's other person (their participant id) and their area.
    public var other: String?
    public var otherArea: String?
    /// `before`, `after`, `follow-up` and the script's own tags, in order.
    public var tags: [String]

    public init(
        exercise: String, name: String, value: Double, at: Int64, subject: MeasureSubject = .session,
        area: String? = nil, text: String? = nil, other: String? = nil, otherArea: String? = nil, tags: [String] = []
    ) {
        self.exercise = exercise
        self.name = name
        self.value = value
        self.at = at
        self.subject = subject
        self.area = area
        self.text = text
        self.other = other
        self.otherArea = otherArea
        self.tags = tags
    }

    /// The tag that says when in a programme it was taken, if any.
    public var phase: MeasurePhase? { tags.lazy.compactMap(MeasurePhase.init(rawValue:)).first }
}

/// Whom a measure is about. A participant is named by their id in the session, never by
/// name; a group by its members' ids, sorted and joined with `+`.
public enum MeasureSubject: Codable, Hashable, Sendable, CustomStringConvertible {
    case session
    case participant(String)
    case group(String)

    /// `session`, `participant` or `group`: the kind a store files.
    public var kind: String {
        switch self {
        case .session: "session"
        case .participant: "participant"
        case .group: "group"
        }
    }

    /// The participant's or the group's id; empty for the session.
    public var id: String {
        switch self {
        case .session: ""
        case .participant(let id), .group(let id): id
        }
    }

    /// From what a store filed; nil for a kind it does not know.
    public init?(kind: String, id: String) {
        switch kind {
        case "session": self = .session
        case "participant": self = .participant(id)
        case "group": self = .group(id)
        default: return nil
        }
    }

    public var description: String { id.isEmpty ? kind : "\(kind) \(id)" }
}

/// What `s:follow_up` asked: the host gives each participant a code when the session
/// ends, and weeks later asks them these indicators.
public struct FollowUpRequest: Codable, Hashable, Sendable {
    /// The exercise that asked.
    public var exercise: String
    public var indicators: [Indicator]
    /// How long a code works, from the session's end.
    public var days: Int

    public init(exercise: String, indicators: [Indicator], days: Int) {
        self.exercise = exercise
        self.indicators = indicators
        self.days = days
    }
}

/// When in a programme a measure was taken: reports pair a person's `before` with their
/// `after` and `follow-up`.
public enum MeasurePhase: String, Codable, Hashable, Sendable, CaseIterable {
    case before
    case after
    case followUp = "follow-up"
}
