import KraftfeltLua

extension Session {
    /// `s:rotations{ rounds = 3 }`: Impromptu Networking's rounds of pairs.
    func rotations(_ call: HostCall) throws -> HostResult {
        let options = try call.value(1).tableValue ?? LuaTable()
        try checkOptions(options, HostOptions.rotations)
        let limit = SessionLimits.rotationRounds
        let rounds = options["rounds"] == .nil ? 3 : options["rounds"].integerValue ?? -1
        guard (1...Int64(limit)).contains(rounds) else {
            throw HostError(
                "'rounds' must be a number of rounds from 1 to \(limit), got \(describe(options["rounds"]))")
        }
        let members = presentParticipants.compactMap { p in
            participantIndex[p.id].map { GroupMember(id: $0, area: p.area) }
        }
        guard Int(rounds) * members.count <= SessionLimits.rotationPlaces else {
            throw HostError(
                "\(rounds) rounds for \(members.count) people is more than \(SessionLimits.rotationPlaces) places "
                    + "in all; ask for at most \(SessionLimits.rotationPlaces / max(1, members.count)) rounds")
        }
        var rng = SeededGenerator(seed: definition.seed, stream: "rotations#\(nextID)")
        let plan = GroupPlanner.rotations(members, rounds: Int(rounds), using: &rng)
        try rememberMeetings(in: plan.flatMap { $0 })
        var lines = "\(plan.count) rounds of pairs"
        let tables = plan.enumerated().map { number, round -> LuaValue in
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
                                "min": .integer(2),
                            ]))
                    }))
        }
        note(lines)
        return .value(.table(LuaTable(array: tables)))
    }

    /// `s:roles(group, { "client", "consultant" })`: who has which role in each round.
    func roles(_ call: HostCall) throws -> HostResult {
        let group = try call.value(1).tableValue ?? LuaTable()
        let ids = ids(in: group["members"]).filter { participantIndex[$0] != nil }
        guard !ids.isEmpty else { throw HostError("'group' must be one of the groups s:groups returned") }
        guard ids.count <= SessionLimits.roleMembers else {
            throw HostError("a group for s:roles has at most \(SessionLimits.roleMembers) members, got \(ids.count)")
        }
        let names = try roleNames(try call.value(2))
        let rounds = call.isNil(3) ? Int64(ids.count) : try call.integer(3)
        guard (1...Int64(SessionLimits.roleRounds)).contains(rounds) else {
            throw HostError("'rounds' must be from 1 to \(SessionLimits.roleRounds), got \(rounds)")
        }
        let indices = ids.compactMap { participantIndex[$0] }
        let plan = GroupPlanner.roles(for: indices, roles: names, rounds: Int(rounds))
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

    /// Role names: 1 to ``SessionLimits/roles`` different texts of at most
    /// ``SessionLimits/roleBytes`` bytes.
    private func roleNames(_ value: LuaValue) throws(HostError) -> [String] {
        let usage = "'roles' must be a list of different role names, like { \"client\", \"consultant\" }"
        guard case .table(let list) = value, !list.array.isEmpty, list.fields.isEmpty else { throw HostError(usage) }
        guard list.array.count <= SessionLimits.roles else {
            throw HostError("'roles' can have at most \(SessionLimits.roles) role names, got \(list.array.count)")
        }
        var names: [String] = []
        for (offset, item) in list.array.enumerated() {
            guard let name = item.text, !name.isEmpty, name.utf8.count <= SessionLimits.roleBytes else {
                throw HostError(
                    "role \(offset + 1) of 'roles' must be a name of 1 to \(SessionLimits.roleBytes) bytes, "
                        + "got \(describe(item))")
            }
            names.append(name)
        }
        guard Set(names).count == names.count else { throw HostError(usage) }
        return names
    }
}
