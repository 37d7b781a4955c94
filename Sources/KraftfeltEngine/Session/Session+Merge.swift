import KraftfeltLua

extension Session {
    /// `s:merge(groups)`: every two groups become one, each kept together: 1-2-4-All's
    /// pairs into fours. Only people here count.
    func merge(_ call: HostCall) throws -> HostResult {
        guard case .table(let list) = try call.value(1), list.fields.isEmpty || !list.array.isEmpty else {
            throw HostError("'groups' must be a list of groups, like what s:groups returned")
        }
        guard !list.array.isEmpty else { throw HostError("'groups' is an empty list: there are no groups to merge") }
        guard list.array.count <= SessionLimits.groups else {
            throw HostError("'groups' can have at most \(SessionLimits.groups) groups, got \(list.array.count)")
        }
        var seen: Set<String> = []
        var units: [[String]] = []
        for (offset, group) in list.array.enumerated() {
            let members = try groupMembers(group, number: offset + 1)
            for id in members where !seen.insert(id).inserted {
                throw HostError("\(name(of: id)) is in two of the groups; a person can be in one group")
            }
            let here = members.filter { present.contains($0) }
            if !here.isEmpty { units.append(here) }
        }
        let merged = Self.mergedInTwos(units)
        let indices = merged.map { $0.compactMap { participantIndex[$0] } }
        try rememberMeetings(in: indices)
        var lines = "merged \(units.count) groups into \(merged.count)"
        for (offset, group) in merged.enumerated() {
            lines += "\n  group \(offset + 1): " + group.map { "\(name(of: $0))" }.joined(separator: ", ")
        }
        note(lines)
        let tables = merged.enumerated().map { offset, group -> LuaValue in
            .table(
                LuaTable([
                    "index": .integer(Int64(offset + 1)),
                    "members": .table(LuaTable(array: group.map { record(of: $0) })),
                    "min": .integer(2),
                ]))
        }
        return .value(.table(LuaTable(array: tables)))
    }

    /// Every two groups as one, each group kept together, so that pairs give fours: the
    /// smallest goes with the largest, and no merged group has more than five. With an odd
    /// count, a trio stays a trio; without one, the pair left over is split into the two
    /// smallest groups (two fives) when there are two to take it. A lone person joins the
    /// smallest group. Pure: the same groups give the same result.
    static func mergedInTwos(_ units: [[String]]) -> [[String]] {
        // Largest first, keeping the given order among equals.
        var order = units.indices.sorted { (units[$0].count, $1) > (units[$1].count, $0) }
        var merged: [[String]] = []
        // An odd count with a trio: the trio stays a trio, and the pairs make fours.
        if order.count % 2 == 1, let first = order.first, units[first].count >= 3 {
            merged.append(units[first])
            order.removeFirst()
        }
        var low = order.count - 1
        var high = 0
        var leftover: [String]? = nil
        while high <= low {
            if high == low {
                leftover = units[order[high]]
                break
            }
            let big = units[order[high]]
            let small = units[order[low]]
            if big.count + small.count > 5 {
                merged.append(big)  // too large to take another group
                high += 1
                continue
            }
            merged.append(big + small)
            high += 1
            low -= 1
        }
        guard let rest = leftover else { return merged }
        func smallest(excluding: Int? = nil) -> Int? {
            merged.indices.filter { $0 != excluding }.min { (merged[$0].count, $0) < (merged[$1].count, $1) }
        }
        switch rest.count {
        case 1:
            if let target = smallest(), merged[target].count < 5 { merged[target] += rest } else { merged.append(rest) }
        case 2:
            if let first = smallest(), merged[first].count < 5, let second = smallest(excluding: first),
                merged[second].count < 5
            {
                merged[first].append(rest[0])
                merged[second].append(rest[1])
            } else if let first = smallest(), merged[first].count <= 3 {
                merged[first] += rest
            } else {
                merged.append(rest)
            }
        default:
            merged.append(rest)
        }
        return merged
    }
}
