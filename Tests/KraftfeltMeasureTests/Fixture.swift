import KraftfeltEngine
import KraftfeltMeasure

/// SplitMix64: the same numbers for the same seed on every machine.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with this probability.
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}

/// Generated sessions: 3 sessions of 40 participants in 4 areas, the eight seed indicators
/// before, after and at follow-up, goals as texts, ties, session numbers and a scale one
/// session's exercise declares.
enum Fixture {
    static let areas = ["Børn & unge", "Teknik og miljø", "Sundhed", "Kultur, \"fritid\""]
    static let day: Int64 = 86_400
    static let start: Int64 = 1_740_042_000  // 2025-02-20T09:00:00Z
    static let goals = [
        "Dele mit mål med Hanne, i morgen", "Sige \"ja\" oftere", "=HYPERLINK(\"http://x\")", "-1 møde om ugen",
        "@alle: spørg først", "Tale med\nøkonomi", "+45 opkald", "Bare gøre det",
    ]
    static let trust = Indicator.scale("trust_network", da: "Tillid i netværket", en: "Trust in the network", 1...7)

    static func sessions(seed: UInt64 = 12) -> [MeasuredSession] {
        var random = SeededGenerator(state: seed)
        return (0..<3).map { session(index: $0, random: &random) }
    }

    static func session(index: Int, random: inout SeededGenerator) -> MeasuredSession {
        let startedAt = start + Int64(index) * 30 * day
        let participants = (0..<40).map { number in
            MeasuredParticipant(
                id: String(random.next() % 0xFFFF_FFFF, radix: 16) + "-\(number)", area: areas[number % areas.count])
        }
        var measures: [Measure] = []
        var followUps: [Measure] = []
        let followUpAt = startedAt + 42 * day
        func measure(
            _ name: String, _ value: Double, _ p: MeasuredParticipant, _ at: Int64, _ tags: [String],
            exercise: String = "maaling", text: String? = nil
        ) -> Measure {
            Measure(
                exercise: exercise, name: name, value: value, at: at, subject: .participant(p.id), area: p.area,
                text: text, tags: tags)
        }
        for (number, p) in participants.enumerated() {
            let offset = Int64(number)
            for indicator in Indicator.seed {
                var level = Int.random(in: 1...4, using: &random)
                if random.chance(0.9) {
                    measures.append(measure(indicator.id, Double(level), p, startedAt + 600 + offset, ["before"]))
                    if random.chance(0.05) {
                        // A second thought: the later answer counts.
                        level = Int.random(in: 1...5, using: &random)
                        measures.append(
                            measure(indicator.id, Double(level), p, startedAt + 900 + offset, ["before", "retry"]))
                    }
                }
                if random.chance(0.85) {
                    let after = min(5, max(1, level + Int.random(in: -1...2, using: &random)))
                    measures.append(measure(indicator.id, Double(after), p, startedAt + 7200 + offset, ["after"]))
                }
                if random.chance(0.6) {
                    let later = min(5, max(1, level + Int.random(in: -1...1, using: &random)))
                    // Follow-ups without a tag count as follow-up.
                    let tags = random.chance(0.2) ? [] : ["follow-up"]
                    followUps.append(measure(indicator.id, Double(later), p, followUpAt + offset, tags))
                }
            }
            if random.chance(0.5) {
                measures.append(
                    measure(
                        trust.id, Double(Int.random(in: 1...7, using: &random)), p, startedAt + 700 + offset,
                        ["before"], exercise: "tillid"))
                if random.chance(0.9) {
                    measures.append(
                        measure(
                            trust.id, Double(Int.random(in: 1...7, using: &random)), p, startedAt + 7300 + offset,
                            ["after"], exercise: "tillid"))
                }
            }
            if random.chance(0.7) {
                let goal = goals[Int.random(in: 0..<goals.count, using: &random)]
                measures.append(
                    measure("goal", 1, p, startedAt + 5000 + offset, [], exercise: "summegrupper", text: goal))
                measures.append(
                    measure(
                        "goals_shared", Double(Int.random(in: 0...3, using: &random)), p, startedAt + 5100 + offset,
                        ["after"], exercise: "summegrupper"))
            }
        }
        // Ties: each names up to three others in the session; some are named back.
        var ties = 0
        for p in participants {
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                guard let other = participants.randomElement(using: &random), other.id != p.id else { continue }
                ties += 1
                let at = startedAt + 3600 + Int64(ties)
                measures.append(
                    Measure(
                        exercise: "spoergsmaal-paa-tvaers", name: "cross_area_tie", value: 1, at: at,
                        subject: .participant(p.id), area: p.area, other: other.id, otherArea: other.area))
                if random.chance(0.2) {
                    measures.append(
                        Measure(
                            exercise: "spoergsmaal-paa-tvaers", name: "cross_area_tie", value: 1, at: at + 1,
                            subject: .participant(other.id), area: other.area, other: p.id, otherArea: p.area))
                }
            }
        }
        measures.append(
            Measure(
                exercise: "spoergsmaal-paa-tvaers", name: "cross_area_ties", value: Double(ties), at: startedAt + 4000))
        measures.append(
            Measure(exercise: "maaling", name: "room_temperature", value: 21.5 + Double(index) / 4, at: startedAt + 100)
        )
        return MeasuredSession(
            id: "s\(index + 1)", organisation: "Kraftfelt Kommune",
            title: ["da": "Netværksorganisering \(index + 1)", "en": "Network organisation \(index + 1)"],
            startedAt: startedAt, participants: participants, measures: measures, followUps: followUps,
            indicators: index == 0 ? [trust.id: trust] : [:])
    }
}
