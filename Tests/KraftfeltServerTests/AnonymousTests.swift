import Foundation
import HTTPTypes
import HummingbirdTesting
import KraftfeltEngine
import KraftfeltHost
import KraftfeltServer
import KraftfeltStore
import Testing

/// An anonymous session stores no names: each person who joins gets a pseudonym, and the
/// name a client sends anyway is never kept.
@Suite(.timeLimit(.minutes(1))) struct AnonymousTests {
    struct Body: Encodable {
        var exercise: String
        var areas: [String]
        var language: String
        var anonymous: Bool
    }

    @Test func peopleGetPseudonymsAndNoNameIsStored() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let reply = try await client.post(
                "/api/sessions", token: client.trainer,
                json(Body(exercise: "maaling", areas: ["Sundhed", "Skole"], language: "da", anonymous: true)))
            #expect(reply.status == .created, "\(reply.text)")
            let created = try reply.decode(Created.self)
            let code = try #require(created.joinCode)
            let info = try await client.get("/api/join/\(code)").object()
            #expect(info["anonymous"] as? Bool == true)
            // The join page asks no name, and says why.
            let page = try await client.get("/j/\(code)")
            #expect(page.text.contains("Denne session er anonym"))
            #expect(!page.text.contains(#"id="name""#))
            // Without a name, and with one that is not kept.
            let first = try await client.post("/api/join", #"{"code": "\#(code)", "area": "Sundhed"}"#)
            #expect(first.status == .created, "\(first.text)")
            let second = try await client.joinRequest(code: code, name: "Ann Hansen", area: "Skole")
            #expect(second.status == .created, "\(second.text)")
            let people = try await client.console(created.id).people
            #expect(people.map(\.name) == ["Deltager 1", "Deltager 2"])
            #expect(people.map(\.area) == ["Sundhed", "Skole"])
            let view = try await client.participantView(created.id, token: try second.decode(Joined.self).token)
            #expect(view.you.name == "Deltager 2")
            let stored = try fixture.store.events(of: created.id)
            let text = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
            #expect(!text.contains("Ann"), "the name sent is nowhere in the log")
            let export = try await client.get("/api/sessions/\(created.id)/export", token: client.trainer).text
            #expect(!export.contains("Ann"))
        }
    }

    @Test func aSessionThatIsNotAnonymousNeedsAName() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create()
            let info = try await client.get("/api/join/\(code)").object()
            #expect(info["anonymous"] as? Bool == false)
            let events = try fixture.events(id)
            expectRefusal(
                try await client.post("/api/join", #"{"code": "\#(code)", "area": "Sundhed"}"#), .badRequest,
                "invalid", "'name' is missing")
            expectRefusal(
                try await client.post(
                    "/api/sessions", token: client.trainer, #"{"exercise": "maaling", "anonymous": 1}"#),
                .badRequest, "invalid", "'anonymous' has the wrong type")
            #expect(try fixture.events(id) == events)
            #expect(try await client.console(id).people.isEmpty)
        }
    }
}
