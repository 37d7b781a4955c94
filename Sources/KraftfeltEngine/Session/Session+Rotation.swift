import KraftfeltLua

extension Session {
    /// `s:rotations{ rounds = 3 }`: Impromptu Networking's rounds of pairs.
    func rotations(_ call: HostCall) throws -> HostResult {
        let options = try call.value(1).tableValue ?? LuaTable()
        let rounds = options["rounds"] == .nil ? 3 : options["rounds"].integerValue ?? -1
        guard (1...50).contains(rounds) else {
            throw HostError("'rounds' must be a number of rounds from 1 to 50, got \(describe(options["rounds"]))")
        }
        let members = presentParticipants.map { GroupMember(id: participantIndex[$0.id]!, area: $0.area) }
        var rng = SeededGenerator(seed: definition.seed, stream: "rotations#\(nextID)")
        let plan = GroupPlanner.rotations(members, rounds: Int(rounds), using: &rng)
        var lines = "\(plan.count) rounds of pairs"
        let tables = plan.enumerated().map { number, round -> LuaValue in
            for group in round {
                for (i, a) in group.enumerated() { for b in group[(i + 1)...] { pairHistory.insert(MemberPair(a, b)) } }
            }
            lines +=
                "\n  round \(number + 1): "
                + round.map { $0.map { participants[$0].name }.joined(separator: " + ") }.joined(separator: ", ")
            return .table(
                LuaTable(
                    array: round.enumerated().map { offset, group in
                        .table(
                            LuaTable([
                                "index": .integer(Int64(offset + 1)),
                                "members": .table(LuaTable(array: group.map { record(of: participants[$0].id) })),
                            ]))
                    }))
        }
        note(lines)
        return .value(.table(LuaTable(array: tables)))
    }

    /// `s:roles(group, { "client", "consultant" })`: who has which role in each round.
    func roles(_ call: HostCall) throws -> HostResult {
        let group = try call.value(1).tableValue ?? LuaTable()
        let ids = ids(in: group["members"])
        guard !ids.isEmpty else { throw HostError("'group' must be one of the groups s:groups returned") }
        guard ids.count <= 50 else { throw HostError("a group for s:roles has at most 50 members, got \(ids.count)") }
        let names = try call.value(2).tableValue?.array.compactMap(\.text) ?? []
        guard !names.isEmpty, Set(names).count == names.count else {
            throw HostError("'roles' must be a list of different role names, like { \"client\", \"consultant\" }")
        }
        let rounds = call.isNil(3) ? ids.count : Int(try call.integer(3))
        guard (1...50).contains(rounds) else { throw HostError("'rounds' must be from 1 to 50, got \(rounds)") }
        let indices = ids.compactMap { participantIndex[$0] }
        let plan = GroupPlanner.roles(for: indices, roles: names, rounds: rounds)
        let tables = plan.map { round -> LuaValue in
            .table(
                LuaTable(
                    fields: names.map { role in
                        LuaTable.Field(
                            .string(role),
                            .table(LuaTable(array: (round[role] ?? []).map { record(of: participants[$0].id) })))
                    }))
        }
        return .value(.table(LuaTable(array: tables)))
    }
}
