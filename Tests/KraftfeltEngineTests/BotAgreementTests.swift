import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// What the question parser accepts and what rehearsal bots answer agree: for any question
/// `s:ask` takes, every answer a bot gives is one the session accepts.
struct BotAgreementTests {
    static let bounds: [LuaValue] = [
        .nil, 0, 1, -3, 5, 7, 100, 101, 1_000_000, 1_000_001, .integer(.max), .integer(.min), 0.5, -0.5, 2.0, 0.25,
        0.75, .number(.nan), .number(.infinity), .number(-.infinity), 1e12, -1e12, .number(1e12 - 0.5),
        .number(-1e12 + 0.5), 1e13,
        0.1, 0.3, 1e-300, "3", "x",
    ]
    static let kinds = ["scale", "number", "choice", "choices", "vote", "rank", "person", "text"]

    @Test func everyAnswerABotGivesIsAccepted() throws {
        let session = try openSession(exercise("s:wait_for_trainer()"))
        let bot = BotRoom.make(count: 1, areas: 1, seed: 1)[0]
        var rng = SeededGenerator(seed: 99)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        var accepted = 0
        for _ in 0..<10_000 {
            var fields: [LuaTable.Field] = [.init("da", "Spørgsmål"), .init("kind", .string(pick(Self.kinds)))]
            for key in ["min", "max", "scale"] where rng.next() % 3 != 0 {
                let random =
                    Double(Int64(bitPattern: rng.next() % (1 << 41)) - (1 << 40)) / Double(1 + rng.next() % 1000)
                fields.append(.init(.string(key), rng.next() % 4 == 0 ? .number(random) : pick(Self.bounds)))
            }
            if rng.next() % 2 == 0 {
                let options = (0..<rng.next() % 5).map { LuaValue.string("option \($0)") }
                fields.append(.init("options", .table(LuaTable(array: options))))
            }
            guard let question = try? session.parseQuestion(LuaTable(fields: fields)) else { continue }
            accepted += 1
            let ask = OpenAsk(thread: 0, exercise: "x", question: question, audience: ["p1"], everyone: false)
            for seed in 0..<10 {
                var answerRNG = SeededGenerator(seed: UInt64(seed))
                let answer = BotRoom.answer(
                    for: OpenAskInfo(id: 1, ask: ask), by: bot, among: session.presentParticipants,
                    areas: ["Sundhed"], using: &answerRNG)
                guard let answer else {
                    Issue.record("no answer to \(question)")
                    break
                }
                #expect(throws: Never.self, "\(answer) to \(question)") { try session.validate(answer, for: question) }
            }
        }
        #expect(accepted > 1000)
    }
}
