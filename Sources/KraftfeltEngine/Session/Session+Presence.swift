import KraftfeltLua

/// People who come and go while groups run: a group knows who of its members is here now,
/// turns skip people who left, and a late joiner is placed into a group.
extension Session {
    /// The group thread a handle stands for (`g`), or nil for the session's `s`.
    func group(of handle: LuaValue) -> Int? {
        guard let everyone = handle.tableValue?["everyone"].tableValue, everyone["kind"] == "group",
            let id = everyone["group"].integerValue, groupMembers[Int(id)] != nil
        else { return nil }
        return Int(id)
    }

    /// A group's members who are here now, in the group's order.
    func presentMembers(of group: Int) -> [String] {
        (groupMembers[group] ?? []).filter { present.contains($0) }
    }

    /// `s:participants()`: the people here now; `g:participants()`: the group's.
    func participantsHere(_ call: HostCall) throws -> HostResult {
        let ids = group(of: try call.value(0)).map(presentMembers(of:)) ?? presentParticipants.map(\.id)
        return .value(.table(LuaTable(array: ids.map { record(of: $0) })))
    }

    /// Places someone who joins while groups run into the group of the newest
    /// `s:each_group` with the fewest people here (the first of those), so the group's next
    /// step includes them. Someone who comes back goes back to their own group.
    func placeLateJoiner(_ id: String) {
        guard state == .running, !inLobby, groupThreadOf[id] == nil else { return }
        let flows = threads.keys.filter { threads[$0]?.group != nil && !isNestedFlow($0) }.sorted()
        if let own = flows.first(where: { groupMembers[$0]?.contains(id) == true }) {
            groupThreadOf[id] = own
            return
        }
        guard let newest = flows.compactMap({ threads[$0]?.parent }).max() else { return }
        let all = flows.filter { threads[$0]?.parent == newest }
        // Not into a group whose people all left or joined others, while there is another.
        let peopled = all.filter { !presentMembers(of: $0).isEmpty }
        let siblings = peopled.isEmpty ? all : peopled
        guard let smallest = siblings.min(by: { presentMembers(of: $0).count < presentMembers(of: $1).count }) else {
            return
        }
        groupMembers[smallest, default: []].append(id)
        groupThreadOf[id] = smallest
        touchedParticipants?.formUnion(groupMembers[smallest] ?? [])
        note("\(name(of: id)) joined the group", thread: smallest)
    }

    /// At a group's next step (a question, a timer, a turn): when fewer of its people are
    /// here than its minimum, each of them joins the group of the same `s:each_group` with
    /// the fewest people here (the first of those), whose next step includes them. The
    /// group then has nobody here, so its flow runs to its end at once: its questions ask
    /// nobody, its timers pass and its turns are done; it returns what it returns.
    func joinOthersIfShrunk() {
        guard let id = runningThread, let group = threads[id]?.group, let minimum = groupMinimum[group] else { return }
        let here = presentMembers(of: group)
        guard !here.isEmpty, here.count < minimum else { return }
        let parent = threads[id]?.parent
        let siblings = threads.keys.sorted().filter {
            $0 != id && threads[$0]?.group != nil && threads[$0]?.parent == parent && !presentMembers(of: $0).isEmpty
        }
        guard !siblings.isEmpty else { return }
        // The group's roles end with it (of those who left, too).
        let roled = (groupMembers[group] ?? []).filter { roles[$0] != nil }
        for person in roled { roles.removeValue(forKey: person) }
        excuse(roled, false)
        var moves: [String] = []
        for person in here {
            let target = siblings.min {
                (presentMembers(of: $0).count, groupIndex[$0] ?? 0) < (
                    presentMembers(of: $1).count, groupIndex[$1] ?? 0
                )
            }!
            groupMembers[target, default: []].append(person)
            groupThreadOf[person] = target
            // Someone who had the turn in their old group does not have it again.
            if turnState[group]?.had.contains(person) == true { turnState[target]?.had.insert(person) }
            moves.append("\(name(of: person)) to group \(groupIndex[target] ?? 0)")
            note("\(name(of: person)) joined from group \(groupIndex[group] ?? 0)", thread: target)
        }
        groupMembers[group]?.removeAll { here.contains($0) }
        movedAway[group, default: []].formUnion(here)
        note("\(here.count) here, fewer than \(minimum): they join other groups: " + moves.joined(separator: ", "))
    }

    /// In a group's flow, the people given without those who have left the group for
    /// another one since (when it shrank): a question or a role from the flow, which may have
    /// planned them in its rounds, does not reach them there, and the transcript says so.
    func notMovedAway(_ ids: [String], _ outcome: String) -> [String] {
        guard let id = runningThread, let group = threads[id]?.group, let moved = movedAway[group] else { return ids }
        let elsewhere = ids.filter { moved.contains($0) }
        guard !elsewhere.isEmpty else { return ids }
        let names = elsewhere.map(name(of:)).joined(separator: ", ")
        note("\(names) \(elsewhere.count == 1 ? "is" : "are") in another group now: \(outcome)")
        return ids.filter { !moved.contains($0) }
    }

    /// True in a group's flow when nobody of the group is here: its timers pass at once.
    func nobodyOfTheGroupHere() -> Bool {
        guard let id = runningThread, let group = threads[id]?.group else { return false }
        return presentMembers(of: group).isEmpty
    }

    /// True for a group flow started inside another group's flow (sub-groups).
    private func isNestedFlow(_ id: Int) -> Bool {
        guard let parent = threads[id]?.parent else { return false }
        return threads[parent]?.group != nil
    }

    /// `g:turns(options)`: the iterator over the group's turns, for
    /// `for focus, others in g:turns() do … end`.
    func turns(_ call: HostCall) throws -> HostResult {
        let handle = try call.value(0)
        guard let group = group(of: handle) else {
            throw HostError("turns are a group's: call g:turns() in a flow of s:each_group")
        }
        let options = try call.value(1).tableValue ?? LuaTable()
        try checkOptions(options, HostOptions.turns)
        let focus = options["focus"] == .nil ? nil : label(options["focus"])
        let others = options["others"] == .nil ? nil : label(options["others"])
        for (name, role) in [("focus", focus), ("others", others)] {
            if let role, role.isEmpty || role.utf8.count > SessionLimits.roleBytes {
                throw HostError("'\(name)' must be a role of 1 to \(SessionLimits.roleBytes) bytes")
            }
        }
        turnState[group] = TurnState(focusRole: focus, othersRole: others)
        return .values([.function(try turnIterator()), handle])
    }

    /// `g:next_turn()`: the next member here who has not had the turn, and the others
    /// here; nothing once everyone here has had it. Members who left before their turn
    /// are skipped, and the transcript says so.
    func nextTurn(_ call: HostCall) throws -> HostResult {
        guard let group = group(of: try call.value(0)) else {
            throw HostError("turns are a group's: call g:next_turn() in a flow of s:each_group")
        }
        joinOthersIfShrunk()
        var state = turnState[group] ?? TurnState(focusRole: nil, othersRole: nil)
        defer { turnState[group] = state }
        let members = groupMembers[group] ?? []
        for id in members where !state.had.contains(id) && !present.contains(id) && !state.skipped.contains(id) {
            state.skipped.insert(id)
            note("\(name(of: id)) has left: no turn")
        }
        let here = presentMembers(of: group)
        guard let focus = here.first(where: { !state.had.contains($0) }) else {
            let roled = members.filter { roles[$0] != nil }
            if state.focusRole != nil || state.othersRole != nil, !roled.isEmpty {
                for id in roled { roles.removeValue(forKey: id) }
                excuse(roled, false)
            }
            note("turns done: \(state.had.count) of \(members.count) had the turn")
            return .values([.nil])
        }
        state.had.insert(focus)
        let others = here.filter { $0 != focus }
        state.turn += 1
        // With roles: `turn 2: Bo (Client); with Anne, Cecilie (Consultant)`.
        let focusRole = state.focusRole.map { " (\($0))" } ?? ""
        let othersRole = state.othersRole.flatMap { others.isEmpty ? nil : " (\($0))" } ?? ""
        note(
            "turn \(state.turn): \(name(of: focus))\(focusRole); with "
                + others.map(name(of:)).joined(separator: ", ") + othersRole)
        if let role = state.focusRole { assign(RoleView(name: role, listenOnly: false), to: [focus]) }
        if let role = state.othersRole { assign(RoleView(name: role, listenOnly: false), to: others) }
        return .values([record(of: focus), .table(LuaTable(array: others.map { record(of: $0) }))])
    }

    private func assign(_ role: RoleView, to ids: [String]) {
        for id in ids { roles[id] = role }
        excuse(ids, false)
    }

    /// The Lua function the generic `for` calls for the next turn: `g:next_turn()`.
    private func turnIterator() throws(HostError) -> LuaFunction {
        guard let turnStepper else { throw HostError("the turn iterator is missing") }
        return turnStepper
    }

    /// Makes the turn iterator, once per session (before any script runs).
    static func makeTurnStepper(_ vm: LuaVM) throws -> LuaFunction? {
        let chunk = try vm.load("return function(g) return g:next_turn() end", chunkName: "=turns")
        guard case .function(let function) = try vm.call(chunk).first else { return nil }
        return function
    }
}

/// Who of a group has had the turn, and the roles each turn gives.
struct TurnState {
    let focusRole: String?
    let othersRole: String?
    var had: Set<String> = []
    var skipped: Set<String> = []
    var turn = 0
}
