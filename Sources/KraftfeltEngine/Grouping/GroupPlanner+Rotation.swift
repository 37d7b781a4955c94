extension GroupPlanner {
    /// Impromptu Networking: `rounds` rounds of pairs, with one trio in each round when the count is odd.
    ///
    /// Uses the circle (round-robin) method over a seeded shuffle of `members`: with an even count nobody meets
    /// the same person twice in the first `count - 1` rounds. With an odd count one seat is a bye, and whoever has
    /// it joins a pair, chosen so that those two meetings are not scheduled in another round and have not
    /// happened before wherever the round allows. Later rounds repeat the cycle. Every round holds every
    /// member exactly once; one or two members give one group per round, none give empty rounds.
    public static func rotations(
        _ members: [GroupMember], rounds: Int, using rng: inout SeededGenerator
    ) -> [[[Int]]] {
        guard rounds > 0 else { return [] }
        var ids = members.map(\.id)
        ids.shuffle(using: &rng)
        guard ids.count > 3 else { return Array(repeating: ids.isEmpty ? [] : [ids], count: rounds) }
        guard ids.count % 2 == 1 else { return circle(ids, rounds: rounds, using: &rng).rounds }
        // With a trio the seating matters: while the rounds leave room, try a few more shuffles (bounded work)
        // and keep the schedule with the fewest repeated meetings.
        var best = circle(ids, rounds: rounds, using: &rng)
        let attempts = rounds <= ids.count / 2 ? min(8, 100_000 / (rounds * ids.count)) : 1
        for _ in 1..<max(1, attempts) where best.repeats > 0 {
            ids.shuffle(using: &rng)
            let schedule = circle(ids, rounds: rounds, using: &rng)
            if schedule.repeats < best.repeats { best = schedule }
        }
        return best.rounds
    }

    /// The circle method for `ids` (more than 3), with how many trio meetings repeat one from another round.
    private static func circle(
        _ ids: [Int], rounds: Int, using rng: inout SeededGenerator
    ) -> (rounds: [[[Int]]], repeats: Int) {
        // Seats 0..<seats; with an odd count seat 0 is the bye and seat s holds ids[s - 1].
        let odd = ids.count % 2 == 1
        let seats = odd ? ids.count + 1 : ids.count
        let cycle = seats - 1  // rounds before the schedule repeats; odd, so 2 has an inverse mod cycle
        let played = min(rounds, cycle)
        let id = { (seat: Int) in odd ? ids[seat - 1] : ids[seat] }
        // The round in which two rotating seats (1..<seats) meet: 2r ≡ x + y (mod cycle).
        let meetingRound = { (x: Int, y: Int) in (x + y) * ((cycle + 1) / 2) % cycle }
        var extraMeetings: Set<MemberPair> = []
        var repeats = 0

        let schedule = (0..<rounds).map { round in
            // Seat 0 stays; the seat at position p ≥ 1 is 1 + (p - 1 + round) mod cycle; positions p and
            // seats - 1 - p meet.
            let r = round % cycle
            let seatAt = { (position: Int) in position == 0 ? 0 : 1 + (position - 1 + r) % cycle }
            let pairs = (0..<seats / 2).map { (seatAt($0), seatAt(seats - 1 - $0)) }
            guard odd else { return pairs.map { [id($0.0), id($0.1)] } }
            // pairs[0] is (bye, guest): the guest joins the pair whose two new meetings clash least.
            let guest = pairs[0].1
            let clash = { (seat: Int) -> Int in
                let scheduled = meetingRound(guest, seat) < played
                return (scheduled ? 1 : 0) + (extraMeetings.contains(MemberPair(id(guest), id(seat))) ? 1 : 0)
            }
            let clashes = { (index: Int) in clash(pairs[index].0) + clash(pairs[index].1) }
            // Candidates from a random starting pair: the first without clashes, else the first with the fewest.
            let start = Int.random(in: 1..<pairs.count, using: &rng)
            let order = (0..<pairs.count - 1).lazy.map { 1 + (start - 1 + $0) % (pairs.count - 1) }
            let host = order.first { clashes($0) == 0 } ?? order.min { clashes($0) < clashes($1) } ?? 1
            if round < cycle { repeats += clashes(host) }
            extraMeetings.insert(MemberPair(id(guest), id(pairs[host].0)))
            extraMeetings.insert(MemberPair(id(guest), id(pairs[host].1)))
            return pairs.indices.dropFirst().map { index in
                let pair = [id(pairs[index].0), id(pairs[index].1)]
                return index == host ? pair + [id(guest)] : pair
            }
        }
        return (schedule, repeats)
    }

    /// Which member has which role in each round, so that every member takes the first role once before anyone
    /// takes it twice.
    ///
    /// Round `r` gives the first role to `group[r mod count]`, the next roles to the members after it in order,
    /// and the last role to everyone left over (so several members can share it). Roles beyond the group's size
    /// get no one. The result has one dictionary per round from role name to member ids; a name listed twice
    /// collects the members of both positions. No randomness: shuffle `group` first for a random order.
    public static func roles(for group: [Int], roles: [String], rounds: Int) -> [[String: [Int]]] {
        guard rounds > 0 else { return [] }
        return (0..<rounds).map { round in
            var assignment: [String: [Int]] = [:]
            for role in roles { assignment[role, default: []] += [] }
            guard let lastRole = roles.indices.last, !group.isEmpty else { return assignment }
            for step in group.indices {
                let member = group[(round + step) % group.count]
                assignment[roles[min(step, lastRole)], default: []].append(member)
            }
            return assignment
        }
    }
}
