import Foundation
import KraftfeltEngine
import Testing

@testable import KraftfeltStore

/// Answers are written without `JSONEncoder` (they are most of any log): the text must
/// read back as the same event, and match what the encoder writes.
struct StoredFormTests {
    static let answers: [Answer] = [
        .number(3), .number(-7), .number(0), .number(999_999_999_999_999), .text("Jeg vil dele mit mål"),
        .text("quotes \" and \\ and / and\nnew lines\tand\r returns"), .text("emoji 🤝 and æøå"),
        .text("control \u{01}\u{1f}\u{08}\u{0c}"), .list([]), .list(["a", "b \"c\"", "ø"]),
        .number(2.5), .number(-0.0), .number(1e15), .number(1e300), .number(0.1),
    ]

    @Test(arguments: answers)
    func answersReadBackAsTheSameEvent(_ value: Answer) throws {
        let event = SessionEvent.answer(ask: 12, participant: "p\"1/ø", value: value, at: 61_234)
        let text = try StoredForm.encode(event)
        #expect(try StoredForm.decode([text], session: "s") == [event])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let reference = String(decoding: try encoder.encode(event), as: UTF8.self)
        if case .text(let t) = value,
            t.unicodeScalars.contains(where: { $0.value < 0x20 && !"\n\r\t".unicodeScalars.contains($0) })
        {
            return  // the encoder spells some control characters differently (\b, \f); both read back the same
        }
        #expect(text == reference)
    }
}
