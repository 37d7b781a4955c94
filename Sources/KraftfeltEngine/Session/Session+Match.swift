import Foundation
import KraftfeltLua

extension Session {
    /// Pairs each question with a helper: an optimal assignment over the whole room.
    func match(_ call: HostCall) throws -> HostResult {
        guard case .table(let answers) = try call.value(1) else {
            throw HostError("'answers' must be what s:ask returned")
        }
        let options = try call.value(2).tableValue ?? LuaTable()
        let rule = options["helper"].text ?? "other-area"
        guard rule == "other-area" || rule == "anyone" else {
            throw HostError("'helper' must be \"other-area\" or \"anyone\", got \(describe(options["helper"]))")
        }
        let allAskers: [(who: Participant, question: String)] = answers.array.compactMap { answer in
            guard let table = answer.tableValue, let id = table["who"].tableValue?["id"].text,
                let index = participantIndex[id]
            else { return nil }
            return (participants[index], table["value"].text ?? "")
        }
        // Each person asks once (the first of their answers counts), and only people here ask.
        var asked: Set<String> = []
        let askers = allAskers.filter { present.contains($0.who.id) && asked.insert($0.who.id).inserted }
        let helpers = presentParticipants
        guard !askers.isEmpty, helpers.count >= 2 else {
            note("match: too few people to pair")
            return .value(.table(LuaTable()))
        }
        let areas = Set(helpers.map(\.area))
        var rng = SeededGenerator(seed: definition.seed, stream: "match#\(nextID)")
        let sameArea = 1_000.0
        let samePerson = 1_000_000.0
        var costs = [Double](repeating: 0, count: askers.count * helpers.count)
        let strengths = helpers.map { Self.words($0.strengths.joined(separator: " ")) }
        let questions = askers.map { Self.words($0.question) }
        for (row, asker) in askers.enumerated() {
            let words = questions[row]
            for (column, helper) in helpers.enumerated() {
                var cost = -10 * Double(words.intersection(strengths[column]).count)
                if helper.id == asker.who.id { cost += samePerson }
                if rule == "other-area" && helper.area == asker.who.area { cost += sameArea }
                cost += Double(rng.next() % 1000) / 1000  // seeded tie-break
                costs[row * helpers.count + column] = cost
            }
        }
        let (columnForRow, _) = Assignment.solve(costs: costs, rows: askers.count, columns: helpers.count)
        var pairs: [LuaValue] = []
        var lines: [String] = []
        var within = 0
        for (row, column) in columnForRow.enumerated() {
            guard let column, helpers[column].id != askers[row].who.id else { continue }
            let asker = askers[row].who
            let helper = helpers[column]
            let score = questions[row].intersection(strengths[column]).count
            let across = asker.area != helper.area
            if !across { within += 1 }
            pairs.append(
                .table(
                    LuaTable([
                        "asker": record(of: asker.id), "helper": record(of: helper.id),
                        "question": .string(askers[row].question), "score": .integer(Int64(score)),
                        "across": .boolean(across),
                    ])))
            lines.append(
                "  \(asker.name) (\(asker.area)) → \(helper.name) (\(helper.area))"
                    + (score > 0 ? ", fit \(score)" : ""))
        }
        var summary = "match: \(pairs.count) pairs, \(pairs.count - within) across areas"
        if areas.count == 1 && rule == "other-area" {
            summary += " (everyone is from \(areas.first!): no other area to match with)"
        } else if within > 0 {
            summary += " (\(within) within an area: no helper from another area was free)"
        }
        note(([summary] + lines).joined(separator: "\n"))
        return .value(.table(LuaTable(array: pairs)))
    }

    /// Lowercased words of three letters or more, for matching questions to strengths.
    static func words(_ text: String) -> Set<String> {
        Set(text.lowercased().split { !$0.isLetter }.filter { $0.count >= 3 }.map(String.init))
    }
}
