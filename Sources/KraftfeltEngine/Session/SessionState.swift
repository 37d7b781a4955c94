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
struct OpenAsk {
    let thread: Int
    let exercise: String
    let question: Question
    /// Who is asked, in join order; late joiners are added to questions for everyone.
    var audience: [String]
    let everyone: Bool
    var answers: [String: Answer] = [:]
    var timer: Int?
}

/// A question as the script put it.
struct Question: Hashable {
    enum Kind: String, CaseIterable {
        case text, choice, choices, scale, number, person, rank, vote
    }

    let kind: Kind
    /// The prompt by language.
    let prompt: [String: String]
    /// Options for choice, choices, rank and vote, by language (the first language's list
    /// is the one answers use).
    let options: [String]
    let range: ClosedRange<Double>?
    let time: Int64?
    /// What bots may answer to a text question (`bot_answers`), in the session's language.
    let botAnswers: [String]
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
