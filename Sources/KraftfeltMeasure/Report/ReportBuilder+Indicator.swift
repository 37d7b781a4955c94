import KraftfeltEngine

extension ReportBuilder {
    /// All the report says about one indicator.
    func indicatorReport(_ id: String) -> IndicatorReport {
        let answers = answers[id] ?? []
        let indicator = indicators[id] ?? Indicator(id: id, label: [:], kind: .number)
        let sessionLevel = answers.allSatisfy { $0.people.isEmpty }
        let respondents = Set(answers.flatMap(\.personKeys)).count
        var report = IndicatorReport(
            id: id, label: indicator.label(language), kind: indicator.kind, min: indicator.min, max: indicator.max,
            low: text(indicator.low), high: text(indicator.high), declared: declared(id), sessionLevel: sessionLevel,
            answers: answers.count, respondents: respondents, withheld: nil, distribution: nil, phases: [],
            changes: [], responseRates: [], areas: [], hiddenAreas: 0, overTime: [])
        guard shows(people: respondents, sessionLevel: sessionLevel) else {
            report.withheld = .fewerThanThreshold
            return report
        }
        report.distribution = distribution(answers, indicator, sessionLevel: sessionLevel)
        report.phases = phases(answers, indicator, sessionLevel: sessionLevel)
        let numeric = Self.numericKinds.contains(indicator.kind)
        if numeric {
            report.changes = [MeasurePhase.after, .followUp].compactMap { change(answers, to: $0) }
            report.overTime = overTime(answers, sessionLevel: sessionLevel)
        }
        if !sessionLevel {
            report.responseRates = responseRates(answers, sessions: Array(Set(answers.map(\.session))).sorted())
        }
        if numeric && !sessionLevel {
            (report.areas, report.hiddenAreas) = areas(answers, indicator)
        }
        return report
    }

    static let numericKinds: Set<Indicator.Kind> = [.scale, .yesNo, .count, .number]

    /// The values of these answers, or only their count when too few people gave them.
    func distribution(_ answers: [Answer], _ indicator: Indicator, sessionLevel: Bool) -> Distribution {
        let people = Set(answers.flatMap(\.personKeys)).count
        var distribution = Distribution(n: answers.count, people: people)
        guard shows(people: people, sessionLevel: sessionLevel) else {
            distribution.withheld = .fewerThanThreshold
            return distribution
        }
        let values = answers.map(\.value)
        switch indicator.kind {
        case .text, .tie: return distribution
        case .count, .number: break
        case .scale, .yesNo:
            let range = indicator.kind == .yesNo ? 0...1 : (indicator.min ?? 1)...(indicator.max ?? 5)
            var counts = Dictionary(uniqueKeysWithValues: range.map { ($0, 0) })
            for value in values where value == value.rounded() && abs(value) < 1e9 {
                counts[Int(value), default: 0] += 1
            }
            distribution.counts = counts.keys.sorted().map { ValueCount(value: $0, count: counts[$0] ?? 0) }
        }
        distribution.summary = NumberSummary(values)
        return distribution
    }

    func phases(_ answers: [Answer], _ indicator: Indicator, sessionLevel: Bool) -> [PhaseDistribution] {
        Self.phaseOrder.compactMap { phase in
            let inPhase = answers.filter { $0.phase == phase }
            guard !inPhase.isEmpty else { return nil }
            return PhaseDistribution(
                phase: phase, distribution: distribution(inPhase, indicator, sessionLevel: sessionLevel))
        }
    }

    /// Each participant's answer in `to` minus theirs `before`, when both phases were measured.
    func change(_ answers: [Answer], to: MeasurePhase) -> PairedChange? {
        func byPerson(_ phase: MeasurePhase) -> [String: Double] {
            Dictionary(
                answers.filter { $0.phase == phase }.compactMap { a in a.participantKey.map { ($0, a.value) } },
                uniquingKeysWith: { _, last in last })
        }
        guard answers.contains(where: { $0.phase == .before }), answers.contains(where: { $0.phase == to }) else {
            return nil
        }
        let before = byPerson(.before)
        let later = byPerson(to)
        let people = before.keys.filter { later[$0] != nil }.sorted()
        var change = PairedChange(from: .before, to: to, pairs: people.count)
        guard !people.isEmpty else {
            change.withheld = .noPairs
            return change
        }
        guard shows(people: people.count, sessionLevel: false) else {
            change.withheld = .fewerThanThreshold
            return change
        }
        let from = people.compactMap { before[$0] }
        let to = people.compactMap { later[$0] }
        let differences = zip(to, from).map { $0 - $1 }
        change.meanFrom = NumberSummary.mean(from)
        change.meanTo = NumberSummary.mean(to)
        let mean = NumberSummary.mean(differences)
        change.meanDifference = mean
        guard let sd = NumberSummary.sampleSD(differences),
            let t = StudentT.quantile(0.975, df: Double(people.count - 1))
        else {
            change.withheld = .onePair
            return change
        }
        change.sd = sd
        let margin = t * sd / Double(people.count).squareRoot()
        change.interval = ConfidenceInterval(
            level: 0.95, low: mean - margin, high: mean + margin, t: t, df: people.count - 1)
        return change
    }

    /// Who answered, out of everyone in these sessions: in any phase, then per phase measured.
    func responseRates(_ answers: [Answer], sessions: [Int]) -> [ResponseRate] {
        let participants = sessions.reduce(0) { $0 + roster.count($1) }
        let phases: [MeasurePhase?] = [nil] + MeasurePhase.allCases.filter { p in answers.contains { $0.phase == p } }
        return phases.map { phase in
            let respondents = Set(answers.filter { phase == nil || $0.phase == phase }.flatMap(\.personKeys)).count
            return ResponseRate(
                phase: phase, respondents: respondents, participants: participants,
                rate: participants > 0 ? Double(respondents) / Double(participants) : nil)
        }
    }

    /// The areas with enough respondents, and how many were left out.
    func areas(_ answers: [Answer], _ indicator: Indicator) -> ([AreaBreakdown], Int) {
        var byArea: [String: [Answer]] = [:]
        for answer in answers where answer.participantKey != nil {
            if let area = answer.area { byArea[area, default: []].append(answer) }
        }
        var shown: [AreaBreakdown] = []
        var hidden = 0
        for area in byArea.keys.sorted() {
            let inArea = byArea[area] ?? []
            guard shows(people: Set(inArea.compactMap(\.participantKey)).count, sessionLevel: false) else {
                hidden += 1
                continue
            }
            shown.append(
                AreaBreakdown(
                    area: area, distribution: distribution(inArea, indicator, sessionLevel: false),
                    phases: phases(inArea, indicator, sessionLevel: false)))
        }
        return (shown, hidden)
    }

    /// One point per session and phase, in time order.
    func overTime(_ answers: [Answer], sessionLevel: Bool) -> [SessionPoint] {
        sessions.indices.flatMap { index in
            Self.phaseOrder.compactMap { phase -> SessionPoint? in
                let here = answers.filter { $0.session == index && $0.phase == phase }
                guard !here.isEmpty else { return nil }
                let people = Set(here.flatMap(\.personKeys)).count
                return SessionPoint(
                    session: sessions[index].id, startedAt: sessions[index].startedAt, phase: phase, n: here.count,
                    mean: shows(people: people, sessionLevel: sessionLevel)
                        ? NumberSummary.mean(here.map(\.value)) : nil)
            }
        }
    }
}
