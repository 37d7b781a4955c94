/// Who can be placed in a group: an index into the caller's participant list and an area.
public struct GroupMember: Hashable, Sendable {
    /// The member's id: an index into the caller's participant list, unique within one call.
    public let id: Int
    /// The administrative area the member belongs to.
    public let area: String

    /// Creates a member with an id and an area.
    public init(id: Int, area: String) {
        self.id = id
        self.area = area
    }
}

/// How groups mix members of different areas.
public enum GroupMixing: String, Sendable {
    /// As many distinct areas in each group as possible, areas spread evenly over the groups.
    case acrossAreas = "mixed"
    /// One area per group where possible; small areas' leftovers are merged as a last resort.
    case withinArea = "same-area"
    /// Areas are ignored: a seeded shuffle.
    case random
}

/// An unordered pair of member ids: `MemberPair(x, y) == MemberPair(y, x)`.
public struct MemberPair: Hashable, Sendable {
    /// The smaller id.
    public let a: Int
    /// The larger id.
    public let b: Int

    /// Creates the pair of `x` and `y` in either order.
    public init(_ x: Int, _ y: Int) {
        a = min(x, y)
        b = max(x, y)
    }
}

/// The outcome of ``GroupPlanner/plan(_:size:target:mixing:avoid:using:)``.
public struct GroupPlan: Sendable, Equatable {
    /// Member ids per group; every input member appears exactly once.
    public var groups: [[Int]]
    /// How many pairs from `avoid` ended up in the same group again.
    public var repeatedPairs: Int
}

/// Pure, seeded grouping logic for workshop exercises: buzz groups, networking rotations and roles.
public enum GroupPlanner {
    /// Splits members into groups of `size`, as close to `target` as the count allows, mixed as `mixing` asks.
    ///
    /// - `acrossAreas`: every area is spread as evenly as possible over the groups, which gives each group as
    ///   many distinct areas as possible (the fewest same-area pairs any plan can have).
    /// - `withinArea`: each area with at least `size.lowerBound` members forms groups of its own; leftovers of
    ///   smaller areas are grouped together, taking a member from a larger group or joining one as a last resort.
    ///   Purity wins over equal sizes: sizes stay in `size` and within ±1 inside an area, but may differ more
    ///   between areas.
    /// - `random`: a seeded shuffle.
    ///
    /// `avoid` lists pairs of ids who were together before; among plans that mix equally well the planner looks
    /// for one with the fewest of them together again (a bounded local search of swaps, with restarts).
    /// Sizes are all in `size` whenever that is possible (always for `2...4` and at least two members) and
    /// differ by at most 1 (except `withinArea`, see above). With fewer members than `size.lowerBound` there is
    /// one group of all of them; with no members there are no groups. All randomness comes from `rng`.
    public static func plan(
        _ members: [GroupMember], size: ClosedRange<Int>, target: Int, mixing: GroupMixing,
        avoid: Set<MemberPair> = [], using rng: inout SeededGenerator
    ) -> GroupPlan {
        guard !members.isEmpty else { return GroupPlan(groups: [], repeatedPairs: 0) }
        let lower = max(1, size.lowerBound)
        let range = lower...max(lower, size.upperBound)
        let target = min(max(target, range.lowerBound), range.upperBound)
        let areaNames = Set(members.map(\.area)).sorted()
        let areaIndex = Dictionary(uniqueKeysWithValues: areaNames.enumerated().map { ($0.element, $0.offset) })
        let areaOf = members.map { areaIndex[$0.area] ?? 0 }
        let neighbours = avoidNeighbours(members, avoid)

        var budget = 24 * members.count + 20_000
        var best: GroupingState?
        repeat {
            let groups = initialGroups(areaOf: areaOf, areaCount: areaNames.count, range, target, mixing, &rng)
            var state = GroupingState(groups: groups, areaOf: areaOf, neighbours: neighbours, mixing: mixing)
            state.reduceRepeats(budget: &budget, using: &rng)
            budget -= members.count
            if let current = best, !(state.cost < current.cost) { continue }
            best = state
        } while (best?.cost.repeats ?? 0) > 0 && budget > 0

        let groups = best?.groups ?? []
        return GroupPlan(
            groups: groups.map { $0.map { members[$0].id } }, repeatedPairs: best?.cost.repeats ?? 0)
    }

    /// Avoid pairs as sorted adjacency lists of member indices; pairs with an unknown id are ignored.
    static func avoidNeighbours(_ members: [GroupMember], _ avoid: Set<MemberPair>) -> [[Int]] {
        var neighbours = [[Int]](repeating: [], count: members.count)
        guard !avoid.isEmpty else { return neighbours }
        let indexOf = Dictionary(
            members.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
        for pair in avoid {
            guard pair.a != pair.b, let x = indexOf[pair.a], let y = indexOf[pair.b] else { continue }
            neighbours[x].append(y)
            neighbours[y].append(x)
        }
        return neighbours.map { $0.sorted() }
    }

    /// Group sizes for `count` members: in `range` if any split allows it, otherwise at least `range.lowerBound`.
    static func groupSizes(_ count: Int, _ range: ClosedRange<Int>, target: Int) -> [Int] {
        if let sizes = evenSizes(count, within: range, target: target) { return sizes }
        return spread(count, over: max(1, count / range.lowerBound))
    }

    /// Sizes that differ by at most 1, all in `range`, averaging closest to `target`; nil if no split fits.
    static func evenSizes(_ count: Int, within range: ClosedRange<Int>, target: Int) -> [Int]? {
        guard count > 0 else { return [] }
        let fewest = (count + range.upperBound - 1) / range.upperBound
        let most = count / range.lowerBound
        guard fewest <= most else { return nil }
        let below = max(1, count / max(1, target))  // count / k >= target for k <= below
        let candidates = [below, below + 1].map { min(max($0, fewest), most) }
        // |count/k - target| compared without division: |count - k·target| / k.
        let best = candidates.min { k, j in abs(count - k * target) * j < abs(count - j * target) * k } ?? fewest
        return spread(count, over: best)
    }

    /// `count` split into `groups` sizes that differ by at most 1, larger ones first.
    static func spread(_ count: Int, over groups: Int) -> [Int] {
        let (base, extra) = count.quotientAndRemainder(dividingBy: groups)
        return (0..<groups).map { $0 < extra ? base + 1 : base }
    }

    /// `items` cut into consecutive groups of `sizes`.
    static func chunk(_ items: [Int], _ sizes: [Int]) -> [[Int]] {
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return Array(items[start..<start + size])
        }
    }

    /// The greedy construction: member indices per group before the local search.
    static func initialGroups(
        areaOf: [Int], areaCount: Int, _ range: ClosedRange<Int>, _ target: Int, _ mixing: GroupMixing,
        _ rng: inout SeededGenerator
    ) -> [[Int]] {
        var buckets = [[Int]](repeating: [], count: areaCount)
        for (member, area) in areaOf.enumerated() { buckets[area].append(member) }
        for area in buckets.indices { buckets[area].shuffle(using: &rng) }
        buckets.shuffle(using: &rng)
        switch mixing {
        case .random:
            var everyone = Array(areaOf.indices)
            everyone.shuffle(using: &rng)
            return deal(everyone, into: groupSizes(areaOf.count, range, target: target).count)
        case .acrossAreas:
            // Dealing area after area round-robin puts ⌊c/k⌋ or ⌈c/k⌉ of an area of c into each of k groups.
            return deal(buckets.flatMap { $0 }, into: groupSizes(areaOf.count, range, target: target).count)
        case .withinArea:
            return sameAreaGroups(buckets, areaOf: areaOf, range, target)
                ?? chunk(buckets.flatMap { $0 }, groupSizes(areaOf.count, range, target: target))
        }
    }

    /// Item `i` goes to group `i mod groups`: sizes differ by at most 1, larger groups first.
    static func deal(_ items: [Int], into groups: Int) -> [[Int]] {
        var result = [[Int]](repeating: [], count: groups)
        for (position, item) in items.enumerated() { result[position % groups].append(item) }
        return result
    }

    /// Single-area groups for each area that can fill them, leftovers grouped together; nil if the
    /// leftovers cannot be placed with every size in `range`.
    static func sameAreaGroups(
        _ buckets: [[Int]], areaOf: [Int], _ range: ClosedRange<Int>, _ target: Int
    ) -> [[Int]]? {
        // Prefer the size pair around the target that lets the most members form single-area groups.
        let pairs = [target, target - 1].filter { range.contains($0) }.map { $0...min($0 + 1, range.upperBound) }
        let coverage = { (pair: ClosedRange<Int>) in
            buckets.reduce(0) { $0 + (evenSizes($1.count, within: pair, target: target) == nil ? 0 : $1.count) }
        }
        let preferred = pairs.max { coverage($0) < coverage($1) } ?? range
        var groups: [[Int]] = []
        var pool: [Int] = []
        for bucket in buckets {
            let fits = { (count: Int) in
                evenSizes(count, within: preferred, target: target) ?? evenSizes(count, within: range, target: target)
            }
            // The largest part of the area that splits into allowed sizes; the rest joins the pool.
            let usable = stride(from: bucket.count, to: 0, by: -1).first { fits($0) != nil } ?? 0
            groups += chunk(Array(bucket.prefix(usable)), fits(usable) ?? [])
            pool += bucket.dropFirst(usable)
        }
        if pool.isEmpty { return groups }
        if let sizes = evenSizes(pool.count, within: range, target: target) { return groups + chunk(pool, sizes) }
        // Take members from the largest groups until the pool can be split…
        var donors = groups
        var grown = pool
        while evenSizes(grown.count, within: range, target: target) == nil,
            let donor = donors.indices.max(by: { donors[$0].count < donors[$1].count }),
            donors[donor].count > range.lowerBound
        {
            grown.append(donors[donor].removeLast())
        }
        if let sizes = evenSizes(grown.count, within: range, target: target) { return donors + chunk(grown, sizes) }
        // …or let the leftovers join groups with room, their own area's first, then one already mixed.
        let room = groups.reduce(0) { $0 + range.upperBound - $1.count }
        if pool.count <= room { return join(pool, groups, areaOf: areaOf, limit: range.upperBound) }
        // Nothing fits the range: keep the single-area groups and let the leftovers be larger.
        guard evenSizes(areaOf.count, within: range, target: target) == nil else { return nil }
        if pool.count >= range.lowerBound || groups.isEmpty {
            return groups + chunk(pool, groupSizes(pool.count, range, target: target))
        }
        return join(pool, groups, areaOf: areaOf, limit: nil)
    }

    /// `groups` after each of `pool` joined one with fewer than `limit` members (if any limit): a group of
    /// the member's own area first, then one that already took a leftover, then the smallest.
    static func join(_ pool: [Int], _ groups: [[Int]], areaOf: [Int], limit: Int?) -> [[Int]]? {
        var groups = groups
        var joined: Set<Int> = []
        for member in pool {
            let open = groups.indices.filter { groups[$0].count < limit ?? Int.max }
            let own = open.first { group in groups[group].allSatisfy { areaOf[$0] == areaOf[member] } }
            let mixed = open.first { joined.contains($0) }
            guard let chosen = own ?? mixed ?? open.min(by: { groups[$0].count < groups[$1].count }) else {
                return nil
            }
            groups[chosen].append(member)
            joined.insert(chosen)
        }
        return groups
    }
}

/// One planning attempt: member indices in groups plus the lookups the local search needs.
struct GroupingState {
    /// The cost the search lowers, compared mixing first, then repeats.
    struct Cost: Comparable {
        /// Same-area pairs (`acrossAreas`), different-area pairs (`withinArea`) or 0 (`random`).
        var mixing: Int
        /// Avoid pairs placed together.
        var repeats: Int

        static func < (lhs: Cost, rhs: Cost) -> Bool { (lhs.mixing, lhs.repeats) < (rhs.mixing, rhs.repeats) }
    }

    let areaOf: [Int]
    let neighbours: [[Int]]
    let mixing: GroupMixing
    /// Members of each area, for `withinArea` swaps that keep every group's areas as they are.
    let membersByArea: [[Int]]
    private(set) var groups: [[Int]]
    private(set) var groupOf: [Int]

    init(groups: [[Int]], areaOf: [Int], neighbours: [[Int]], mixing: GroupMixing) {
        self.groups = groups
        self.areaOf = areaOf
        self.neighbours = neighbours
        self.mixing = mixing
        var groupOf = [Int](repeating: 0, count: areaOf.count)
        for (group, members) in groups.enumerated() { for member in members { groupOf[member] = group } }
        self.groupOf = groupOf
        var byArea = [[Int]](repeating: [], count: (areaOf.max() ?? -1) + 1)
        if mixing == .withinArea { for (member, area) in areaOf.enumerated() { byArea[area].append(member) } }
        membersByArea = byArea
    }

    /// The plan's cost, counted from scratch.
    var cost: Cost {
        var cost = Cost(mixing: 0, repeats: 0)
        for (group, members) in groups.enumerated() {
            for member in members {
                cost.repeats += repeats(of: member, in: group)
                let same = count(area: areaOf[member], in: group) - 1
                switch mixing {
                case .acrossAreas: cost.mixing += same
                case .withinArea: cost.mixing += members.count - 1 - same
                case .random: break
                }
            }
        }
        return Cost(mixing: cost.mixing / 2, repeats: cost.repeats / 2)
    }

    /// How many of `member`'s avoid partners are in `group`.
    func repeats(of member: Int, in group: Int) -> Int {
        neighbours[member].reduce(0) { $0 + (groupOf[$1] == group ? 1 : 0) }
    }

    /// How many members of `group` come from `area`.
    func count(area: Int, in group: Int) -> Int {
        groups[group].reduce(0) { $0 + (areaOf[$1] == area ? 1 : 0) }
    }

    /// The change in cost if `x` and `y` (in different groups) traded places.
    func swapDelta(_ x: Int, _ y: Int) -> Cost {
        let (g, h) = (groupOf[x], groupOf[y])
        let linked = binarySearch(neighbours[x], y) ? 1 : 0
        let repeats =
            repeats(of: x, in: h) + repeats(of: y, in: g) - 2 * linked - repeats(of: x, in: g)
            - repeats(of: y, in: h)
        guard mixing == .acrossAreas, areaOf[x] != areaOf[y] else { return Cost(mixing: 0, repeats: repeats) }
        // Same-area pairs: x leaves count(a, g) - 1 of its area and meets count(a, h); likewise y.
        let (a, b) = (areaOf[x], areaOf[y])
        let sameArea = count(area: a, in: h) + count(area: b, in: g) - count(area: a, in: g) - count(area: b, in: h) + 2
        return Cost(mixing: sameArea, repeats: repeats)
    }

    /// Trades the groups of `x` and `y`.
    mutating func swapMembers(_ x: Int, _ y: Int) {
        let (g, h) = (groupOf[x], groupOf[y])
        guard let i = groups[g].firstIndex(of: x), let j = groups[h].firstIndex(of: y) else { return }
        groups[g][i] = y
        groups[h][j] = x
        groupOf[x] = h
        groupOf[y] = g
    }

    /// First-improvement swaps for members with a repeated pair, until none helps or `budget` swap
    /// evaluations are spent. Never makes the mixing worse (`withinArea` swaps stay inside an area).
    mutating func reduceRepeats(budget: inout Int, using rng: inout SeededGenerator) {
        guard groups.count > 1, neighbours.contains(where: { !$0.isEmpty }) else { return }
        var improved = true
        while improved, budget > 0 {
            improved = false
            budget -= areaOf.count
            var conflicted = areaOf.indices.filter { repeats(of: $0, in: groupOf[$0]) > 0 }
            conflicted.shuffle(using: &rng)
            for x in conflicted where budget > 0 && repeats(of: x, in: groupOf[x]) > 0 {
                guard let y = improvingPartner(for: x, budget: &budget, using: &rng) else { continue }
                swapMembers(x, y)
                improved = true
            }
        }
    }

    /// A member whose swap with `x` lowers the cost, looked for from a random starting point.
    private func improvingPartner(for x: Int, budget: inout Int, using rng: inout SeededGenerator) -> Int? {
        let sameAreaOnly = mixing == .withinArea
        let count = sameAreaOnly ? membersByArea[areaOf[x]].count : areaOf.count
        guard count > 1 else { return nil }
        let start = Int.random(in: 0..<count, using: &rng)
        let zero = Cost(mixing: 0, repeats: 0)
        for step in 0..<count where budget > 0 {
            let position = (start + step) % count
            let y = sameAreaOnly ? membersByArea[areaOf[x]][position] : position
            guard groupOf[y] != groupOf[x] else { continue }
            budget -= 1 + (neighbours[x].count + neighbours[y].count) / 32  // long avoid lists cost more
            if swapDelta(x, y) < zero { return y }
        }
        return nil
    }

    private func binarySearch(_ sorted: [Int], _ value: Int) -> Bool {
        var (low, high) = (0, sorted.count)
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && sorted[low] == value
    }
}
