import KraftfeltLua

/// An exercise loaded into the session's VM.
struct LoadedExercise {
    let id: String
    let title: [String: String]
    let run: LuaFunction
    let definition: LuaTable
    /// The exercise's parameters with their values for this session.
    let parameters: LuaTable
}

/// A question waiting for answers.
///
/// It keeps count of the people asked who are here and have not answered, so that an
/// answer in a room of thousands costs the same as in a room of three.
struct OpenAsk {
    let thread: Int
    let exercise: String
    let question: Question
    /// Who is asked, in join order; late joiners are added to questions for everyone.
    private(set) var audience: [String]
    private(set) var members: Set<String>
    let everyone: Bool
    private(set) var answers: [String: Answer] = [:]
    /// The people asked who are here and have not answered: it closes when none is left.
    private(set) var waitingFor: Int
    var timer: Int?

    /// A question for `audience`, everyone of whom is here.
    init(thread: Int, exercise: String, question: Question, audience: [String], everyone: Bool) {
        self.thread = thread
        self.exercise = exercise
        self.question = question
        self.audience = audience
        self.members = Set(audience)
        self.everyone = everyone
        self.waitingFor = members.count
    }

    /// Someone who has just joined is asked too.
    mutating func add(_ id: String) {
        guard members.insert(id).inserted else { return }
        audience.append(id)
        waitingFor += 1
    }

    mutating func answer(_ who: String, _ value: Answer, present: Bool) {
        guard answers.updateValue(value, forKey: who) == nil, present, members.contains(who) else { return }
        waitingFor -= 1
    }

    /// Someone asked left (`false`) or came back (`true`).
    mutating func presence(of id: String, here: Bool) {
        guard members.contains(id), answers[id] == nil, !excused.contains(id) else { return }
        waitingFor += here ? 1 : -1
    }

    /// People asked who only listen now (`s:set_role` with `listen_only`): not waited for.
    private(set) var excused: Set<String> = []

    /// Someone asked now only listens (`true`), or no longer does (`false`).
    mutating func excuse(_ id: String, _ excuse: Bool, present: Bool) {
        guard members.contains(id), answers[id] == nil else { return }
        if excuse {
            guard excused.insert(id).inserted else { return }
            if present { waitingFor -= 1 }
        } else {
            guard excused.remove(id) != nil else { return }
            if present { waitingFor += 1 }
        }
    }
}

/// A question as the script put it.
struct Question: Hashable {
    enum Kind: String, CaseIterable {
        case text, choice, choices, scale, number, person, rank, vote, list
    }

    let kind: Kind
    /// The prompt by language.
    let prompt: [String: String]
    /// Options for choice, choices, rank and vote, by language (the first language's list
    /// is the one answers use).
    let options: [String]
    /// A scale's or number question's range of answers; a list question's number of items.
    let range: ClosedRange<Double>?
    let time: Int64?
    /// What bots may answer to a text question, or the items they pick from for a list
    /// question (`bot_answers`), in the session's language.
    let botAnswers: [String]
    /// One answer for all asked (`together = true`): the first counts, and the others see it.
    var together = false
}

/// What a public view of an open question shows (the driver schedules bot answers from it).
public struct OpenAskInfo: Sendable {
    public let id: Int
    public let kind: String
    public let audience: [String]
    public let answered: Set<String>
    public let options: [String]
    public let range: ClosedRange<Double>?
    public let botAnswers: [String]
    /// The timer that ends the question, if it has a time limit.
    public let timer: Int?
    /// The question's time limit in milliseconds, if any.
    public let time: Int64?

    /// A question as a driver outside the engine knows it (from the console's view).
    public init(
        id: Int, kind: String, audience: [String], answered: Set<String>, options: [String],
        range: ClosedRange<Double>?, botAnswers: [String], timer: Int?, time: Int64?
    ) {
        self.id = id
        self.kind = kind
        self.audience = audience
        self.answered = answered
        self.options = options
        self.range = range
        self.botAnswers = botAnswers
        self.timer = timer
        self.time = time
    }

    init(id: Int, ask: OpenAsk) {
        self.id = id
        self.kind = ask.question.kind.rawValue
        self.audience = ask.audience
        self.answered = Set(ask.answers.keys)
        self.options = ask.question.options
        self.range = ask.question.range
        self.botAnswers = ask.question.botAnswers
        self.timer = ask.timer
        self.time = ask.question.time
    }
}

struct RunningTimer {
    var deadline: Int64
    /// The thread waiting for it (nil for a question's time limit).
    let thread: Int?
    let ask: Int?
    let label: String
    /// For a group's timer: the members who said the group is done, in the order they said it.
    var saidDone: [String] = []
}

/// A script thread and what it waits for.
struct RunningThread {
    enum Wait {
        case running
        case ask(Int)
        case timer(Int)
        case trainer
        case children(remaining: Set<Int>, results: [Int: LuaValue])
        /// Stopped for good: the store failed under it (the session is failed).
        case halted
    }

    let thread: ScriptThread
    var wait: Wait = .running
    /// The thread that started this one with `s:each_group`, and which group it runs.
    let parent: Int?
    let group: Int?
}
