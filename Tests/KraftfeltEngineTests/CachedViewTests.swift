import Foundation
import Testing

@testable import KraftfeltEngine

/// The console and beamer views keep parts of themselves between events (the people, the
/// open questions, the timers) and update them in place. After every input of a rehearsal,
/// what they show must be what they would show built afresh: a cache kept one event too
/// long is a console that misses the question the script just asked.
struct CachedViewTests {
    /// The exercises: the shipped ones, and the Liberating Structures pack's (answers given
    /// together, merged groups, roles in turns).
    static let plugins = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Plugins/liberating-structures/exercises").standardizedFileURL
    static let sources: [ExerciseSource] =
        Shipped.library
        + ["1-2-4-all.lua", "troika-consulting.lua"].map {
            ExerciseSource(
                fileName: $0,
                text: (try? String(contentsOf: plugins.appendingPathComponent($0), encoding: .utf8)) ?? "")
        }
    static let ids = sources.map { String($0.fileName.dropLast(4)) }

    @Test(arguments: ids, [5, 13])
    func theViewsAfterEveryInputAreThoseBuiltAfresh(_ id: String, _ people: Int) throws {
        let main = try #require(Self.sources.first { $0.fileName == "\(id).lua" })
        #expect(!main.text.isEmpty, "\(id) was read")
        let definition = SessionDefinition(main: main, library: Shipped.library, seed: 5)
        let session = try loadedRehearsal(definition, exercise: id, participants: people, areas: 3).loaded
        var inputs = 0
        var questionsSeen = 0
        while let input = session.nextLoggedInput {
            try session.applyNextLogged()
            inputs += 1
            let console = session.consoleView
            let screen = session.screenView
            questionsSeen += console.questions.count
            session.consolePeople = nil
            session.consoleQuestionCache = nil
            session.timerViewCache = nil
            session.timerOrder = nil
            #expect(console == session.consoleView, "\(id): the console after \(input) is not built afresh")
            #expect(screen == session.screenView, "\(id): the beamer after \(input) is not built afresh")
        }
        #expect(inputs > people, "\(id): a whole rehearsal was stepped through")
        if id == "1-2-4-all" { #expect(questionsSeen > 0, "the group's key idea and the vote were on the console") }
    }
}
