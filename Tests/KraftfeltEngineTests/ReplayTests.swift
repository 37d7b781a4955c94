import Foundation
import Testing

@testable import KraftfeltEngine

struct ReplayTests {
    /// For every shipped exercise and the programme: a rehearsal's log, replayed into a
    /// fresh session, gives a byte-identical transcript and the same measures.
    @Test(arguments: Shipped.ids)
    func aRehearsalReplaysToTheSameTranscript(_ id: String) throws {
        let definition = SessionDefinition(main: Shipped.source(id), library: Shipped.library, seed: 7)
        let log = MemoryLog()
        let rehearsal = try Rehearsal(definition: definition, participants: 24, areas: 4, log: log)
        let original = try rehearsal.run(exercise: id)
        #expect(original.state == .finished, "\(original.failure ?? "")")
        #expect(original.transcript.lines.count > 10)

        let replayed = try Session(definition: definition)
        try replayed.replay(log.events)
        #expect(replayed.transcript.text == original.transcript.text)
        #expect(replayed.measures == original.measures)
        #expect(replayed.state == original.state)
    }

    @Test func theSameSeedGivesTheSameRehearsalAndAnotherSeedAnother() throws {
        func transcript(_ seed: UInt64) throws -> String {
            let definition = SessionDefinition(
                main: Shipped.source("summegrupper"), library: Shipped.library, seed: seed)
            return try Rehearsal(definition: definition, participants: 30, areas: 5).run(exercise: "summegrupper")
                .transcript.text
        }
        #expect(try transcript(3) == transcript(3))
        #expect(try transcript(3) != transcript(4))
    }

    @Test func aLogFromOtherScriptsIsRefused() throws {
        let definition = SessionDefinition(main: Shipped.source("maaling"), seed: 7)
        let log = MemoryLog()
        _ = try Rehearsal(definition: definition, participants: 5, areas: 2, log: log).run(exercise: "maaling")
        var changed = Shipped.source("maaling")
        changed.text += "\n-- changed\n"
        let other = try Session(definition: SessionDefinition(main: changed, seed: 7))
        let error = try #require(throws: SessionError.self) { try other.replay(log.events) }
        #expect(error.message.hasPrefix("the log was written by other scripts"))
    }

    @Test func theProgrammePassesResultsOnAndMatchesAcrossAreas() throws {
        let definition = SessionDefinition(
            main: Shipped.source("netvaerksorganisering"), library: Shipped.library, seed: 7)
        let session = try Rehearsal(definition: definition, participants: 24, areas: 4).run(
            exercise: "netvaerksorganisering")
        #expect(session.state == .finished, "\(session.failure ?? "")")
        let text = session.transcript.text
        for title in [
            "Måling", "Professionel praksis", "Spørgsmål på tværs", "Summegrupper", "Fælles spørgsmål og dialog",
        ] {
            #expect(text.contains("— \(title) —"))
        }
        let match = try #require(session.transcript.lines.first { $0.contains("match: ") })
        #expect(match.contains("across areas"))
        let ties = try #require(session.measures.first { $0.name == "cross_area_ties" })
        #expect(ties.value >= 18)
    }
}

struct ReferenceDocTests {
    /// docs/lua-api.md carries the generated reference: it cannot drift from the code.
    @Test func theDocumentedReferenceIsTheGeneratedOne() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/lua-api.md")
        let doc = try String(contentsOf: url, encoding: .utf8)
        let begin = try #require(doc.range(of: "<!-- BEGIN GENERATED REFERENCE -->\n"))
        let end = try #require(doc.range(of: "<!-- END GENERATED REFERENCE -->"))
        #expect(
            String(doc[begin.upperBound..<end.lowerBound]) == (try Session.apiReference()),
            "run scripts/update-docs.sh")
        for name in [
            "kf.exercise", "kf.programme", "s:ask", "s:show", "s:timer", "s:groups", "s:match", "s:each_group",
            "s:measure", "s:wait_for_trainer", "s:participants",
        ] {
            #expect(doc.contains("### `\(name)("), "\(name) is not documented")
        }
        #expect(doc.components(separatedBy: "```lua").count - 1 >= 12, "every call has an example")
    }

    @Test(arguments: Shipped.ids)
    func everyShippedExerciseIsShort(_ id: String) {
        #expect(Shipped.source(id).text.split(separator: "\n", omittingEmptySubsequences: false).count < 120)
    }
}
