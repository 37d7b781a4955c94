import KraftfeltLua
import Testing

@testable import KraftfeltEngine

struct MatchPropertyTests {
    static let script = exercise(
        """
        local q = s:ask(s.everyone, { da = 'Spørgsmål' })
        local pairs = s:match(q)
        local seen, within = {}, 0
        for _, p in ipairs(pairs) do
          assert(p.asker.id ~= p.helper.id, 'nobody helps themselves')
          assert(not seen['a' .. p.asker.id] and not seen['h' .. p.helper.id], 'once each')
          seen['a' .. p.asker.id], seen['h' .. p.helper.id] = true, true
          if not p.across then within = within + 1 end
        end
        s:measure('pairs', #pairs)
        s:measure('within', within)
        """)

    /// Rooms of 1 to 60 people from 1 to 12 areas, with uneven areas: everyone who asks is
    /// matched once (when there are two or more), nobody helps twice or themselves, and
    /// pairs stay inside an area only as often as the room forces it:
    /// max(0, 2 × largest area − everyone).
    @Test(arguments: [1, 2, 3, 5, 8, 13, 24, 60])
    func matchingIsCompleteAndCrossesAreasWheneverItCan(_ people: Int) throws {
        for areas in [1, 2, 3, 5, 12] {
            for seed in UInt64(1)...4 {
                var rng = SeededGenerator(seed: seed, stream: "room")
                let room = (0..<people).map { i -> (String, String) in
                    // Skewed: area 0 gets about half the room.
                    let area = rng.next() % 2 == 0 ? 0 : Int(rng.next() % UInt64(areas))
                    return ("P\(i)", "area\(area)")
                }
                let session = try openSession(Self.script, people: room, seed: seed)
                let ask = try #require(session.openAsks.first)
                for i in 0..<people {
                    try session.submit(.answer(ask: ask.id, participant: "p\(i + 1)", value: .text("hjælp"), at: 1))
                }
                #expect(session.state == .finished, "\(session.failure ?? "")")
                let largest = Dictionary(grouping: room, by: \.1).values.map(\.count).max() ?? 0
                let expectedPairs = people >= 2 ? people : 0
                let expectedWithin = people >= 2 ? max(0, 2 * largest - people) : 0
                #expect(
                    session.measures.map(\.value) == [Double(expectedPairs), Double(expectedWithin)],
                    "people \(people), areas \(areas), seed \(seed), largest area \(largest)")
            }
        }
    }
}

extension MatchPropertyTests {
    /// Above a thousand people the room is matched in blocks: still everyone once, still
    /// across areas whenever the areas allow it.
    @Test func largeRoomsAreMatchedInBlocks() throws {
        let people = Session.largestOptimalRoom + 200
        let room = (0..<people).map { ("P\($0)", "area\($0 % 4)") }
        // No wall-clock limit: matching 1,200 people takes a debug build over a second of the
        // run's 2, and a loaded machine more (timing belongs in benchmarks).
        let session = try openSession(
            Self.script, people: room, seed: 3, limits: SandboxLimits(secondsPerRun: nil))
        let ask = try #require(session.openAsks.first)
        for i in 0..<people {
            try session.submit(.answer(ask: ask.id, participant: "p\(i + 1)", value: .text("hjælp"), at: 1))
        }
        #expect(session.state == .finished, "\(session.failure ?? "")")
        #expect(session.measures.map(\.value) == [Double(people), 0])
    }
}
