import Foundation
import Testing

@testable import KraftfeltEngine

/// A host renders again only the phones whose views an event may have changed
/// (``Session/takeTouchedParticipants()``): every other phone's view must be exactly what
/// it was, or someone would be left looking at an old screen.
struct TouchedViewTests {
    static func views(_ session: Session) -> [String: ParticipantView] {
        var views: [String: ParticipantView] = [:]
        for person in session.participants { views[person.id] = session.participantView(person.id)?.content }
        return views
    }

    /// Every input of rehearsals of every shipped exercise (people arriving late and
    /// leaving, answers, timers, the trainer): the phones not touched show what they did.
    @Test(arguments: Shipped.ids, [5, 24])
    func phonesAnEventDidNotTouchAreUnchanged(_ id: String, _ people: Int) throws {
        let definition = SessionDefinition(main: Shipped.source(id), library: Shipped.library, seed: 11)
        let session = try loadedRehearsal(definition, exercise: id, participants: people, areas: 3).loaded
        var before = Self.views(session)
        var narrow = 0
        while let input = session.nextLoggedInput {
            _ = session.takeTouchedParticipants()
            try session.applyNextLogged()
            let after = Self.views(session)
            if let touched = session.takeTouchedParticipants() {
                narrow += 1
                for (who, view) in after where !touched.contains(who) {
                    #expect(before[who] == view, "\(id): \(who)'s view changed after \(input), untouched")
                }
            }
            before = after
        }
        #expect(narrow > 0, "\(id): some inputs touch only a few phones")
    }

    @Test func anAnswerTouchesTheAnswererAndAFirstJoinTheNewcomer() throws {
        let session = try openSession(
            exercise(
                #"    s:ask(s.everyone, { da = "Hvor meget?", kind = "scale", min = 1, max = 5 }); s:wait_for_trainer()"#
            ))
        #expect(session.failure == nil, "\(session.failure ?? "")")
        _ = session.takeTouchedParticipants()
        try session.submit(.answer(ask: session.openAsks[0].id, participant: "p2", value: .number(3), at: 10))
        #expect(session.takeTouchedParticipants() == ["p2"])
        try session.submit(.join(Participant(id: "p4", name: "Dan", area: "Kultur"), at: 20))
        #expect(session.takeTouchedParticipants() == ["p4"])
        try session.submit(.leave(participant: "p4", at: 30))
        #expect(session.takeTouchedParticipants() == nil)
        // Coming back (perhaps with another name, which others' group lists show): anyone.
        try session.submit(.join(Participant(id: "p4", name: "Dan B", area: "Kultur"), at: 40))
        #expect(session.takeTouchedParticipants() == nil)
        // The last answer closes the question and the script goes on: anyone.
        for who in ["p1", "p3", "p4"] {
            try session.submit(.answer(ask: session.openAsks[0].id, participant: who, value: .number(2), at: 50))
        }
        #expect(session.takeTouchedParticipants() == nil)
        #expect(session.takeTouchedParticipants() == [], "each call starts counting again")
    }

    /// A question that lists the people in the room: a newcomer is on everyone's list.
    @Test func aJoinWhileAQuestionListsPeopleTouchesAnyone() throws {
        let session = try openSession(exercise(#"    s:ask(s.everyone, { da = "Hvem?", kind = "person" })"#))
        #expect(session.failure == nil, "\(session.failure ?? "")")
        let before = try #require(session.participantView("p1")).questions[0].people.map(\.name)
        _ = session.takeTouchedParticipants()
        try session.submit(.join(Participant(id: "p4", name: "Dan", area: "Kultur"), at: 20))
        #expect(session.takeTouchedParticipants() == nil)
        let after = try #require(session.participantView("p1")).questions[0].people.map(\.name)
        #expect(before == ["Bo", "Cecilie"] && after == ["Bo", "Cecilie", "Dan"])
    }
}
