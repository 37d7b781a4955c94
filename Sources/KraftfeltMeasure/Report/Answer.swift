import KraftfeltEngine

/// One counted answer: a person's, a group's or the session's last value of an indicator
/// in a phase of a session.
struct Answer: Sendable {
    /// The session's index in time order.
    var session: Int
    var subject: MeasureSubject
    var phase: MeasurePhase?
    var value: Double
    /// The area the answer was given from (a participant's only).
    var area: String?

    /// The participant ids it is about: one for a participant, a group's members, none for the session.
    var people: [String] {
        switch subject {
        case .session: []
        case .participant(let id): [id]
        case .group(let ids): ids.split(separator: "+").map(String.init)
        }
    }

    /// The people as keys unique across sessions.
    var personKeys: [String] { people.map { Roster.key(session, $0) } }

    /// The participant's key when the answer is one participant's.
    var participantKey: String? {
        if case .participant(let id) = subject { Roster.key(session, id) } else { nil }
    }
}

/// Who was in each session, and their areas: the participants given, and anyone a measure
/// names who was not among them (with the first area a measure gives them).
struct Roster: Sendable {
    /// Per session: participant id → area (nil when none is known).
    var sessions: [[String: String?]]

    static func key(_ session: Int, _ id: String) -> String { "\(session)\u{1F}\(id)" }

    init(_ sessions: [MeasuredSession]) {
        self.sessions = sessions.map { session in
            var areas: [String: String?] = [:]
            for participant in session.participants where areas[participant.id] == nil {
                areas[participant.id] = .some(participant.area)
            }
            func saw(_ id: String, _ area: String?) {
                guard !id.isEmpty else { return }
                if let known = areas[id] {
                    if known == nil, let area { areas[id] = .some(area) }
                } else {
                    areas[id] = .some(area)
                }
            }
            for (measure, _) in session.phasedMeasures {
                switch measure.subject {
                case .session: break
                case .participant(let id): saw(id, measure.area)
                case .group(let ids): for id in ids.split(separator: "+") { saw(String(id), nil) }
                }
                if let other = measure.other { saw(other, measure.otherArea) }
            }
            return areas
        }
    }

    func count(_ session: Int) -> Int { sessions[session].count }

    func area(_ session: Int, _ id: String) -> String? { sessions[session][id] ?? nil }
}
