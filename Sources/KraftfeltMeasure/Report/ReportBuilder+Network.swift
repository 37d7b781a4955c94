import KraftfeltEngine

extension ReportBuilder {
    /// A tie between two people of one session, in either direction.
    struct Tie: Hashable {
        var session: Int
        var a: String
        var b: String

        init(session: Int, _ one: String, _ other: String) {
            self.session = session
            (a, b) = one < other ? (one, other) : (other, one)
        }
    }

    /// The network of ties, when any tie indicator was measured.
    func network() -> NetworkReport? {
        var ids: Set<String> = []
        var ties: [Set<Tie>] = sessions.map { _ in [] }
        for (index, session) in sessions.enumerated() {
            for (measure, _) in session.phasedMeasures {
                guard (indicators[measure.name] ?? session.indicator(measure.name))?.kind == .tie else { continue }
                ids.insert(measure.name)
                guard case .participant(let one) = measure.subject, let other = measure.other, !other.isEmpty,
                    other != one
                else { continue }
                ties[index].insert(Tie(session: index, one, other))
            }
        }
        guard !ids.isEmpty else { return nil }
        let tied = sessions.indices.filter { index in
            sessions[index].phasedMeasures.contains { ids.contains($0.measure.name) }
        }
        let participants = tied.reduce(0) { $0 + roster.count($1) }
        func area(_ session: Int, _ id: String) -> String? { roster.area(session, id) }
        func crosses(_ tie: Tie) -> Bool? {
            guard let one = area(tie.session, tie.a), let other = area(tie.session, tie.b) else { return nil }
            return one != other
        }
        let all = tied.flatMap { ties[$0] }
        var outside: Set<String> = []
        for tie in all where crosses(tie) == true {
            outside.insert(Roster.key(tie.session, tie.a))
            outside.insert(Roster.key(tie.session, tie.b))
        }
        var report = NetworkReport(
            indicators: ids.sorted(), participants: participants, ties: 0, crossAreaTies: 0, withinAreaTies: 0,
            withOutsideTie: 0, areas: [], pooledOtherAreas: false, hiddenAreas: 0, matrix: [], growth: [])
        guard shows(people: participants, sessionLevel: false) else {
            report.withheld = .fewerThanThreshold
            return report
        }
        report.ties = all.count
        report.crossAreaTies = all.filter { crosses($0) == true }.count
        report.withinAreaTies = all.filter { crosses($0) == false }.count
        report.withOutsideTie = outside.count
        report.shareWithOutsideTie = participants > 0 ? Double(outside.count) / Double(participants) : nil
        matrix(of: all, sessions: tied, into: &report)
        var cumulative = 0
        var cumulativeCross = 0
        for index in tied {
            let here = ties[index]
            let cross = here.filter { crosses($0) == true }.count
            cumulative += here.count
            cumulativeCross += cross
            let enough = shows(people: roster.count(index), sessionLevel: false)
            report.growth.append(
                NetworkPoint(
                    session: sessions[index].id, startedAt: sessions[index].startedAt,
                    participants: roster.count(index), ties: enough ? here.count : nil,
                    crossAreaTies: enough ? cross : nil, cumulativeTies: cumulative,
                    cumulativeCrossAreaTies: cumulativeCross))
        }
        return report
    }

    /// The area-by-area matrix: areas with enough participants, the rest pooled when they
    /// reach the threshold together, else left out.
    private func matrix(of ties: [Tie], sessions tied: [Int], into report: inout NetworkReport) {
        var counts: [String: Int] = [:]
        for index in tied {
            for (_, area) in roster.sessions[index] { if let area { counts[area, default: 0] += 1 } }
        }
        let shown = counts.keys.filter { (counts[$0] ?? 0) >= threshold }.sorted()
        let rest = counts.keys.filter { (counts[$0] ?? 0) < threshold }
        let pooled = rest.reduce(0) { $0 + (counts[$1] ?? 0) }
        report.areas = shown.map { NetworkArea(name: $0, participants: counts[$0] ?? 0) }
        report.hiddenAreas = rest.count
        if !rest.isEmpty && pooled >= threshold {
            report.areas.append(NetworkArea(name: nil, participants: pooled))
            report.pooledOtherAreas = true
        }
        let row = Dictionary(uniqueKeysWithValues: shown.enumerated().map { ($1, $0) })
        func index(_ area: String?) -> Int? {
            guard let area else { return nil }
            return row[area] ?? (report.pooledOtherAreas ? shown.count : nil)
        }
        var matrix = report.areas.map { _ in report.areas.map { _ in 0 } }
        for tie in ties {
            guard let i = index(roster.area(tie.session, tie.a)), let j = index(roster.area(tie.session, tie.b))
            else { continue }
            matrix[i][j] += 1
            if i != j { matrix[j][i] += 1 }
        }
        report.matrix = matrix
    }
}
