import Foundation

/// Simulated participants for rehearsals and tests.
public struct Bot: Hashable, Sendable {
    public enum Behaviour: String, Hashable, Sendable, CaseIterable {
        /// Answers every question, after a while.
        case answers
        /// Answers, but often after the time is up.
        case late
        /// Never answers.
        case silent
        /// Leaves half-way.
        case leaves
        /// Joins after the start.
        case joinsLate
    }

    public var participant: Participant
    public var behaviour: Behaviour
}

/// Makes a room of bots: names, areas and strengths from public administration.
public enum BotRoom {
    static let firstNames = [
        "Anne", "Bo", "Cecilie", "Dorte", "Emil", "Fatima", "Gustav", "Hanne", "Ida", "Jonas", "Karen", "Lars",
        "Mette", "Niels", "Oskar", "Pernille", "Rasmus", "Sofie", "Tue", "Ulla", "Viktor", "Yasmin", "Åse", "Mads",
    ]
    static let areas: [(name: String, strengths: [String])] = [
        ("Sundhed", ["forebyggelse", "trivsel", "sundhed"]),
        ("Skole", ["læring", "børn", "forældre"]),
        ("Teknik og miljø", ["byggeri", "klima", "trafik"]),
        ("Beskæftigelse", ["job", "virksomheder", "ledighed"]),
        ("Social", ["udsatte", "handicap", "borgere"]),
        ("Kultur og fritid", ["foreninger", "frivillige", "kultur"]),
        ("Ældre", ["pleje", "ensomhed", "hjemmehjælp"]),
        ("Børn og unge", ["daginstitutioner", "familier", "unge"]),
        ("Økonomi", ["budget", "styring", "data"]),
        ("HR", ["rekruttering", "arbejdsmiljø", "ledelse"]),
        ("Digitalisering", ["systemer", "data", "selvbetjening"]),
        ("Borgerservice", ["borgere", "henvendelser", "service"]),
    ]

    /// `count` bots spread over `areaCount` areas (1…12), with a mix of behaviours: most
    /// answer, about one in twelve joins late, and one in twenty-four each answers late,
    /// never answers, or leaves half-way.
    public static func make(count: Int, areas areaCount: Int, seed: UInt64, language: String = "da") -> [Bot] {
        let areaCount = min(max(areaCount, 1), areas.count)
        var rng = SeededGenerator(seed: seed, stream: "bots")
        return (0..<max(0, count)).map { i in
            let area = areas[i % areaCount]
            let name = firstNames[i % firstNames.count] + (i >= firstNames.count ? " \(i / firstNames.count + 1)" : "")
            let roll = rng.next() % 24
            let behaviour: Bot.Behaviour =
                switch roll {
                case 0: .silent
                case 1: .late
                case 2: .leaves
                case 3, 4: .joinsLate
                default: .answers
                }
            let strengths = [area.strengths[Int(rng.next() % 3)], area.strengths[Int(rng.next() % 3)]]
            return Bot(
                participant: Participant(
                    id: "p\(i + 1)", name: name, area: area.name, language: language,
                    strengths: Array(Set(strengths)).sorted()),
                behaviour: behaviour)
        }
    }

    /// When each bot joins, and when those who leave half-way leave (`leaves` true), in
    /// the order a rehearsal schedules them: what every rehearsal driver shares.
    public static func arrivals(of bots: [Bot], using rng: inout SeededGenerator)
        -> [(at: Int64, bot: Bot, leaves: Bool)]
    {
        var plan: [(at: Int64, bot: Bot, leaves: Bool)] = []
        for bot in bots {
            plan.append((bot.behaviour == .joinsLate ? 30_000 + Int64(rng.next() % 270_000) : 0, bot, false))
            if bot.behaviour == .leaves { plan.append((60_000 + Int64(rng.next() % 1_200_000), bot, true)) }
        }
        return plan
    }

    /// How long after a question opens a bot answers it (nil: it never does). Most answer
    /// within the first 90% of the time limit (or of 100 s without one), late bots after it.
    public static func answerDelay(of bot: Bot, timeLimit: Int64?, using rng: inout SeededGenerator) -> Int64? {
        let window = timeLimit ?? 100_000
        switch bot.behaviour {
        case .silent: return nil
        case .late: return window.addingReportingOverflow(10_000 + Int64(rng.next() % 120_000)).partialValue
        default:
            // 80% of the window (without overflow for a window of centuries).
            let span = window <= Int64.max / 8 ? window * 8 / 10 : window / 10 * 8
            return window / 10 + Int64(rng.next() % UInt64(max(1, span)))
        }
    }

    /// What a bot answers to an open question: from the exercise's `bot_answers` when it
    /// gives some, otherwise something plausible for the kind of question. Always an answer
    /// the session accepts (the question parser makes sure one exists); nil, and the bot
    /// stays silent, for a question no answer could fit.
    public static func answer(
        for ask: OpenAskInfo, by bot: Bot, among people: [Participant], areas roomAreas: Set<String>,
        using rng: inout SeededGenerator
    ) -> Answer? {
        switch ask.kind {
        case "choice":
            guard !ask.options.isEmpty else { return nil }
            return .text(ask.options[Int(rng.next() % UInt64(ask.options.count))])
        case "choices", "vote":
            guard !ask.options.isEmpty else { return nil }
            let count = 1 + Int(rng.next() % UInt64(min(3, ask.options.count)))
            return .list(Array(ask.options.shuffled(using: &rng).prefix(count)))
        case "rank":
            return .list(ask.options.shuffled(using: &rng))
        case "scale":
            let range = ask.range ?? 1...5
            let (low, high) = (range.lowerBound.rounded(.up), range.upperBound.rounded(.down))
            guard low.isFinite, high.isFinite, low <= high, high - low <= Double(SessionLimits.scaleSteps) else {
                return nil
            }
            return .number(low + Double(rng.next() % (UInt64(high - low) + 1)))
        case "number":
            return number(in: ask.range, using: &rng)
        case "list":
            return listAnswer(for: ask, language: bot.participant.language, using: &rng)
        case "person":
            let others = people.filter { $0.id != bot.participant.id }
            return .text(others.isEmpty ? bot.participant.id : others[Int(rng.next() % UInt64(others.count))].id)
        default:
            if !ask.botAnswers.isEmpty {
                return .text(ask.botAnswers[Int(rng.next() % UInt64(ask.botAnswers.count))])
            }
            // A question that someone from another area in the room could help with.
            let inRoom = roomAreas.subtracting([bot.participant.area])
            let candidates = areas.filter { inRoom.contains($0.name) }
            let other =
                candidates.isEmpty
                ? areas[Int(rng.next() % UInt64(areas.count))] : candidates[Int(rng.next() % UInt64(candidates.count))]
            let topic = other.strengths[Int(rng.next() % 3)]
            return .text("Hvordan arbejder vi bedre med \(topic) på tværs?")
        }
    }

    /// Ideas a bot writes to a list question without `bot_answers`, in its language.
    static let listItems: [String: [String]] = [
        "da": [
            "Mere tid til samtaler", "Fælles mål på tværs", "Faste møder med borgerne", "Bedre deling af viden",
            "Kortere vej til beslutninger", "Mod til at prøve noget nyt", "En kollega at sparre med",
            "Klare aftaler om roller",
        ],
        "en": [
            "More time for conversations", "Shared goals across areas", "Regular meetings with citizens",
            "Better sharing of knowledge", "A shorter way to decisions", "Courage to try something new",
            "A colleague to think with", "Clear agreements on roles",
        ],
    ]

    /// One to three items (within the question's `min` and `max`), each once: from the
    /// question's `bot_answers` when it gives some, else ideas in the bot's language.
    static func listAnswer(for ask: OpenAskInfo, language: String, using rng: inout SeededGenerator) -> Answer? {
        let range = ask.range ?? 1...Double(SessionLimits.listItemsDefault)
        let (low, high) = (Int(range.lowerBound), Int(range.upperBound))
        guard low >= 0, low <= high, high <= SessionLimits.listItems else { return nil }
        let count = min(max(1 + Int(rng.next() % 3), low), high)
        var pool: [String] = []
        var seen: Set<String> = []
        for sample in ask.botAnswers where seen.insert(sample.trimmingCharacters(in: .whitespacesAndNewlines)).inserted
        {
            pool.append(sample)
        }
        if pool.isEmpty { pool = listItems[language] ?? listItems["da"]! }
        var items = Array(pool.shuffled(using: &rng).prefix(count))
        // More items than there are samples: numbered, so that each is there once.
        var round = 2
        while items.count < count {
            for sample in pool where items.count < count { items.append("\(round). \(sample.prefix(1990))") }
            round += 1
        }
        return .list(items)
    }

    /// A number in the question's range: a whole one when the range has one there, from 0
    /// to 10 without a range, and from ten below or above the bound given when only one is.
    static func number(in range: ClosedRange<Double>?, using rng: inout SeededGenerator) -> Answer? {
        let range = range ?? 0...10
        var (low, high) = (range.lowerBound, range.upperBound)
        let open = SessionLimits.numberBound
        if low <= -open && high >= open {
            (low, high) = (0, 10)
        } else if low <= -open {
            low = high - 10
        } else if high >= open {
            high = low + 10
        }
        guard low.isFinite, high.isFinite, low <= high else { return nil }
        let picked = low + Double(rng.next() % 1000) / 999 * (high - low)
        let whole = picked.rounded()
        return .number(range.contains(whole) ? whole : min(max(picked, range.lowerBound), range.upperBound))
    }
}
