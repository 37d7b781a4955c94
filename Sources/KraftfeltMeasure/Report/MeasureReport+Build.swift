import KraftfeltEngine

extension MeasureReport {
    /// The report on these sessions.
    ///
    /// ```swift
    /// let report = MeasureReport(sessions: sessions, options: ReportOptions(threshold: 5, language: "da"))
    /// let html = ReportHTML.render(report)
    /// ```
    public init(sessions: [MeasuredSession], options: ReportOptions = ReportOptions()) {
        let sessions = sessions.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        let builder = ReportBuilder(sessions: sessions, options: options)
        language = options.language
        threshold = options.threshold
        organisations = Set(sessions.map(\.organisation)).sorted()
        title = sessions.count == 1 ? sessions.first?.title(options.language) : nil
        period = ReportPeriod(
            from: options.from ?? sessions.map(\.startedAt).min(), to: options.to ?? sessions.map(\.startedAt).max())
        let personal = builder.allAnswers.filter { !$0.people.isEmpty }
        self.sessions = sessions.enumerated().map { index, session in
            SessionSummary(
                id: session.id, organisation: session.organisation, title: session.title(options.language),
                startedAt: session.startedAt, participants: builder.roster.count(index),
                respondents: Set(personal.filter { $0.session == index }.flatMap(\.personKeys)).count)
        }
        participants = sessions.indices.reduce(0) { $0 + builder.roster.count($1) }
        responseRates = builder.responseRates(personal, sessions: Array(sessions.indices))
        indicators = builder.indicatorIDs.map { builder.indicatorReport($0) }
        network = builder.network()
    }
}

/// The pieces of a report, from the sessions in time order.
struct ReportBuilder {
    let sessions: [MeasuredSession]
    let threshold: Int
    let language: String
    let roster: Roster
    /// Every counted answer, by indicator id.
    let answers: [String: [Answer]]
    /// The indicator for each id: the first session's declaration, else the host's.
    let indicators: [String: Indicator]

    init(sessions: [MeasuredSession], options: ReportOptions) {
        self.sessions = sessions
        threshold = options.threshold
        language = options.language
        roster = Roster(sessions)
        var answers: [String: [Answer]] = [:]
        var indicators: [String: Indicator] = [:]
        for (index, session) in sessions.enumerated() {
            // One answer per subject, phase and indicator in a session: the last one taken.
            var last: [String: [String: Answer]] = [:]
            var order: [String: [String]] = [:]
            for (measure, phase) in session.phasedMeasures where measure.value.isFinite {
                if indicators[measure.name] == nil, let indicator = session.indicator(measure.name) {
                    indicators[measure.name] = indicator
                }
                let area: String? =
                    if case .participant(let id) = measure.subject { measure.area ?? roster.area(index, id) } else {
                        nil
                    }
                let key = "\(measure.subject.kind)\u{1F}\(measure.subject.id)\u{1F}\(phase?.rawValue ?? "")"
                if last[measure.name, default: [:]][key] == nil { order[measure.name, default: []].append(key) }
                last[measure.name, default: [:]][key] = Answer(
                    session: index, subject: measure.subject, phase: phase, value: measure.value, area: area)
            }
            for (name, keys) in order {
                answers[name, default: []] += keys.compactMap { last[name]?[$0] }
            }
        }
        self.answers = answers
        for name in answers.keys where indicators[name] == nil {
            indicators[name] = Indicator(id: name, label: [:], kind: .number)
        }
        self.indicators = indicators
    }

    var allAnswers: [Answer] { indicatorIDs.flatMap { answers[$0] ?? [] } }

    /// The seed's eight in their order, then the rest by id.
    var indicatorIDs: [String] {
        let seed = Indicator.seed.map(\.id).filter { answers[$0] != nil }
        return seed + answers.keys.filter { !seed.contains($0) }.sorted()
    }

    func declared(_ id: String) -> Bool {
        sessions.contains { $0.indicator(id) != nil }
    }

    /// Whether an aggregate of this many people may be shown.
    func shows(people: Int, sessionLevel: Bool) -> Bool { sessionLevel || people >= threshold }

    static let phaseOrder: [MeasurePhase?] = [.before, .after, .followUp, nil]

    func text(_ labels: [String: String]?) -> String? {
        guard let labels else { return nil }
        return labels[language] ?? labels["en"] ?? labels["da"]
    }
}
