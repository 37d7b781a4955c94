import Foundation
import KraftfeltEngine
import KraftfeltMeasure

/// Small hand-made sessions and checks on rendered output.
enum Support {
    /// Participants `<prefix>1`… in these areas, as many as each count says, in this order.
    static func people(_ areas: [(String, Int)], prefix: String = "p") -> [MeasuredParticipant] {
        var number = 0
        return areas.flatMap { area, count in
            (0..<count).map { _ in
                number += 1
                return MeasuredParticipant(id: "\(prefix)\(number)", area: area)
            }
        }
    }

    /// One person's answer on a seed scale.
    static func answer(
        _ p: MeasuredParticipant, _ value: Double, _ phase: MeasurePhase?, name: String = "experienced_effect",
        at: Int64 = Fixture.start + 600
    ) -> Measure {
        Measure(
            exercise: "maaling", name: name, value: value, at: at, subject: .participant(p.id), area: p.area,
            tags: phase.map { [$0.rawValue] } ?? [])
    }

    static func tie(_ a: MeasuredParticipant, _ b: MeasuredParticipant, at: Int64 = Fixture.start + 3600) -> Measure {
        Measure(
            exercise: "spoergsmaal-paa-tvaers", name: "cross_area_tie", value: 1, at: at, subject: .participant(a.id),
            area: a.area, other: b.id, otherArea: b.area)
    }

    static func session(
        _ participants: [MeasuredParticipant], _ measures: [Measure], id: String = "s1", followUps: [Measure] = [],
        title: String = "Workshop"
    ) -> MeasuredSession {
        MeasuredSession(
            id: id, organisation: "Kraftfelt Kommune", title: ["da": title, "en": title], startedAt: Fixture.start,
            participants: participants, measures: measures, followUps: followUps)
    }

    /// Nil when every element opened is closed in order (void elements and `<x/>` aside),
    /// else what is wrong.
    static func unbalanced(_ html: String) -> String? {
        let void: Set<String> = ["meta", "br", "hr", "img", "input", "link"]
        var stack: [String] = []
        for match in html.matches(of: /<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>/) {
            let name = String(match.output.2).lowercased()
            if match.output.1 == "/" {
                guard stack.last == name else { return "</\(name)> closes <\(stack.last ?? "nothing")>" }
                stack.removeLast()
            } else if !match.output.3.hasSuffix("/") && !void.contains(name) {
                stack.append(name)
            }
        }
        return stack.isEmpty ? nil : "never closed: \(stack)"
    }

    /// Whether a rendered text has a NaN or an infinity in it, as Swift or JSON would print them.
    static func hasNonNumber(_ text: String) -> Bool {
        text.contains(/\b(nan|NaN|inf|Infinity)\b/)
    }

    /// The rows of an RFC 4180 CSV.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\r\n" || c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }
}
