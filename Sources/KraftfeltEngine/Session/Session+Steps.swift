import Foundation
import KraftfeltLua

extension Session {
    func ask(_ call: HostCall) throws -> HostResult {
        joinOthersIfShrunk()
        let (given, everyone) = try parseAudience(try call.value(1))
        let audience = notMovedAway(given.filter { present.contains($0) }, "not asked")
        let question = try parseQuestion(try call.value(2).tableValue ?? LuaTable())
        var end: Int64? = nil
        if let time = question.time { end = try deadline(in: time, for: "a question's time limit") }
        let id = newID()
        var ask = OpenAsk(
            thread: runningThread ?? 0, exercise: current?.id ?? "", question: question,
            audience: audience.filter { present.contains($0) && !listensOnly($0) }, everyone: everyone)
        // A few people by name, so the transcript says who was asked (a client, a spokesperson).
        let who =
            everyone
            ? "everyone"
            : (1...3).contains(ask.audience.count)
                ? ask.audience.map(name(of:)).joined(separator: ", ")
                : "\(ask.audience.count) people"
        let time = question.time.map { ", \(DurationText.format($0))" } ?? ""
        let offered = question.options.isEmpty ? "" : " [" + question.options.joined(separator: " | ") + "]"
        let prompt = question.prompt[definition.language] ?? question.prompt["da"] ?? question.prompt["en"] ?? ""
        note(Self.clip("ask \(who) (\(question.kind.rawValue)\(time)): \(prompt)\(offered)"))
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
        askIDs.append(id)  // ids grow, so the list stays in order
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
        case "group":
            // Whoever is in the group now (a late joiner too); ask and roles skip who left.
            if let group = table["group"].integerValue, let members = groupMembers[Int(group)] {
                return (members, false)
            }
            return (ids(in: table["members"] == .nil ? value : table["members"]), false)
        default:
            if let id = table["id"].text { return ([id], false) }
            // An empty list (the others of a turn in a group of one): nobody.
            if table.array.isEmpty && table.fields.isEmpty { return ([], false) }
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

    /// `s:groups { size = "2-4", mix = "areas" }`: the people here in groups.
    func groups(_ call: HostCall) throws -> HostResult {
        let options = try call.value(1).tableValue ?? LuaTable()
        try checkOptions(options, HostOptions.groups)
        let size = try groupSize(options["size"])
        let mixing: GroupMixing
        switch options["mix"] {
        case .nil, "areas": mixing = .acrossAreas
        case "same-area": mixing = .withinArea
        case "random": mixing = .random
        default:
            throw HostError("'mix' must be \"areas\", \"same-area\" or \"random\", got \(describe(options["mix"]))")
        }
        switch options["avoid_repeats"] {
        case .nil, .boolean: break
        default:
            throw HostError("'avoid_repeats' must be true or false, got \(describe(options["avoid_repeats"]))")
        }
        let avoidRepeats = options["avoid_repeats"] != .boolean(false)
        var target = (size.lowerBound + size.upperBound + 1) / 2
        if options["target"] != .nil {
            guard let given = options["target"].integerValue else {
                throw HostError("'target' must be a whole number of people, got \(describe(options["target"]))")
            }
            target = Int(clamping: given)
        }
        // The fewest people a group may shrink to: by default a person left alone joins others.
        var minimum = min(2, size.lowerBound)
        if options["min"] != .nil {
            guard let given = options["min"].integerValue, (1...size.upperBound).contains(Int(clamping: given)) else {
                throw HostError(
                    "'min' must be a whole number from 1 to the largest size (\(size.upperBound)), "
                        + "got \(describe(options["min"]))")
            }
            minimum = Int(given)
        }
        let pool = try groupPool(options["from"], handle: try call.value(0))
        let members = pool.compactMap { id in
            participantIndex[id].map { GroupMember(id: $0, area: participants[$0].area) }
        }
        var rng = SeededGenerator(seed: definition.seed, stream: "groups#\(nextID)")
        let plan = GroupPlanner.plan(
            members, size: size, target: min(max(target, size.lowerBound), size.upperBound), mixing: mixing,
            avoid: avoidRepeats ? pairHistory : [], using: &rng)
        try rememberMeetings(in: plan.groups)
        let tables = plan.groups.enumerated().map { offset, group -> LuaValue in
            .table(
                LuaTable([
                    "index": .integer(Int64(offset + 1)),
                    "members": .table(LuaTable(array: group.map { record(of: participants[$0].id) })),
                    "min": .integer(Int64(minimum)),
                ]))
        }
        var lines = "\(plan.groups.count) groups"
        let ofHandle = group(of: try call.value(0)) != nil
        if options["from"] != .nil || ofHandle {
            lines += " of \(pool.count) " + (pool.count == 1 ? "person" : "people")
        }
        if plan.repeatedPairs > 0 { lines += " (\(plan.repeatedPairs) pairs met before)" }
        for (offset, group) in plan.groups.enumerated() {
            let names = group.map { "\(participants[$0].name) (\(participants[$0].area))" }
            lines += "\n  group \(offset + 1): " + names.joined(separator: ", ")
        }
        note(lines)
        return .value(.table(LuaTable(array: tables)))
    }

    /// Who `s:groups` groups: the people here, or in a group's flow (`g:groups`) the group's
    /// members here, or those here of `from`: a group (`g`, a group from `s:groups`) or a list
    /// of people. Splitting a group and sub-groups inside a group's flow are this.
    private func groupPool(_ from: LuaValue, handle: LuaValue) throws(HostError) -> [String] {
        let ids: [String]
        if from == .nil {
            ids = group(of: handle).map(presentMembers(of:)) ?? presentParticipants.map(\.id)
        } else if let group = group(of: from) {
            ids = presentMembers(of: group)
        } else if from.tableValue?["kind"] == "group" {
            ids = try parseAudience(from).ids
        } else {
            let list = from.tableValue?["members"].tableValue ?? from.tableValue
            guard let list, !list.array.isEmpty, list.array.allSatisfy({ $0.tableValue?["id"].text != nil }) else {
                throw HostError(
                    "'from' must be a group (g, or one of the groups s:groups returned) or a list of people, "
                        + "got \(describe(from))")
            }
            ids = try groupMembers(.table(list), number: 1)
        }
        return ids.filter { present.contains($0) }
    }

    /// `size = "2-4"` or `size = 3`: from 1 to ``SessionLimits/groupSize``.
    private func groupSize(_ value: LuaValue) throws(HostError) -> ClosedRange<Int> {
        let limit = SessionLimits.groupSize
        var bounds: [Int]
        switch value {
        case .nil: return 2...4
        case .integer, .number:
            guard let n = value.integerValue else {
                throw HostError("'size' must be like \"2-4\" or a number, got \(describe(value))")
            }
            bounds = [Int(clamping: n), Int(clamping: n)]
        case .string(let s):
            let parts = s.description.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let low = parts[0], let high = parts[1], low >= 1, low <= high else {
                throw HostError("'size' must be like \"2-4\" or a number, got \(describe(value))")
            }
            bounds = [low, high]
        default: throw HostError("'size' must be like \"2-4\" or a number, got \(describe(value))")
        }
        guard bounds[0] >= 1, bounds[1] <= limit else {
            throw HostError("'size' must be from 1 to \(limit) people, got \(describe(value))")
        }
        return bounds[0]...bounds[1]
    }

    /// Refuses option names a function does not take (a typo would otherwise be ignored).
    func checkOptions(_ options: LuaTable, _ table: HostOptionTable) throws(HostError) {
        try table.check(options)
    }

    /// Adds the pairs in `groups` to the people who have met, within
    /// ``SessionLimits/rememberedPairs``.
    func rememberMeetings(in groups: [[Int]]) throws(HostError) {
        var new: [MemberPair] = []
        for group in groups {
            for (i, a) in group.enumerated() {
                for b in group[(i + 1)...] where !pairHistory.contains(MemberPair(a, b)) {
                    new.append(MemberPair(a, b))
                }
            }
        }
        let total = pairHistory.count + Set(new).count
        guard total <= SessionLimits.rememberedPairs else {
            throw HostError(
                "the session can remember at most \(SessionLimits.rememberedPairs) pairs of people who met "
                    + "(for avoid_repeats); these groups would make it \(total)")
        }
        pairHistory.formUnion(new)
    }

    /// `s:each_group(groups, flow)`: the flow in every group at once.
    func eachGroup(_ call: HostCall) throws -> HostResult {
        guard case .table(let list) = try call.value(1), list.fields.isEmpty || !list.array.isEmpty else {
            throw HostError("'groups' must be the list s:groups returned, got \(describe(try call.value(1)))")
        }
        guard !list.array.isEmpty else {
            throw HostError("'groups' is an empty list: there are no groups to run (was anybody here to form them?)")
        }
        guard case .function(let flow) = try call.value(2) else { throw HostError("'flow' must be a function(g)") }
        guard let parent = runningThread else { throw HostError("no running flow") }
        let count = list.array.count
        guard count <= SessionLimits.groups else {
            throw HostError("'groups' can have at most \(SessionLimits.groups) groups, got \(count)")
        }
        guard count <= participants.count else {
            throw HostError(
                "'groups' can have at most one group for each person in the session (\(participants.count)), "
                    + "got \(count)")
        }
        var groupOf: [String: Int] = [:]
        var memberLists: [[String]] = []
        var minimums: [Int?] = []
        for (offset, group) in list.array.enumerated() {
            let members = try groupMembers(group, number: offset + 1)
            minimums.append(try minimum(of: group, number: offset + 1))
            for id in members {
                if let earlier = groupOf[id] {
                    throw HostError(
                        "\(name(of: id)) is in group \(earlier) and group \(offset + 1); a person can be in one group")
                }
                groupOf[id] = offset + 1
            }
            memberLists.append(members)
        }
        var children: Set<Int> = []
        for (offset, members) in memberLists.enumerated() {
            let thread: ScriptThread
            do { thread = try vm.spawn(flow) } catch { throw HostError(error.message) }
            let id = newID()
            groupMembers[id] = members
            groupIndex[id] = offset + 1
            // A group formed smaller than its minimum (too few people for the size) keeps
            // its size: it is joined to another only when it shrinks.
            groupMinimum[id] = minimums[offset].map { min($0, members.filter { present.contains($0) }.count) }
            for member in members { groupThreadOf[member] = id }
            threads[id] = RunningThread(thread: thread, parent: parent, group: id)
            children.insert(id)
        }
        return .suspend(RunningThread.Wait.children(remaining: children, results: [:]))
    }

    /// A group table's `min` (what `s:groups` gives it from `size`): a group with fewer
    /// people here joins another at its next step. Lists of people have none.
    private func minimum(of group: LuaValue, number: Int) throws(HostError) -> Int? {
        let value = group.tableValue?["min"] ?? .nil
        guard value != .nil else { return nil }
        guard let n = value.integerValue, (1...SessionLimits.groupSize).contains(Int(clamping: n)) else {
            throw HostError(
                "group \(number)'s 'min' must be a whole number from 1 to \(SessionLimits.groupSize), "
                    + "got \(describe(value))")
        }
        return Int(n)
    }

    /// The people of one group given to `s:each_group`: a group from `s:groups` (or
    /// `s:rotations`), or a list of people, all in this session.
    func groupMembers(_ group: LuaValue, number: Int) throws(HostError) -> [String] {
        let members = group.tableValue?["members"].tableValue ?? group.tableValue
        guard let people = members?.array, !people.isEmpty else {
            throw HostError(
                "group \(number) of 'groups' must be a group from s:groups or a list of people, got \(describe(group))")
        }
        var ids: [String] = []
        var seen: Set<String> = []
        for (offset, person) in people.enumerated() {
            guard let id = person.tableValue?["id"].text, participantIndex[id] != nil else {
                throw HostError(
                    "member \(offset + 1) of group \(number) of 'groups' is not a person in this session, "
                        + "got \(describe(person))")
            }
            if seen.insert(id).inserted { ids.append(id) }
        }
        return ids
    }
}
