import Foundation
import KraftfeltEngine

extension ReportHTML {
    /// A colour for value `index` of `count` on a diverging scale: reds low, grey in the
    /// middle, blues high.
    static func colour(_ index: Int, of count: Int) -> String {
        let low = ["#b2182b", "#d6604d", "#f4a582", "#fddbc7"]
        let high = ["#2166ac", "#4393c3", "#92c5de", "#d1e5f0"]
        let middle = Double(count - 1) / 2
        let position = Double(index)
        if position == middle { return "#cccccc" }
        let steps = Int(middle.rounded(.up))
        let distance = Int((abs(position - middle)).rounded(.up))
        let palette = position < middle ? low : high
        let slot = Swift.max(0, Swift.min(palette.count - 1, (steps - distance) * palette.count / Swift.max(steps, 1)))
        return palette[slot]
    }

    /// A diverging stacked bar per phase: low values left of the centre line, high values
    /// right, a neutral middle value split across it.
    static func divergingBars(_ indicator: IndicatorReport, words: ReportWords) -> String? {
        let rows = indicator.phases.compactMap { phase -> (String, [ValueCount], Int)? in
            guard let counts = phase.distribution.counts, phase.distribution.n > 0 else { return nil }
            return (words.phase(phase.phase), counts, phase.distribution.n)
        }
        guard let values = rows.first?.1.map(\.value), !values.isEmpty else { return nil }
        let labelWidth = 150.0
        let half = 230.0
        let centre = labelWidth + 10 + half
        let rowHeight = 30.0
        let middle = Double((values.first ?? 0) + (values.last ?? 0)) / 2
        var body = ""
        for (row, (label, counts, n)) in rows.enumerated() {
            let y = 10 + Double(row) * rowHeight
            body +=
                "<text x=\"\(labelWidth)\" y=\"\(HTML.coordinate(y + 15))\" text-anchor=\"end\">"
                + "\(HTML.escape(label)) (n=\(n))</text>"
            let share = { (count: Int) in Double(count) / Double(n) }
            let left =
                counts.filter { Double($0.value) < middle }.reduce(0) { $0 + share($1.count) }
                + counts.filter { Double($0.value) == middle }.reduce(0) { $0 + share($1.count) } / 2
            var x = centre - left * half
            for (index, count) in counts.enumerated() where count.count > 0 {
                let width = share(count.count) * half
                body +=
                    "<rect x=\"\(HTML.coordinate(x))\" y=\"\(HTML.coordinate(y))\" "
                    + "width=\"\(HTML.coordinate(width))\" height=\"22\" fill=\"\(colour(index, of: counts.count))\">"
                    + "<title>\(HTML.escape(valueName(count.value, indicator, words))): \(count.count) "
                    + "(\(HTML.escape(words.percent(share(count.count)))))</title></rect>"
                x += width
            }
        }
        let axisBottom = 10 + Double(rows.count) * rowHeight
        body +=
            "<line x1=\"\(centre)\" y1=\"4\" x2=\"\(centre)\" y2=\"\(HTML.coordinate(axisBottom))\" class=\"centre\"/>"
        // The legend: each value's colour, with the scale's end labels.
        var x = labelWidth + 10
        let legendY = axisBottom + 14
        for (index, value) in values.enumerated() {
            body +=
                "<rect x=\"\(HTML.coordinate(x))\" y=\"\(HTML.coordinate(legendY))\" width=\"12\" height=\"12\" "
                + "fill=\"\(colour(index, of: values.count))\"/>"
            let name = valueName(value, indicator, words)
            body +=
                "<text x=\"\(HTML.coordinate(x + 16))\" y=\"\(HTML.coordinate(legendY + 11))\">"
                + "\(HTML.escape(name))</text>"
            x += 28 + Double(name.count) * 7
        }
        let height = Int(legendY + 24)
        return HTML.svg(
            id: "dist-\(indicator.id)", width: 640, height: height, title: indicator.label,
            description: words.distributionDescription(indicator.label), body: body)
    }

    /// What a value reads as in a legend: a scale's end label with its number, yes or no.
    static func valueName(_ value: Int, _ indicator: IndicatorReport, _ words: ReportWords) -> String {
        if indicator.kind == .yesNo { return value == 1 ? words.yes : words.no }
        if value == indicator.min, let low = indicator.low { return "\(value) \(low)" }
        if value == indicator.max, let high = indicator.high { return "\(value) \(high)" }
        return String(value)
    }

    /// The pairs' mean before and later, with the change's confidence interval as an error
    /// bar around the later mean.
    static func changeChart(_ indicator: IndicatorReport, words: ReportWords) -> String? {
        let rows = indicator.changes.filter { $0.meanFrom != nil && $0.meanTo != nil }
        guard !rows.isEmpty else { return nil }
        var points: [Double] = rows.flatMap { change -> [Double] in
            var values = [change.meanFrom, change.meanTo].compactMap { $0 }
            if let interval = change.interval, let from = change.meanFrom {
                values += [from + interval.low, from + interval.high]
            }
            return values
        }
        if indicator.kind == .scale, let low = indicator.min, let high = indicator.max {
            points += [Double(low), Double(high)]
        }
        guard var low = points.min(), var high = points.max() else { return nil }
        if high - low < 1e-9 {
            low -= 1
            high += 1
        }
        let left = 240.0
        let width = 370.0
        let rowHeight = 40.0
        func x(_ value: Double) -> String { HTML.coordinate(left + (value - low) / (high - low) * width) }
        var body = ""
        for (row, change) in rows.enumerated() {
            guard let from = change.meanFrom, let to = change.meanTo else { continue }
            let y = 24 + Double(row) * rowHeight
            let label =
                "\(words.phase(change.from)) → \(words.phase(change.to)) (\(change.pairs) \(words.pairs.lowercased()))"
            body +=
                "<text x=\"\(left - 10)\" y=\"\(HTML.coordinate(y + 5))\" text-anchor=\"end\">\(HTML.escape(label))</text>"
            body += "<line x1=\"\(x(from))\" y1=\"\(y)\" x2=\"\(x(to))\" y2=\"\(y)\" class=\"link\"/>"
            if let interval = change.interval {
                let a = x(from + interval.low)
                let b = x(from + interval.high)
                body += "<line x1=\"\(a)\" y1=\"\(y)\" x2=\"\(b)\" y2=\"\(y)\" class=\"ci\"/>"
                body += "<line x1=\"\(a)\" y1=\"\(y - 7)\" x2=\"\(a)\" y2=\"\(y + 7)\" class=\"ci\"/>"
                body += "<line x1=\"\(b)\" y1=\"\(y - 7)\" x2=\"\(b)\" y2=\"\(y + 7)\" class=\"ci\"/>"
            }
            body +=
                "<circle cx=\"\(x(from))\" cy=\"\(y)\" r=\"6\" class=\"from\"><title>"
                + "\(HTML.escape(words.phase(change.from))): \(HTML.escape(words.number(from)))</title></circle>"
            body +=
                "<circle cx=\"\(x(to))\" cy=\"\(y)\" r=\"6\" class=\"to\"><title>"
                + "\(HTML.escape(words.phase(change.to))): \(HTML.escape(words.number(to)))</title></circle>"
        }
        let axisY = 24 + Double(rows.count) * rowHeight - 14
        body += "<line x1=\"\(left)\" y1=\"\(axisY)\" x2=\"\(left + width)\" y2=\"\(axisY)\" class=\"axis\"/>"
        let ticks: [Double] =
            indicator.kind == .scale && high - low <= 10
            ? stride(from: low.rounded(.up), through: high, by: 1).map { $0 } : [low, (low + high) / 2, high]
        for tick in ticks {
            body +=
                "<text x=\"\(x(tick))\" y=\"\(HTML.coordinate(axisY + 16))\" text-anchor=\"middle\">"
                + "\(HTML.escape(words.value(tick)))</text>"
        }
        return HTML.svg(
            id: "change-\(indicator.id)", width: 640, height: Int(axisY + 26), title: indicator.label,
            description: words.changeDescription(indicator.label), body: body)
    }

    /// The areas on a circle, a line between two areas as wide as their ties are many.
    static func networkChart(_ network: NetworkReport, words: ReportWords) -> String? {
        let count = network.areas.count
        guard count > 0 else { return nil }
        let centre = 320.0
        let middle = 220.0
        let radius = 160.0
        let most = Swift.max(1, network.matrix.flatMap { $0 }.max() ?? 1)
        func point(_ index: Int) -> (Double, Double) {
            let angle = -Double.pi / 2 + 2 * Double.pi * Double(index) / Double(count)
            return (centre + radius * cos(angle), middle + radius * sin(angle))
        }
        var body = ""
        for i in 0..<count {
            for j in (i + 1)..<count where network.matrix[i][j] > 0 {
                let (x1, y1) = point(i)
                let (x2, y2) = point(j)
                let ties = network.matrix[i][j]
                body +=
                    "<line x1=\"\(HTML.coordinate(x1))\" y1=\"\(HTML.coordinate(y1))\" "
                    + "x2=\"\(HTML.coordinate(x2))\" y2=\"\(HTML.coordinate(y2))\" class=\"tie\" "
                    + "stroke-width=\"\(HTML.coordinate(1 + 11 * Double(ties) / Double(most)))\"><title>"
                    + "\(HTML.escape(areaName(network.areas[i], words))) – "
                    + "\(HTML.escape(areaName(network.areas[j], words))): \(ties)</title></line>"
            }
        }
        for i in 0..<count {
            let (x, y) = point(i)
            let name = areaName(network.areas[i], words)
            let within = network.matrix[i][i]
            let anchor = abs(x - centre) < 1 ? "middle" : x < centre ? "end" : "start"
            let dx = abs(x - centre) < 1 ? 0 : x < centre ? -14 : 14
            let dy = abs(x - centre) < 1 ? (y < middle ? -16 : 26) : 5
            body +=
                "<circle cx=\"\(HTML.coordinate(x))\" cy=\"\(HTML.coordinate(y))\" r=\"9\" class=\"area\"><title>"
                + "\(HTML.escape(name)): \(within) \(HTML.escape(words.withinAreaTies.lowercased()))</title></circle>"
            body +=
                "<text x=\"\(HTML.coordinate(x + Double(dx)))\" y=\"\(HTML.coordinate(y + Double(dy)))\" "
                + "text-anchor=\"\(anchor)\">\(HTML.escape(name))</text>"
        }
        return HTML.svg(
            id: "network", width: 640, height: 440, title: words.network, description: words.networkDescription,
            body: body)
    }

    static func areaName(_ area: NetworkArea, _ words: ReportWords) -> String { area.name ?? words.otherAreas }
}
