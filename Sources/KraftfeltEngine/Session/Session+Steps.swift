import Foundation
import KraftfeltLua

extension Session {
    func ask(_ call: HostCall) throws -> HostResult {
        let (audience, everyone) = try parseAudience(try call.value(1))
        let question = try parseQuestion(try call.value(2).tableValue ?? LuaTable())
        var end: Int64? = nil
        if let time = question.time { end = try deadline(in: time, for: "a question's time limit") }
        let id = newID()
        var ask = OpenAsk(
            thread: runningThread ?? 0, exercise: current?.id ?? "", question: question,
            audience: audience.filter { present.contains($0) }, everyone: everyone)
        let who = everyone ? "everyone" : "\(ask.audience.count) \(ask.audience.count == 1 ? "person" : "people")"
        let time = question.time.map { ", \(DurationText.format($0))" } ?? ""
        note(
            "ask \(who) (\(question.kind.rawValue)\(time)): \(question.prompt[definition.language] ?? "")")
        guard !ask.audience.isEmpty else {
            note("nobody to ask")
            return .value(.table(LuaTable()))
        }
        if let end {
            let timer = newID()
            timers[timer] = RunningTimer(deadline: end, thread: nil, ask: id, label: "")
            ask.timer = timer
        }
        asks[id] = ask
        askRevision += 1
        return .suspend(RunningThread.Wait.ask(id))
    }

    /// Participant ids from `s.everyone`, `g.everyone`, a person, or a list of people.
    func parseAudience(_ value: LuaValue) throws(HostError) -> (ids: [String], everyone: Bool) {
        guard case .table(let table) = value else {
            throw HostError("'audience' must be s.everyone, a group's g.everyone, a person or a list of people")
        }
        switch table["kind"].text {
        case "everyone": return (presentParticipants.map(\.id), true)
        case "group": return (ids(in: table["members"]), false)
        default:
            if let id = table["id"].text { return ([id], false) }
            if !table.array.isEmpty && table.array.allSatisfy({ $0.tableValue?["id"].text != nil }) {
                return (ids(in: value), false)
            }
            throw HostError("'audience' must be s.everyone, a group's g.everyone, a person or a list of people")
        }
    }

    /// The people in a list, once each, in the list's order.
    func ids(in list: LuaValue) -> [String] {
        var seen: Set<String> = []
        return (list.tableValue?.array.compactMap { $0.tableValue?["id"].text } ?? []).filter {
            seen.insert($0).inserted
        }
    }

    func groups(_ call: HostCall) throws -> HostResult {
        let options = try call.value(1).tableValue ?? LuaTable()
        var size = 2...4
        switch options["size"] {
        case .nil: break
        case .integer(let n) where n >= 1 && n <= 50: size = Int(n)...Int(n)
        case .string(let s):
            let parts = s.description.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, parts[0] >= 1, parts[0] <= parts[1], parts[1] <= 50 else {
                throw HostError("'size' must be like \"2-4\" or a number, got \(describe(options["size"]))")
            }
            size = parts[0]...parts[1]
        default: throw HostError("'size' must be like \"2-4\" or a number, got \(describe(options["size"]))")
        }
        let mixing: GroupMixing
        switch options["mix"].text ?? "areas" {
        case "areas": mixing = .acrossAreas
        case "same-area": mixing = .withinArea
        case "random": mixing = .random
        default:
            throw HostError("'mix' must be \"areas\", \"same-area\" or \"random\", got \(describe(options["mix"]))")
        }
        let avoidRepeats = options["avoid_repeats"] != .boolean(false)
        let people = presentParticipants
        let members = people.map { GroupMember(id: participantIndex[$0.id]!, area: $0.area) }
        var rng = SeededGenerator(seed: definition.seed, stream: "groups#\(nextID)")
        let target = options["target"].integerValue.map(Int.init) ?? (size.lowerBound + size.upperBound + 1) / 2
        let plan = GroupPlanner.plan(
            members, size: size, target: min(max(target, size.lowerBound), size.upperBound), mixing: mixing,
            avoid: avoidRepeats ? pairHistory : [], using: &rng)
        for group in plan.groups {
            for (i, a) in group.enumerated() { for b in group[(i + 1)...] { pairHistory.insert(MemberPair(a, b)) } }
        }
        let tables = plan.groups.enumerated().map { offset, group -> LuaValue in
            .table(
                LuaTable([
                    "index": .integer(Int64(offset + 1)),
                    "members": .table(LuaTable(array: group.map { record(of: participants[$0].id) })),
                ]))
        }
        var lines = "\(plan.groups.count) groups"
        if plan.repeatedPairs > 0 { lines += " (\(plan.repeatedPairs) pairs met before)" }
        for (offset, group) in plan.groups.enumerated() {
            let names = group.map { "\(participants[$0].name) (\(participants[$0].area))" }
            lines += "\n  group \(offset + 1): " + names.joined(separator: ", ")
        }
        note(lines)
        return .value(.table(LuaTable(array: tables)))
    }

    func eachGroup(_ call: HostCall) throws -> HostResult {
        guard case .table(let list) = try call.value(1), !list.array.isEmpty else {
            throw HostError("'groups' must be the list s:groups returned")
        }
        guard case .function(let flow) = try call.value(2) else { throw HostError("'flow' must be a function(g)") }
        guard let parent = runningThread else { throw HostError("no running flow") }
        var children: Set<Int> = []
        for (offset, group) in list.array.enumerated() {
            let members = ids(in: group.tableValue?["members"] ?? .nil)
            let thread: ScriptThread
            do { thread = try vm.spawn(flow) } catch { throw HostError(error.message) }
            let id = newID()
            groupMembers[id] = members
            groupIndex[id] = offset + 1
            threads[id] = RunningThread(thread: thread, parent: parent, group: id)
            children.insert(id)
        }
        return .suspend(RunningThread.Wait.children(remaining: children, results: [:]))
    }
}
