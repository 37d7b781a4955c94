import KraftfeltEngine

/// The report as one self-contained HTML page: inline CSS and SVG, no scripts, nothing
/// fetched. It reads on a laptop and on a phone, and every chart has a table of its numbers.
public enum ReportHTML {
    /// The page for this report, in the report's language.
    public static func render(_ report: MeasureReport) -> String {
        let words = ReportWords.of(report.language)
        let heading = report.title ?? words.report
        var body = "<header><h1>\(HTML.escape(heading))</h1>"
        if !report.organisations.isEmpty {
            body += "<p class=\"organisation\">\(HTML.escape(report.organisations.joined(separator: ", ")))</p>"
        }
        if let period = period(report.period) { body += "<p class=\"period\">\(HTML.escape(period))</p>" }
        body += "</header>"
        body += overview(report, words)
        if report.isEmpty {
            body += "<p class=\"empty\">\(HTML.escape(words.noMeasures))</p>"
        }
        for indicator in report.indicators {
            body += section(indicator, report: report, words: words)
        }
        if let network = report.network { body += self.network(network, report: report, words: words) }
        body += "<footer><p>\(HTML.escape(sentence(words.fewer(report.threshold)))).</p></footer>"
        return "<!DOCTYPE html>\n<html lang=\"\(HTML.escape(report.language))\"><head><meta charset=\"utf-8\"/>"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
            + "<title>\(HTML.escape(heading))</title><style>\(css)</style></head><body><main>\(body)</main></body></html>\n"
    }

    static func period(_ period: ReportPeriod) -> String? {
        switch (period.from, period.to) {
        case (let from?, let to?):
            ISODate.date(from) == ISODate.date(to)
                ? ISODate.date(from) : "\(ISODate.date(from)) – \(ISODate.date(to))"
        case (let one?, nil), (nil, let one?): ISODate.date(one)
        case (nil, nil): nil
        }
    }

    static func sentence(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    static func overview(_ report: MeasureReport, _ words: ReportWords) -> String {
        var out = "<section aria-labelledby=\"overview\"><h2 id=\"overview\">\(HTML.escape(words.overview))</h2>"
        out += "<p>\(HTML.escape(words.participants)): \(report.participants)</p>"
        if !report.sessions.isEmpty {
            out += HTML.table(
                caption: words.sessions,
                header: [words.date, words.session, words.organisation, words.participants, words.respondents],
                rows: report.sessions.map {
                    [
                        ISODate.date($0.startedAt), HTML.escape($0.title), HTML.escape($0.organisation),
                        String($0.participants), String($0.respondents),
                    ]
                }, numericFrom: 3)
        }
        if report.participants > 0 && !report.isEmpty { out += rates(report.responseRates, words) }
        return out + "</section>"
    }

    static func rates(_ rates: [ResponseRate], _ words: ReportWords) -> String {
        guard !rates.isEmpty else { return "" }
        return HTML.table(
            caption: words.responseRate,
            header: [words.phase, words.respondents, words.participants, words.responseRate],
            rows: rates.map {
                [
                    HTML.escape($0.phase.map { words.phase($0) } ?? words.anyPhase), String($0.respondents),
                    String($0.participants), $0.rate.map { HTML.escape(words.percent($0)) } ?? "",
                ]
            })
    }

    static func withheld(_ reason: Withheld, threshold: Int, words: ReportWords) -> String {
        switch reason {
        case .fewerThanThreshold: words.fewer(threshold)
        case .onePair: words.onePair
        case .noPairs: words.noPairs
        }
    }

    static func section(_ indicator: IndicatorReport, report: MeasureReport, words: ReportWords) -> String {
        let anchor = "i-" + indicator.id
        var out = "<section id=\"\(HTML.escape(anchor))\" aria-labelledby=\"\(HTML.escape(anchor))-h\">"
        out += "<h2 id=\"\(HTML.escape(anchor))-h\">\(HTML.escape(indicator.label))</h2>"
        out += "<p class=\"meta\">\(HTML.escape(words.answers)): \(indicator.answers)"
        if !indicator.sessionLevel { out += " · \(HTML.escape(words.respondents)): \(indicator.respondents)" }
        out += "</p>"
        if let reason = indicator.withheld {
            return out
                + "<p class=\"withheld\">\(HTML.escape(sentence(withheld(reason, threshold: report.threshold, words: words))))."
                + "</p></section>"
        }
        switch indicator.kind {
        case .scale, .yesNo:
            if let chart = divergingBars(indicator, words: words) { out += "<figure>\(chart)</figure>" }
            out += distributionTable(indicator, report: report, words: words)
        case .count, .number:
            out += summaryTable(indicator.phases, report: report, words: words, first: words.phase)
        case .text:
            out += "<p>\(HTML.escape(words.textsNotShown))</p>"
        case .tie:
            out += "<p><a href=\"#network\">\(HTML.escape(words.network))</a></p>"
        }
        out += changes(indicator, report: report, words: words)
        out += rates(indicator.responseRates, words)
        out += areas(indicator, report: report, words: words)
        out += overTime(indicator, report: report, words: words)
        return out + "</section>"
    }

    /// The counts per value and phase: the bars' table alternative.
    static func distributionTable(_ indicator: IndicatorReport, report: MeasureReport, words: ReportWords) -> String {
        let values = indicator.phases.lazy.compactMap(\.distribution.counts).first?.map(\.value) ?? []
        let header = [words.phase] + values.map { valueName($0, indicator, words) } + ["n", words.mean]
        let rows = indicator.phases.map { phase -> [String] in
            let name = HTML.escape(words.phase(phase.phase))
            let d = phase.distribution
            guard let counts = d.counts, d.withheld == nil else {
                return [name] + values.map { _ in "" } + [String(d.n), HTML.escape(withheldText(d, report, words))]
            }
            return [name] + counts.map { String($0.count) } + [
                String(d.n), d.summary.map { HTML.escape(words.number($0.mean)) } ?? "",
            ]
        }
        return HTML.table(caption: words.tableAlternative, header: header, rows: rows)
    }

    static func withheldText(_ d: Distribution, _ report: MeasureReport, _ words: ReportWords) -> String {
        d.withheld.map { withheld($0, threshold: report.threshold, words: words) } ?? ""
    }

    /// n, mean, spread, median and range per phase (or per area).
    static func summaryTable(
        _ phases: [PhaseDistribution], report: MeasureReport, words: ReportWords, first: (MeasurePhase?) -> String
    ) -> String {
        let header = [words.phase, "n", words.mean, words.sd, words.median, words.minimum, words.maximum]
        let rows = phases.map { phase -> [String] in
            let d = phase.distribution
            guard let s = d.summary else {
                return [
                    HTML.escape(first(phase.phase)), String(d.n), HTML.escape(withheldText(d, report, words)), "", "",
                    "", "",
                ]
            }
            return [
                HTML.escape(first(phase.phase)), String(d.n), HTML.escape(words.number(s.mean)),
                s.sd.map { HTML.escape(words.number($0)) } ?? "", HTML.escape(words.value(s.median)),
                HTML.escape(words.value(s.min)), HTML.escape(words.value(s.max)),
            ]
        }
        return HTML.table(caption: nil, header: header, rows: rows)
    }

    static func changes(_ indicator: IndicatorReport, report: MeasureReport, words: ReportWords) -> String {
        guard ReportBuilder.numericKinds.contains(indicator.kind) else { return "" }
        let phases = indicator.phases.map(\.phase)
        if indicator.changes.isEmpty {
            return phases == [.before] ? "<p>\(HTML.escape(words.onlyBefore))</p>" : ""
        }
        var out = "<h3>\(HTML.escape(words.change))</h3>"
        if let chart = changeChart(indicator, words: words) { out += "<figure>\(chart)</figure>" }
        let rows = indicator.changes.map { change -> [String] in
            let name = HTML.escape("\(words.phase(change.from)) → \(words.phase(change.to))")
            let numbers = [change.meanFrom, change.meanTo].map { $0.map { HTML.escape(words.number($0)) } ?? "" }
            let difference = change.meanDifference.map { HTML.escape(words.signed($0)) } ?? ""
            let interval =
                change.interval.map {
                    HTML.escape(
                        "\(words.signed($0.low)) \(words.language == "da" ? "til" : "to") \(words.signed($0.high))")
                } ?? change.withheld.map { HTML.escape(withheld($0, threshold: report.threshold, words: words)) } ?? ""
            return [name, String(change.pairs)] + numbers + [difference, interval]
        }
        out += HTML.table(
            caption: words.tableAlternative,
            header: [words.change, words.pairs, words.meanBefore, words.meanLater, words.difference, words.interval],
            rows: rows)
        return out
    }

    static func areas(_ indicator: IndicatorReport, report: MeasureReport, words: ReportWords) -> String {
        guard !indicator.areas.isEmpty || indicator.hiddenAreas > 0 else { return "" }
        var out = "<h3>\(HTML.escape(words.areas))</h3>"
        let phases = ReportBuilder.phaseOrder.filter { p in indicator.phases.contains { $0.phase == p } }
        if !indicator.areas.isEmpty {
            let rows = indicator.areas.map { area -> [String] in
                let means = phases.map { phase -> String in
                    guard let d = area.phases.first(where: { $0.phase == phase })?.distribution else { return "" }
                    guard let mean = d.summary?.mean else {
                        return d.n > 0 ? "n=\(d.n): \(HTML.escape(withheldText(d, report, words)))" : ""
                    }
                    return "\(HTML.escape(words.number(mean))) (n=\(d.n))"
                }
                return [HTML.escape(area.area), String(area.distribution.people)] + means
            }
            out += HTML.table(
                caption: "\(words.mean) · \(words.areas)",
                header: [words.area, words.respondents] + phases.map { words.phase($0) }, rows: rows)
        }
        if indicator.hiddenAreas > 0 {
            out +=
                "<p class=\"withheld\">\(HTML.escape(words.areasHidden(indicator.hiddenAreas, report.threshold)))</p>"
        }
        return out
    }

    static func overTime(_ indicator: IndicatorReport, report: MeasureReport, words: ReportWords) -> String {
        guard Set(indicator.overTime.map(\.session)).count > 1 else { return "" }
        let rows = indicator.overTime.map { point -> [String] in
            let title = report.sessions.first { $0.id == point.session }?.title ?? point.session
            return [
                ISODate.date(point.startedAt), HTML.escape(title), HTML.escape(words.phase(point.phase)),
                String(point.n),
                point.mean.map { HTML.escape(words.number($0)) } ?? HTML.escape(words.fewer(report.threshold)),
            ]
        }
        return "<h3>\(HTML.escape(words.overTime))</h3>"
            + HTML.table(
                caption: nil, header: [words.date, words.session, words.phase, "n", words.mean], rows: rows,
                numericFrom: 3)
    }

    static func network(_ network: NetworkReport, report: MeasureReport, words: ReportWords) -> String {
        var out =
            "<section id=\"network\" aria-labelledby=\"network-h\"><h2 id=\"network-h\">"
            + "\(HTML.escape(words.network))</h2><p class=\"meta\">\(HTML.escape(words.participants)): \(network.participants)</p>"
        if let reason = network.withheld {
            return out
                + "<p class=\"withheld\">\(HTML.escape(sentence(withheld(reason, threshold: report.threshold, words: words))))."
                + "</p></section>"
        }
        let share = network.shareWithOutsideTie.map { " (\(words.percent($0)))" } ?? ""
        out +=
            "<ul><li>\(HTML.escape(words.ties)): \(network.ties)</li>"
            + "<li>\(HTML.escape(words.crossAreaTies)): \(network.crossAreaTies)</li>"
            + "<li>\(HTML.escape(words.withinAreaTies)): \(network.withinAreaTies)</li>"
            + "<li>\(HTML.escape(words.withOutsideTie)): \(network.withOutsideTie)\(HTML.escape(share))</li></ul>"
        if let chart = networkChart(network, words: words) { out += "<figure>\(chart)</figure>" }
        if !network.areas.isEmpty {
            let names = network.areas.map { areaName($0, words) }
            out += HTML.table(
                caption: words.tableAlternative, header: [words.area] + names,
                rows: network.matrix.enumerated().map { i, row in [HTML.escape(names[i])] + row.map(String.init) })
        }
        if network.hiddenAreas > 0 {
            out += "<p class=\"withheld\">\(HTML.escape(words.areasHidden(network.hiddenAreas, report.threshold)))</p>"
        }
        if network.growth.count > 1 {
            out += HTML.table(
                caption: words.overTime,
                header: [
                    words.date, words.participants, words.ties, words.crossAreaTies, words.cumulativeTies,
                    words.cumulativeCross,
                ],
                rows: network.growth.map {
                    [
                        ISODate.date($0.startedAt), String($0.participants), $0.ties.map(String.init) ?? "",
                        $0.crossAreaTies.map(String.init) ?? "", String($0.cumulativeTies),
                        String($0.cumulativeCrossAreaTies),
                    ]
                })
        }
        return out + "</section>"
    }

    static let css = """
        body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
        main{max-width:52rem;margin:0 auto;padding:1rem}
        h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin-top:2rem;border-top:1px solid #ddd;padding-top:1rem}
        h3{font-size:1.05rem}.meta,.period,.organisation{color:#555}.withheld{color:#555;font-style:italic}
        figure{margin:1rem 0;overflow-x:auto}svg{width:100%;height:auto;max-width:44rem;font-size:14px}
        @media (max-width:36rem){figure svg{min-width:32rem}#network figure svg{min-width:0}}
        svg text{fill:#1a1a1a}.centre{stroke:#1a1a1a;stroke-width:1.5}.axis{stroke:#777}
        .link{stroke:#999;stroke-width:2}.ci{stroke:#1a1a1a;stroke-width:2}
        .from{fill:#fff;stroke:#2166ac;stroke-width:2}.to{fill:#2166ac}
        .tie{stroke:#4393c3;stroke-opacity:.7;stroke-linecap:round}.area{fill:#2166ac}
        .table{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.95rem}
        caption{text-align:left;color:#555;padding:.25rem 0}th,td{padding:.25rem .6rem;border-bottom:1px solid #e3e3e3;text-align:left}
        td.n{text-align:right;font-variant-numeric:tabular-nums}footer{margin-top:2rem;color:#555;font-size:.9rem}
        """
}
