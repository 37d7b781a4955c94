/// What each screen of a live session shows, as plain values: a participant's phone
/// (``ParticipantView``), the beamer (``ScreenView``) and the trainer's console
/// (``ConsoleView``). Each is computed from the session's state after an event, carries
/// the session's ``Session/revision``, and is the same for the same log.
///
/// Times are milliseconds of session time (``Session/now``); a host maps them to its clock.

/// Where a session is, as every view says it.
public enum SessionPhase: String, Codable, Hashable, Sendable {
    /// Not started: the scripts are not loaded yet.
    case notStarted = "not_started"
    /// Open for people to join; the trainer has not started the first exercise.
    case lobby
    case running
    case finished
    case failed
}

/// A role a script gave a person (`s:set_role`).
public struct RoleView: Codable, Hashable, Sendable {
    public var name: String
    /// True when the person only listens: no question reaches them while the role lasts.
    public var listenOnly: Bool

    public init(name: String, listenOnly: Bool) {
        self.name = name
        self.listenOnly = listenOnly
    }
}

/// A question as a participant's phone shows it.
public struct QuestionView: Codable, Hashable, Sendable {
    public var id: Int
    /// text, choice, choices, scale, number, person, rank, vote or list.
    public var kind: String
    /// The prompt in the participant's language (else the session's).
    public var prompt: String
    /// The options of a choice, choices, rank or vote question.
    public var options: [String]
    /// The range of a scale or number question; the fewest and most items of a list.
    public var min: Double?
    public var max: Double?
    /// When the question closes (session time), if it has a time limit, and the seconds
    /// left at the view's time.
    public var closesAt: Int64?
    public var secondsLeft: Int64?
    /// The people a person question may name (everyone here, besides the one asked).
    public var people: [PersonRef]
    public var answered: Bool
    public var answer: Answer?
}

/// A running timer as screens show it.
public struct TimerView: Codable, Hashable, Sendable {
    public var id: Int
    public var label: String
    /// When it runs out (session time): a screen counts down to it from the view's `at`.
    public var endsAt: Int64
    /// The group whose flow runs it (1-based), if a group's.
    public var group: Int?
    /// The question it ends, if it is a question's time limit.
    public var question: Int?
    /// For a group's timer: the members here who said the group is done (participant ids,
    /// in the order they said it), and how many of its members are here. When all of them
    /// have said it, the timer ends early for that group.
    public var saidDone: [String]?
    public var membersHere: Int?
}

/// A pair of a match as one of its two people sees it.
public struct MatchView: Codable, Hashable, Sendable {
    /// `asker`: you asked and `partner` helps you; `helper`: you help `partner`.
    public var youAre: String
    public var partner: PersonRef
    public var question: String
    /// True when the two are from different areas.
    public var across: Bool
}

/// What one participant's phone shows.
public struct ParticipantView: Codable, Hashable, Sendable {
    public var revision: Int
    /// Session time of the view.
    public var at: Int64
    public var phase: SessionPhase
    public var you: PersonRef
    /// The language the person chose: their prompts are in it.
    public var language: String
    public var present: Bool
    /// The exercise running now, in the participant's language.
    public var exercise: String?
    /// The questions open for this person, oldest first (empty while they only listen).
    public var questions: [QuestionView]
    /// Their group while a group flow runs, with its members.
    public var group: GroupRef?
    /// The group's timer (or the session's), if one runs.
    public var timer: TimerView?
    /// True while their group's flow waits on a timer and they have not said the group is
    /// done: the phone offers "We're done".
    public var canSayDone = false
    /// True once they said their group is done, while the group's timer runs.
    public var saidDone = false
    /// Their pairs in the latest match.
    public var matches: [MatchView]
    public var role: RoleView?
    /// What the latest `s:show` for them showed.
    public var shown: ShowContent?
    /// Why the session ended, when it failed.
    public var error: String?
}

extension ParticipantView {
    /// Decodes a view, also one written before `canSayDone` and `saidDone` existed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        revision = try c.decode(Int.self, forKey: .revision)
        at = try c.decode(Int64.self, forKey: .at)
        phase = try c.decode(SessionPhase.self, forKey: .phase)
        you = try c.decode(PersonRef.self, forKey: .you)
        language = try c.decode(String.self, forKey: .language)
        present = try c.decode(Bool.self, forKey: .present)
        exercise = try c.decodeIfPresent(String.self, forKey: .exercise)
        questions = try c.decode([QuestionView].self, forKey: .questions)
        group = try c.decodeIfPresent(GroupRef.self, forKey: .group)
        timer = try c.decodeIfPresent(TimerView.self, forKey: .timer)
        canSayDone = try c.decodeIfPresent(Bool.self, forKey: .canSayDone) ?? false
        saidDone = try c.decodeIfPresent(Bool.self, forKey: .saidDone) ?? false
        matches = try c.decode([MatchView].self, forKey: .matches)
        role = try c.decodeIfPresent(RoleView.self, forKey: .role)
        shown = try c.decodeIfPresent(ShowContent.self, forKey: .shown)
        error = try c.decodeIfPresent(String.self, forKey: .error)
    }

    /// The view without what changes with every event (its revision, time and seconds
    /// left): two phones, or two moments, with the same content show the same page.
    public var content: ParticipantView {
        var view = self
        view.revision = 0
        view.at = 0
        for i in view.questions.indices { view.questions[i].secondsLeft = nil }
        return view
    }
}

/// What the beamer shows.
public struct ScreenView: Codable, Hashable, Sendable {
    public var revision: Int
    public var at: Int64
    public var phase: SessionPhase
    public var joinCode: String
    public var title: String
    public var exercise: String?
    /// The prompt of the newest question open to everyone (else of any open one).
    public var prompt: String?
    /// The timer that ends first, if one runs.
    public var timer: TimerView?
    public var joined: Int
    /// How many were asked the prompt's question, and how many answered.
    public var asked: Int
    public var answered: Int
    public var waitingForTrainer: Bool
    public var shown: ShowContent?
}

/// One person on the trainer's console.
public struct ConsolePerson: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var area: String
    public var present: Bool
    public var role: RoleView?
}

/// An open question on the console, with its answers in the order they arrived.
public struct ConsoleQuestion: Codable, Hashable, Sendable {
    public struct Reply: Codable, Hashable, Sendable {
        public var who: String
        public var name: String
        public var value: Answer
    }

    public var id: Int
    public var kind: String
    public var prompt: String
    public var options: [String]
    public var min: Double?
    public var max: Double?
    /// Its time limit in milliseconds, if it has one.
    public var time: Int64?
    /// Who was asked, in join order.
    public var audience: [String]
    public var asked: Int
    public var answers: [Reply]
    /// The timer that ends it, if it has a time limit.
    public var timer: Int?
    /// The sample answers the script gave for rehearsals (`bot_answers`).
    public var samples: [String]
}

/// An exercise of the session's programme and where the session is in it.
public struct ProgrammeStep: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Hashable, Sendable { case done, running, next }
    public var id: String
    public var title: String
    public var status: Status
}

/// What the trainer's console shows.
public struct ConsoleView: Codable, Hashable, Sendable {
    public var revision: Int
    public var at: Int64
    public var phase: SessionPhase
    public var joinCode: String
    public var title: String
    public var people: [ConsolePerson]
    public var questions: [ConsoleQuestion]
    public var timers: [TimerView]
    /// True when the script waits for the trainer (the lobby, `s:wait_for_trainer`, a
    /// question without a time limit).
    public var waitingForTrainer: Bool
    /// The labels of the steps that wait for the trainer.
    public var waiting: [String]
    public var programme: [ProgrammeStep]
    public var measures: [Measure]
    /// The session's error, when it failed.
    public var errors: [String]
}
