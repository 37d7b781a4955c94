import Testing

@testable import KraftfeltEngine

/// A plan request for the property tests: who, how many per group and which areas.
struct GroupingScenario: Sendable, CustomTestStringConvertible {
    /// How members are spread over areas.
    enum Layout: Sendable {
        /// `areas` areas of (nearly) equal size.
        case even(areas: Int)
        /// One area with 90% of the members, the rest spread over `areas - 1` others.
        case dominant(areas: Int)
        /// Area `i` is about twice as large as area `i + 1`.
        case halving(areas: Int)
    }

    var count: Int
    var layout: Layout
    var size: ClosedRange<Int>
    var target: Int

    var members: [GroupMember] {
        (0..<count).map { GroupMember(id: 1000 + $0 * 7, area: "area-\(areaIndex(of: $0))") }
    }

    private func areaIndex(of member: Int) -> Int {
        switch layout {
        case .even(let areas): return member % areas
        case .dominant(let areas): return areas == 1 || member % 10 != 9 ? 0 : 1 + (member / 10) % (areas - 1)
        case .halving(let areas):
            // Positions 1, 3, 5, … go to area 0, 2, 6, 10, … to area 1 and so on; the rest to the last area.
            var (area, position) = (0, member + 1)
            while position % 2 == 0 && area < areas - 1 {
                position /= 2
                area += 1
            }
            return area
        }
    }

    var testDescription: String { "\(count) members, \(layout), size \(size) target \(target)" }

    /// Every combination of the counts, layouts and size ranges the planner must handle.
    static let all: [GroupingScenario] = {
        let layouts: [Layout] = [
            .even(areas: 1), .even(areas: 3), .even(areas: 12), .dominant(areas: 4), .dominant(areas: 12),
            .halving(areas: 6),
        ]
        let sizes: [(ClosedRange<Int>, Int)] = [(2...4, 3), (3...4, 4), (2...2, 2), (3...3, 3), (4...6, 5)]
        return [0, 1, 2, 3, 5, 7, 24, 101, 2000].flatMap { count in
            layouts.flatMap { layout in
                sizes.map { GroupingScenario(count: count, layout: layout, size: $0.0, target: $0.1) }
            }
        }
    }()
}

struct GroupPlannerTests {
    static let mixings: [GroupMixing] = [.acrossAreas, .withinArea, .random]

    // MARK: - Property checks

    /// Whether `count` members can be split into groups whose sizes all lie in `size`.
    static func canFit(_ count: Int, _ size: ClosedRange<Int>) -> Bool {
        (1...max(1, count)).contains { $0 * size.lowerBound <= count && count <= $0 * size.upperBound }
    }

    /// Same-area pairs no plan with `groups` groups can avoid: each area spread as evenly as possible.
    static func leastSameAreaPairs(_ members: [GroupMember], groups: Int) -> Int {
        let counts = Dictionary(grouping: members, by: \.area).values.map(\.count)
        return counts.reduce(0) { total, count in
            let (base, extra) = count.quotientAndRemainder(dividingBy: groups)
            return total + extra * (base + 1) * base / 2 + (groups - extra) * base * (base - 1) / 2
        }
    }

    static func pairs(in group: [Int]) -> [MemberPair] {
        group.indices.flatMap { i in group[(i + 1)...].map { MemberPair(group[i], $0) } }
    }

    static func sameAreaPairs(_ groups: [[Int]], _ areaOf: [Int: String]) -> Int {
        groups.reduce(0) { $0 + pairs(in: $1).filter { areaOf[$0.a] == areaOf[$0.b] }.count }
    }

    static func repeats(_ groups: [[Int]], _ avoid: Set<MemberPair>) -> Int {
        groups.reduce(0) { $0 + pairs(in: $1).filter { avoid.contains($0) }.count }
    }

    static func history(_ groups: [[Int]]) -> Set<MemberPair> { Set(groups.flatMap { pairs(in: $0) }) }

    // MARK: - plan

    @Test(arguments: GroupingScenario.all)
    func placesEveryMemberOnceInGroupsOfAllowedSizes(scenario: GroupingScenario) throws {
        let members = scenario.members
        let (lower, upper) = (scenario.size.lowerBound, scenario.size.upperBound)
        for mixing in Self.mixings {
            for seed: UInt64 in scenario.count > 500 ? [1] : [1, 2, 3] {
                var rng = SeededGenerator(seed: seed)
                let plan = GroupPlanner.plan(
                    members, size: scenario.size, target: scenario.target, mixing: mixing, using: &rng)
                #expect(plan.groups.flatMap { $0 }.sorted() == members.map(\.id).sorted(), "\(mixing)")
                #expect(plan.repeatedPairs == 0)
                let sizes = plan.groups.map(\.count)
                if members.isEmpty {
                    #expect(plan.groups.isEmpty)
                } else if members.count < lower {
                    #expect(sizes == [members.count])
                } else if Self.canFit(members.count, scenario.size) {
                    #expect(sizes.allSatisfy { (lower...upper).contains($0) }, "\(mixing): \(sizes)")
                } else {
                    #expect(sizes.allSatisfy { $0 >= lower }, "\(mixing): \(sizes)")
                }
                if mixing != .withinArea, let smallest = sizes.min(), let largest = sizes.max() {
                    #expect(largest - smallest <= 1, "\(mixing): \(sizes)")
                }
            }
        }
    }

    @Test(arguments: GroupingScenario.all.filter { $0.count > 0 })
    func acrossAreasHasTheFewestSameAreaPairsPossible(scenario: GroupingScenario) {
        let members = scenario.members
        let areaOf = Dictionary(uniqueKeysWithValues: members.map { ($0.id, $0.area) })
        var rng = SeededGenerator(seed: 42)
        let plan = GroupPlanner.plan(
            members, size: scenario.size, target: scenario.target, mixing: .acrossAreas, using: &rng)
        // Each area of c members meets itself at least as often as when spread ⌊c/k⌋ or ⌈c/k⌉ per group;
        // the planner reaches that bound for every area at once.
        let groups = plan.groups.count
        #expect(Self.sameAreaPairs(plan.groups, areaOf) == Self.leastSameAreaPairs(members, groups: groups))
        let largestArea = Dictionary(grouping: members, by: \.area).values.map(\.count).max() ?? 0
        if largestArea <= groups {
            for group in plan.groups {
                #expect(Set(group.compactMap { areaOf[$0] }).count == group.count, "\(group)")
            }
        }
    }

    @Test(arguments: GroupingScenario.all.filter { $0.count > 0 })
    func withinAreaKeepsAreasThatFillGroupsToThemselves(scenario: GroupingScenario) {
        let members = scenario.members
        let areaOf = Dictionary(uniqueKeysWithValues: members.map { ($0.id, $0.area) })
        let areaCounts = Dictionary(grouping: members, by: \.area).mapValues(\.count)
        // An area fills groups of its own when its count splits into allowed sizes.
        let filling = Set(
            areaCounts.filter { $0.value >= scenario.size.lowerBound && Self.canFit($0.value, scenario.size) }.keys)
        let fills = { (area: String) in filling.contains(area) }
        for seed: UInt64 in [5, 6] {
            var rng = SeededGenerator(seed: seed)
            let plan = GroupPlanner.plan(
                members, size: scenario.size, target: scenario.target, mixing: .withinArea, using: &rng)
            for group in plan.groups {
                let areas = Set(group.compactMap { areaOf[$0] })
                // Only groups holding someone from an area too small for a group of its own may mix.
                if areas.allSatisfy(fills) {
                    #expect(areas.count == 1, "\(group.map { areaOf[$0] ?? "?" })")
                }
            }
            if areaCounts.keys.allSatisfy(fills) {
                #expect(plan.groups.allSatisfy { Set($0.compactMap { areaOf[$0] }).count == 1 })
            }
        }
    }

    @Test func withinAreaSplitsEachAreaEvenly() {
        let members = (0..<30).map { GroupMember(id: $0, area: $0 < 12 ? "north" : $0 < 21 ? "south" : "west") }
        var rng = SeededGenerator(seed: 9)
        let plan = GroupPlanner.plan(members, size: 2...4, target: 3, mixing: .withinArea, using: &rng)
        #expect(plan.groups.map(\.count).sorted() == [3, 3, 3, 3, 3, 3, 3, 3, 3, 3])
        #expect(plan.groups.allSatisfy { Set($0.map { members[$0].area }).count == 1 })
    }

    @Test func withinAreaMergesLeftoversAsALastResort() {
        // Three areas of one: they form a group together; the two large areas stay on their own.
        let areas = ["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "c", "d", "e"]
        let members = areas.enumerated().map { GroupMember(id: $0.offset, area: $0.element) }
        var rng = SeededGenerator(seed: 3)
        let plan = GroupPlanner.plan(members, size: 2...4, target: 3, mixing: .withinArea, using: &rng)
        let groupAreas = plan.groups.map { Set($0.map { areas[$0] }) }
        #expect(groupAreas.filter { $0.count > 1 } == [["c", "d", "e"]])
        // A single leftover takes someone from a larger group rather than leaving a group of one.
        let lonely = GroupPlanner.plan(
            Array(members.prefix(11)), size: 2...4, target: 3, mixing: .withinArea, using: &rng)
        #expect(lonely.groups.allSatisfy { (2...4).contains($0.count) })
        #expect(lonely.groups.filter { Set($0.map { areas[$0] }).count > 1 }.count == 1)
    }

    @Test func fewerMembersThanTheSmallestGroupMakeOneGroup() {
        var rng = SeededGenerator(seed: 1)
        let two = [GroupMember(id: 4, area: "x"), GroupMember(id: 9, area: "y")]
        for mixing in Self.mixings {
            let plan = GroupPlanner.plan(two, size: 3...4, target: 3, mixing: mixing, using: &rng)
            #expect(plan.groups.map { $0.sorted() } == [[4, 9]])
            #expect(GroupPlanner.plan([], size: 3...4, target: 3, mixing: mixing, using: &rng).groups.isEmpty)
        }
    }

    @Test func sizesAverageClosestToTheTarget() {
        let members = (0..<24).map { GroupMember(id: $0, area: "x") }
        var rng = SeededGenerator(seed: 1)
        let sizes = { (target: Int) in
            GroupPlanner.plan(members, size: 2...4, target: target, mixing: .random, using: &rng).groups.map(\.count)
        }
        #expect(sizes(2) == Array(repeating: 2, count: 12))
        #expect(sizes(3) == Array(repeating: 3, count: 8))
        #expect(sizes(4) == Array(repeating: 4, count: 6))
        #expect(GroupPlanner.groupSizes(7, 2...4, target: 3) == [4, 3])
        #expect(GroupPlanner.groupSizes(4, 3...3, target: 3) == [4])
    }

    // MARK: - Avoiding repeated pairs

    /// The least (same-area pairs, repeats) over every split of `members` into groups of `sizes`.
    static func bruteForceBest(
        _ members: [GroupMember], sizes: [Int], mixing: GroupMixing, avoid: Set<MemberPair>
    ) -> (sameArea: Int, repeats: Int) {
        var best = (sameArea: Int.max, repeats: Int.max)
        var groups = sizes.map { _ in [GroupMember]() }
        func place(_ next: Int) {
            guard next < members.count else {
                let pairs = groups.flatMap { group in
                    group.indices.flatMap { i in group[(i + 1)...].map { (group[i], $0) } }
                }
                let sameArea = mixing == .acrossAreas ? pairs.filter { $0.0.area == $0.1.area }.count : 0
                let repeats = pairs.filter { avoid.contains(MemberPair($0.0.id, $0.1.id)) }.count
                if (sameArea, repeats) < best { best = (sameArea, repeats) }
                return
            }
            for group in groups.indices where groups[group].count < sizes[group] {
                groups[group].append(members[next])
                place(next + 1)
                groups[group].removeLast()
            }
        }
        place(0)
        return best
    }

    @Test(arguments: 0..<60)
    func avoidsRepeatsWheneverASmallPlanWithoutThemExists(instance: Int) throws {
        var dice = SeededGenerator(seed: UInt64(1000 + instance))
        let count = Int.random(in: 6...8, using: &dice)
        let members = (0..<count).map { GroupMember(id: $0, area: "area-\(Int.random(in: 0..<3, using: &dice))") }
        let (size, target) = [(2...3, 3), (2...4, 3), (3...4, 4), (2...2, 2)][instance % 4]
        let density = [0.2, 0.35, 0.5][instance % 3]
        let avoid = Set(
            members.indices.flatMap { i in (i + 1..<count).map { MemberPair(i, $0) } }
                .filter { _ in Double.random(in: 0..<1, using: &dice) < density })
        for mixing in [GroupMixing.random, .acrossAreas] {
            var rng = SeededGenerator(seed: UInt64(instance))
            let plan = GroupPlanner.plan(members, size: size, target: target, mixing: mixing, avoid: avoid, using: &rng)
            let best = Self.bruteForceBest(members, sizes: plan.groups.map(\.count), mixing: mixing, avoid: avoid)
            let areaOf = Dictionary(uniqueKeysWithValues: members.map { ($0.id, $0.area) })
            #expect(plan.repeatedPairs == Self.repeats(plan.groups, avoid))
            if mixing == .acrossAreas { #expect(Self.sameAreaPairs(plan.groups, areaOf) == best.sameArea) }
            if best.repeats == 0 { #expect(plan.repeatedPairs == 0, "\(mixing), avoid \(avoid.count) pairs") }
            // Stronger than promised, and true for these instances: the search finds the optimum.
            #expect(plan.repeatedPairs == best.repeats, "\(mixing), avoid \(avoid.count) pairs")
        }
    }

    @Test(arguments: [UInt64](1...25))
    func laterRoundsOfTwentyFourMeetNewPeople(seed: UInt64) {
        let members = (0..<24).map { GroupMember(id: $0, area: "area-\($0 % 5)") }
        let areaOf = Dictionary(uniqueKeysWithValues: members.map { ($0.id, $0.area) })
        for mixing in [GroupMixing.acrossAreas, .random] {
            for target in [3, 4] {
                var rng = SeededGenerator(seed: seed)
                let first = GroupPlanner.plan(members, size: 3...4, target: target, mixing: mixing, using: &rng)
                var avoid = Self.history(first.groups)
                let second = GroupPlanner.plan(
                    members, size: 3...4, target: target, mixing: mixing, avoid: avoid, using: &rng)
                #expect(second.repeatedPairs == 0, "\(mixing) target \(target)")
                #expect(Self.repeats(second.groups, avoid) == 0)
                if mixing == .acrossAreas {
                    let least = Self.leastSameAreaPairs(members, groups: second.groups.count)
                    #expect(Self.sameAreaPairs(second.groups, areaOf) == least)
                }
                avoid.formUnion(Self.history(second.groups))
                let third = GroupPlanner.plan(
                    members, size: 3...4, target: target, mixing: mixing, avoid: avoid, using: &rng)
                #expect(third.repeatedPairs == 0, "third round, \(mixing) target \(target)")
            }
        }
    }

    @Test func withinAreaRoundsSwapWithinTheArea() {
        // Two areas of 12 in groups of 3: a second round without repeats exists inside each area.
        let members = (0..<24).map { GroupMember(id: $0, area: $0 < 12 ? "north" : "south") }
        for seed: UInt64 in 1...10 {
            var rng = SeededGenerator(seed: seed)
            let first = GroupPlanner.plan(members, size: 3...3, target: 3, mixing: .withinArea, using: &rng)
            let second = GroupPlanner.plan(
                members, size: 3...3, target: 3, mixing: .withinArea, avoid: Self.history(first.groups), using: &rng)
            #expect(second.repeatedPairs == 0)
            #expect(second.groups.allSatisfy { Set($0.map { members[$0].area }).count == 1 })
        }
    }

    @Test func manyRoundsOfTwoThousandStayValid() {
        let members = (0..<2000).map { GroupMember(id: $0, area: "area-\($0 % 10 == 0 ? $0 % 7 : 0)") }
        var rng = SeededGenerator(seed: 77)
        var avoid: Set<MemberPair> = []
        for round in 0..<4 {
            let plan = GroupPlanner.plan(
                members, size: 2...4, target: 3, mixing: .acrossAreas, avoid: avoid, using: &rng)
            #expect(plan.groups.flatMap { $0 }.sorted() == Array(0..<2000))
            #expect(plan.repeatedPairs == 0, "round \(round)")
            avoid.formUnion(Self.history(plan.groups))
        }
    }

    @Test func unknownAndSelfPairsInAvoidAreIgnored() {
        let members = (0..<6).map { GroupMember(id: $0, area: "x") }
        var rng = SeededGenerator(seed: 1)
        let avoid: Set = [MemberPair(2, 2), MemberPair(0, 99), MemberPair(98, 99)]
        let plan = GroupPlanner.plan(members, size: 2...3, target: 3, mixing: .random, avoid: avoid, using: &rng)
        #expect(plan.repeatedPairs == 0)
        #expect(plan.groups.flatMap { $0 }.sorted() == Array(0..<6))
    }

    @Test func memberPairIsUnordered() {
        #expect(MemberPair(3, 8) == MemberPair(8, 3))
        #expect(MemberPair(8, 3).a == 3 && MemberPair(8, 3).b == 8)
        #expect(GroupMixing(rawValue: "mixed") == .acrossAreas && GroupMixing.withinArea.rawValue == "same-area")
    }

    // MARK: - Determinism

    @Test func theSameSeedGivesTheSamePlanAndOthersUsuallyDiffer() {
        let members = GroupingScenario(count: 101, layout: .halving(areas: 6), size: 2...4, target: 3).members
        let avoid: Set = [MemberPair(1000, 1007), MemberPair(1014, 1021)]
        for mixing in Self.mixings {
            let plans = (UInt64(0)..<20).map { seed in
                var rng = SeededGenerator(seed: seed)
                return GroupPlanner.plan(members, size: 2...4, target: 3, mixing: mixing, avoid: avoid, using: &rng)
            }
            let again = (UInt64(0)..<20).map { seed in
                var rng = SeededGenerator(seed: seed)
                return GroupPlanner.plan(members, size: 2...4, target: 3, mixing: mixing, avoid: avoid, using: &rng)
            }
            #expect(plans == again)
            #expect(Set(plans.map(\.groups)).count >= 19, "\(mixing)")
        }
        let rotations = (UInt64(0)..<10).map { seed in
            var rng = SeededGenerator(seed: seed)
            return GroupPlanner.rotations(Array(members.prefix(9)), rounds: 4, using: &rng)
        }
        var rng = SeededGenerator(seed: 3)
        #expect(GroupPlanner.rotations(Array(members.prefix(9)), rounds: 4, using: &rng) == rotations[3])
        #expect(Set(rotations).count >= 9)
    }

    // MARK: - rotations

    @Test(arguments: [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 13, 24, 25, 101, 200])
    func rotationsMeetNewPeopleEveryRound(count: Int) {
        let members = (0..<count).map { GroupMember(id: 500 + $0, area: "x") }
        for rounds in Set([1, 3, max(1, count - 1), count + 2]).sorted() {
            for seed: UInt64 in 1...(count > 100 ? 2 : 5) {
                var rng = SeededGenerator(seed: seed)
                let schedule = GroupPlanner.rotations(members, rounds: rounds, using: &rng)
                #expect(schedule.count == rounds)
                var met: Set<MemberPair> = []
                var (complete, shaped, fresh) = (true, true, true)
                for (index, round) in schedule.enumerated() {
                    complete = complete && round.flatMap { $0 }.sorted() == members.map(\.id)
                    if count >= 4 {
                        let trios = count % 2 == 1 ? 1 : 0
                        shaped = shaped && round.filter { $0.count == 3 }.count == trios
                        shaped = shaped && round.filter { $0.count == 2 }.count == (count - 3 * trios) / 2
                    }
                    let new = round.flatMap { Self.pairs(in: $0) }.allSatisfy { met.insert($0).inserted }
                    // Even counts: everyone meets someone new for count - 1 rounds. Odd counts: the trio finds
                    // new people too for roughly half the possible rounds.
                    let promised =
                        count % 2 == 0 ? index < count - 1 : count >= 5 && rounds <= (count - 3) / 2
                    if promised { fresh = fresh && new }
                }
                #expect(complete, "every round holds everyone once, \(rounds) rounds, seed \(seed)")
                #expect(shaped, "pairs and at most one trio, \(rounds) rounds, seed \(seed)")
                #expect(fresh, "no one meets the same person twice, \(rounds) rounds, seed \(seed)")
            }
        }
    }

    @Test func rotationsOfTinyGroups() {
        var rng = SeededGenerator(seed: 1)
        #expect(GroupPlanner.rotations([], rounds: 2, using: &rng) == [[], []])
        #expect(GroupPlanner.rotations([GroupMember(id: 7, area: "x")], rounds: 2, using: &rng) == [[[7]], [[7]]])
        let trio = (1...3).map { GroupMember(id: $0, area: "x") }
        #expect(GroupPlanner.rotations(trio, rounds: 1, using: &rng).map { $0.map { $0.sorted() } } == [[[1, 2, 3]]])
        #expect(GroupPlanner.rotations(trio, rounds: 0, using: &rng).isEmpty)
    }

    // MARK: - roles

    @Test(arguments: 1...7)
    func everyoneIsClientOnceBeforeAnyoneTwice(groupSize: Int) {
        let group = (0..<groupSize).map { 40 + 3 * $0 }
        for roles in [["client", "consultant"], ["client", "consultant", "observer"]] {
            let rounds = GroupPlanner.roles(for: group, roles: roles, rounds: 2 * groupSize + 1)
            #expect(rounds.count == 2 * groupSize + 1)
            var clientTurns = Dictionary(uniqueKeysWithValues: group.map { ($0, 0) })
            for round in rounds {
                #expect(Set(round.keys) == Set(roles))
                #expect(round.values.flatMap { $0 }.sorted() == group)
                #expect(round["client"]?.count == 1)
                for client in round["client"] ?? [] { clientTurns[client, default: 0] += 1 }
                let turns = clientTurns.values
                #expect((turns.max() ?? 0) - (turns.min() ?? 0) <= 1)
                // Every role up to the group's size is taken; the last takes everyone left.
                for (index, role) in roles.enumerated() {
                    let expected =
                        index < roles.count - 1 ? min(1, max(0, groupSize - index)) : max(0, groupSize - index)
                    #expect(round[role]?.count == expected, "\(role) in a group of \(groupSize)")
                }
            }
        }
    }

    @Test func rolesForEdgeCases() {
        #expect(GroupPlanner.roles(for: [1, 2], roles: ["client"], rounds: 0).isEmpty)
        #expect(GroupPlanner.roles(for: [], roles: ["client"], rounds: 1) == [["client": []]])
        #expect(GroupPlanner.roles(for: [5, 6], roles: [], rounds: 2) == [[:], [:]])
        let troika = GroupPlanner.roles(for: [1, 2, 3], roles: ["client", "consultant"], rounds: 3)
        #expect(troika.map { $0["client"] ?? [] } == [[1], [2], [3]])
        #expect(troika[0]["consultant"] == [2, 3])
    }
}
