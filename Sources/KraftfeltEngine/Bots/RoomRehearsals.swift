import KraftfeltLua

/// The rehearsals `kraftfelt check` runs an exercise through: rooms of every size that
/// tends to break a script (one person, a pair, an odd number, a large room), from one
/// area and from several, and a small room that half leaves.
public enum RoomRehearsals {
    public struct Room: Hashable, Sendable {
        public var people: Int
        public var areas: Int
        public var seed: UInt64
        /// How many of the bots leave half-way.
        public var leaving: Int

        /// "with 2 people in 1 area", for messages.
        public var description: String {
            let who = "\(people) \(people == 1 ? "person" : "people") in \(areas) area\(areas == 1 ? "" : "s")"
            return "with \(who)" + (leaving > 0 ? ", \(leaving) of them leaving half-way" : "")
        }
    }

    public static let sizes = [1, 2, 3, 5, 23, 200]
    public static let areaCounts = [1, 4]
    /// The seed of `kraftfelt rehearse`, so its command reproduces a finding.
    public static let seed: UInt64 = 7

    /// Every room, smallest first, the room with people leaving last.
    public static let rooms: [Room] =
        sizes.flatMap { people in areaCounts.map { Room(people: people, areas: $0, seed: seed, leaving: 0) } }
        + [leavingRoom]

    /// Six people from two areas, at least three of whom leave: the first seed that makes
    /// such a room (bots leave by their seeded behaviour).
    public static let leavingRoom: Room = {
        for candidate in UInt64(1)...100_000 {
            let leaving = BotRoom.make(count: 6, areas: 2, seed: candidate).filter { $0.behaviour == .leaves }.count
            if leaving >= 3 { return Room(people: 6, areas: 2, seed: candidate, leaving: leaving) }
        }
        return Room(people: 6, areas: 2, seed: seed, leaving: 0)
    }()

    /// What the summary of a clean exercise says was done.
    public static let summary =
        "rehearsed with \(sizes.map(String.init).joined(separator: ", ")) people; "
        + "\(areaCounts.map(String.init).joined(separator: " and ")) areas; with people leaving"

    /// Rehearses the script in every room, in order, and stops at the first room it fails
    /// in: it fails (the script's error), never finishes (it reaches the rehearsal's limit
    /// of session time), or asks people none of whom are there when nobody has left.
    /// - Parameter file: how the command to reproduce a finding names the script.
    public static func run(_ main: ExerciseSource, library: [ExerciseSource], file: String) -> [ScriptDiagnostic] {
        let id = main.fileName.hasSuffix(".lua") ? String(main.fileName.dropLast(4)) : main.fileName
        for room in rooms {
            let reproduce =
                "see it with: kraftfelt rehearse \(file) --participants \(room.people) --areas \(room.areas) "
                + "--seed \(room.seed)"
            func finding(_ message: String) -> [ScriptDiagnostic] {
                [ScriptDiagnostic(.error, line: nil, column: nil, "\(room.description): \(message)", hint: reproduce)]
            }
            let session: Session
            do {
                let definition = SessionDefinition(main: main, library: library, seed: room.seed)
                session = try Rehearsal(definition: definition, participants: room.people, areas: room.areas).run(
                    exercise: id)
            } catch {
                return finding("\(error)")
            }
            if case .failed(let error) = session.state {
                if error.message == Rehearsal.giveUpReason {
                    return finding(
                        "it never finishes: after 24 hours of session time the script still waits "
                            + "(a loop around s:timer or s:ask that never ends?)")
                }
                return finding(error.message)
            }
            if let asked = askOfNobody(session.transcript.lines) {
                return finding("asks someone who is not there: \(asked)")
            }
        }
        return []
    }

    /// The question a script put to people of whom none was there, although nobody had
    /// left yet: people who never were (an id made up, a person kept from another session).
    static func askOfNobody(_ lines: [String]) -> String? {
        var someoneLeft = false
        var lastAsk: String? = nil
        for line in lines {
            let text = line.drop { $0 != "]" }.dropFirst(2)
            if text.hasSuffix(" left") { someoneLeft = true }
            if text.hasPrefix("ask ") { lastAsk = String(text) }
            if text == "nobody to ask", !someoneLeft, let ask = lastAsk, !ask.hasPrefix("ask everyone") {
                return ask
            }
        }
        return nil
    }
}
