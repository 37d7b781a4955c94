import Foundation
import KraftfeltEngine

/// The engine's charts (``Chart``) drawn as SVG for the beamer and the phones. Every
/// label is escaped here; the numbers come from the engine.
enum Charts {
    static func svg(_ chart: Chart, language: String) -> String {
        let title = chart.title ?? ""
        let body: String
        let height: Int
        switch chart.kind {
        case .distribution, .counts:
            (body, height) = bars(chart.bars, colours: ["#1f5f8b"])
        case .beforeAfter:
            (body, height) = bars(chart.bars, colours: ["#8a8f98", "#1f7a4d"])
        case .ties:
            (body, height) = ties(chart.ties, language: language)
        }
        let label = HTML.escape(title.isEmpty ? chart.kind.rawValue : title)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart chart-\(chart.kind.rawValue)" viewBox="0 0 640 \(height)" \
            role="img" aria-label="\(label)"><title>\(label)</title>\(body)</svg>
            """
    }

    /// Horizontal bars: a label, a bar as long as its share of the largest value, the value.
    private static func bars(_ bars: [Chart.Bar], colours: [String]) -> (String, Int) {
        let top = max(1, bars.map(\.value).max() ?? 1)
        var out = ""
        for (i, bar) in bars.enumerated() {
            let y = i * 34 + 4
            let width = max(0, bar.value / top * 380)
            let colour = colours[i % colours.count]
            out += """
                <text x="0" y="\(y + 20)" font-size="16" fill="currentColor">\(HTML.escape(clip(bar.label)))</text>\
                <rect x="200" y="\(y + 4)" width="\(format(width))" height="22" rx="3" fill="\(colour)"/>\
                <text x="\(format(206 + width))" y="\(y + 21)" font-size="16" fill="currentColor">\(format(bar.value))</text>
                """
        }
        return (out, max(40, bars.count * 34 + 8))
    }

    /// Areas on a circle, a line between two areas as thick as the pairs that tie them.
    private static func ties(_ ties: [Chart.Tie], language: String) -> (String, Int) {
        var areas: [String] = []
        for tie in ties {
            for area in [tie.from, tie.to] where !areas.contains(area) { areas.append(area) }
        }
        guard !areas.isEmpty else {
            let none = language == "en" ? "No ties yet" : "Ingen bånd endnu"
            return ("<text x=\"320\" y=\"40\" text-anchor=\"middle\" font-size=\"18\">\(none)</text>", 60)
        }
        let centre = (x: 320.0, y: 210.0)
        let radius = 150.0
        func point(_ i: Int) -> (x: Double, y: Double) {
            let angle = Double(i) / Double(areas.count) * 2 * Double.pi - Double.pi / 2
            return (centre.x + radius * cos(angle), centre.y + radius * sin(angle))
        }
        let most = Double(max(1, ties.map(\.count).max() ?? 1))
        var out = ""
        for tie in ties {
            guard let a = areas.firstIndex(of: tie.from), let b = areas.firstIndex(of: tie.to) else { continue }
            let (p, q) = (point(a), point(b))
            let width = 2 + 10 * Double(tie.count) / most
            if a == b {
                out += """
                    <circle cx="\(format(p.x))" cy="\(format(p.y - 22))" r="18" fill="none" stroke="#c77d1a" \
                    stroke-width="\(format(width))" opacity="0.7"><title>\(HTML.escape(tie.from)): \(tie.count)</title></circle>
                    """
            } else {
                out += """
                    <line x1="\(format(p.x))" y1="\(format(p.y))" x2="\(format(q.x))" y2="\(format(q.y))" \
                    stroke="#1f5f8b" stroke-width="\(format(width))" stroke-linecap="round" opacity="0.75">\
                    <title>\(HTML.escape(tie.from)) – \(HTML.escape(tie.to)): \(tie.count)</title></line>
                    """
            }
        }
        for (i, area) in areas.enumerated() {
            let p = point(i)
            let anchor = p.x < centre.x - 10 ? "end" : p.x > centre.x + 10 ? "start" : "middle"
            let dx = anchor == "end" ? -14.0 : anchor == "start" ? 14.0 : 0
            let dy = p.y < centre.y ? -12.0 : 24.0
            out += """
                <circle cx="\(format(p.x))" cy="\(format(p.y))" r="9" fill="#0b2545"/>\
                <text x="\(format(p.x + dx))" y="\(format(p.y + (anchor == "middle" ? dy : 5)))" text-anchor="\(anchor)" \
                font-size="16" fill="currentColor">\(HTML.escape(clip(area)))</text>
                """
        }
        return (out, 420)
    }

    private static func clip(_ text: String) -> String {
        text.count > 28 ? String(text.prefix(27)) + "…" : text
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.1f", value)
    }
}
