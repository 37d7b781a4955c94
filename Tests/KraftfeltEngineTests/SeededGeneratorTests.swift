import Testing

@testable import KraftfeltEngine

struct SeededGeneratorTests {
    @Test func theSameSeedAndStreamGiveTheSameNumbers() {
        var a = SeededGenerator(seed: 7, stream: "groups")
        var b = SeededGenerator(seed: 7, stream: "groups")
        var c = SeededGenerator(seed: 7, stream: "bots")
        let x = (0..<5).map { _ in a.next() }
        #expect(x == (0..<5).map { _ in b.next() })
        #expect(x != (0..<5).map { _ in c.next() })
    }
}
