import Foundation
import KraftfeltLua

extension Session {
    /// Pairs each question with a helper: an optimal assignment over the whole room.
    func match(_ call: HostCall) throws -> HostResult {
        guard case .table(let answers) = try call.value(1) else {
            throw HostError("'answers' must be what s:ask returned")
        }
        let options = try call.value(2).tableValue ?? LuaTable()
        try checkOptions(options, HostOptions.match)
        let rule = options["helper"] == .nil ? "other-area" : options["helper"].text
        guard rule == "other-area" || rule == "anyone" else {
            throw HostError("'helper' must be \"other-area\" or \"anyone\", got \(describe(options["helper"]))")
        }
        var allAskers: [(who: Participant, question: String)] = []
        for (offset, answer) in answers.array.enumerated() {
            guard let table = answer.tableValue, let id = table["who"].tableValue?["id"].text,
                let index = participantIndex[id]
            else { continue }
            let question = table["value"].text ?? ""
            guard question.utf8.count <= SessionLimits.matchQuestionBytes else {
                throw HostError(
                    "the question of answer \(offset + 1) of 'answers' has \(question.utf8.count) bytes; "
                        + "the limit is \(SessionLimits.matchQuestionBytes)")
            }
            allAskers.append((participants[index], question))
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
        let strengths = helpers.map { Self.words($0.strengths.joined(separator: " ")) }
        let questions = askers.map { Self.words($0.question) }
        // Rooms up to a thousand people are matched as a whole (an optimal assignment);
        // larger rooms in shuffled blocks of about 500, each optimal, so the work stays
        // near-linear in the room's size.
        var blocks: [[Int]] = [Array(helpers.indices)]
        if helpers.count > Self.largestOptimalRoom {
            let shuffled = Array(helpers.indices).shuffled(using: &rng)
            let count = (helpers.count + 499) / 500
            blocks = (0..<count).map { b in stride(from: b, to: shuffled.count, by: count).map { shuffled[$0] } }
        }
        let helperIndex = Dictionary(uniqueKeysWithValues: helpers.enumerated().map { ($1.id, $0) })
        var helperOfAsker = [Int?](repeating: nil, count: askers.count)
        for block in blocks {
            let inBlock = Set(block)
            let rows = askers.indices.filter { helperIndex[askers[$0].who.id].map(inBlock.contains) ?? false }
            guard !rows.isEmpty else { continue }
            var costs = [Double](repeating: 0, count: rows.count * block.count)
            for (r, row) in rows.enumerated() {
                for (c, column) in block.enumerated() {
                    let helper = helpers[column]
                    var cost = -10 * Double(questions[row].intersection(strengths[column]).count)
                    if helper.id == askers[row].who.id { cost += 1_000_000 }
                    if rule == "other-area" && helper.area == askers[row].who.area { cost += 1_000 }
                    cost += Double(rng.next() % 1000) / 1000  // seeded tie-break
                    costs[r * block.count + c] = cost
                }
            }
            let (columnForRow, _) = Assignment.solve(costs: costs, rows: rows.count, columns: block.count)
            for (r, column) in columnForRow.enumerated() { helperOfAsker[rows[r]] = column.map { block[$0] } }
        }
        var pairs: [LuaValue] = []
        var refs: [PairRef] = []
        var lines: [String] = []
        var within = 0
        for (row, column) in helperOfAsker.enumerated() {
            guard let column, helpers[column].id != askers[row].who.id else { continue }
            let asker = askers[row].who
            let helper = helpers[column]
            let score = questions[row].intersection(strengths[column]).count
            let across = asker.area != helper.area
            if !across { within += 1 }
            refs.append(
                PairRef(
                    asker: PersonRef(id: asker.id, name: asker.name, area: asker.area),
                    helper: PersonRef(id: helper.id, name: helper.name, area: helper.area),
                    question: Self.clip(askers[row].question), across: across))
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
            summary += " (everyone is from \(areas.first ?? ""): no other area to match with)"
        } else if within > 0 {
            summary += " (\(within) within an area: no helper from another area was free)"
        }
        note(([summary] + lines).joined(separator: "\n"))
        latestPairs = refs
        pairsOf = [:]
        for (offset, pair) in refs.enumerated() {
            pairsOf[pair.asker.id, default: []].append(offset)
            pairsOf[pair.helper.id, default: []].append(offset)
        }
        return .value(.table(LuaTable(array: pairs)))
    }

    /// Above this many people, matching runs in blocks (see ``match(_:)``).
    static let largestOptimalRoom = 1000

    /// Lowercased words of three letters or more, for matching questions to strengths.
    static func words(_ text: String) -> Set<String> {
        Set(text.lowercased().split { !$0.isLetter }.filter { $0.count >= 3 }.map(String.init))
    }
}
