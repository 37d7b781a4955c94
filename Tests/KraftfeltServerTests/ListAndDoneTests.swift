import Foundation
import HTTPTypes
import HummingbirdTesting
import KraftfeltEngine
import KraftfeltHost
import Testing

@testable import KraftfeltServer

/// A list question over the API (a JSON array of texts), and a group saying it is done
/// (`POST /api/sessions/{id}/done`).
@Suite(.timeLimit(.minutes(1))) struct ListAndDoneTests {
    static let listScript = """
        return kf.exercise { id = "liste", title = { da = "Liste", en = "List" }, minutes = 5,
          run = function(s)
            s:ask(s.everyone, { da = "Hvad hjælper?", en = "What helps?", kind = "list", min = 2, max = 4 })
          end }
        """

    static let doneScript = """
        return kf.exercise { id = "faerdig", title = { da = "Færdig", en = "Done" }, minutes = 5,
          run = function(s)
            s:each_group(s:groups { size = 2 }, function(g)
              g:timer("10m", { da = "Samtale", en = "Conversation" })
              g:ask(g.everyone, { da = "Hvad nu?", en = "What now?" })
            end)
          end }
        """

    /// A session from `script` with Ann and Bo joined; the trainer has not started it.
    func start(_ client: ServerClient, _ script: String) async throws -> (id: String, ann: Joined, bo: Joined) {
        let reply = try await client.post("/api/sessions", token: client.trainer, json(["script": script]))
        #expect(reply.status == .created, "\(reply.text)")
        let created = try reply.decode(Created.self)
        let code = try #require(created.joinCode)
        let ann = try await client.join(code: code, name: "Ann", area: "Sundhed")
        let bo = try await client.join(code: code, name: "Bo", area: "Skole")
        return (created.id, ann, bo)
    }

    @Test func aListAnswerIsAJSONArrayOfTexts() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, ann, _) = try await start(client, Self.listScript)
            try await client.advance(id)
            let question = try #require(try await client.participantView(id, token: ann.token).questions.first)
            #expect(question.kind == "list" && question.min == 2 && question.max == 4)
            let reply = try await client.answer(
                id, token: ann.token, ask: question.id, value: #"["Tid", "Ro; og mod"]"#)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(
                try await client.console(id).questions.first?.answers.map(\.value) == [.list(["Tid", "Ro; og mod"])])
            let mine = try await client.participantView(id, token: ann.token).questions.first
            #expect(mine?.answered == true && mine?.answer == .list(["Tid", "Ro; og mod"]))
        }
    }

    /// Each wrong list answer is refused with its reason, and nothing is logged.
    @Test func aListAnswerThatDoesNotFitIsRefused() async throws {
        let fixture = try Fixture(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, answerBurst: 1000))
        try await fixture.run { client in
            let (id, _, bo) = try await start(client, Self.listScript)
            try await client.advance(id)
            let ask = try await client.openQuestion(id, token: bo.token)
            let events = try fixture.events(id)
            let long = String(repeating: "x", count: 2001)
            let cases: [(String, String)] = [
                (#""Tid""#, "a list question cannot take that kind of answer"),
                ("3", "a list question cannot take that kind of answer"),
                ("[]", "the answer needs at least 2 items, got 0"),
                (#"["Tid"]"#, "the answer needs at least 2 items, got 1"),
                (#"["a","b","c","d","e"]"#, "the answer can have at most 4 items, got 5"),
                (#"["Tid","  "]"#, "item 2 of the answer is empty"),
                (#"["Tid"," Tid"]"#, "item 2 of the answer is the same as item 1"),
                (#"["Tid","\#(long)"]"#, "item 2 of the answer is longer than 2000 characters"),
                (#"["Tid",2]"#, "'value': 'value' must be a string, a number or a list of strings"),
                (#"["Tid",null]"#, "'value': 'value' must be a string, a number or a list of strings"),
                (#"[["Tid"],"Ro"]"#, "'value': 'value' must be a string, a number or a list of strings"),
            ]
            for (value, message) in cases {
                expectRefusal(
                    try await client.answer(id, token: bo.token, ask: ask, value: value), .badRequest, "invalid",
                    message)
            }
            let many = "[" + (1...10_000).map { "\"\($0)\"" }.joined(separator: ",") + "]"
            expectRefusal(
                try await client.answer(id, token: bo.token, ask: ask, value: many), .contentTooLarge, "too_large",
                "the request body has more than 65536 bytes")
            #expect(try fixture.events(id) == events)
            #expect(try await client.console(id).questions.first?.answers.isEmpty == true)
            #expect(try await client.answer(id, token: bo.token, ask: ask, value: #"["Tid","Ro"]"#).status == .ok)
        }
    }

    @Test func whenBothSayDoneTheGroupsTimerEnds() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, ann, bo) = try await start(client, Self.doneScript)
            try await client.advance(id)
            var view = try await client.participantView(id, token: ann.token)
            #expect(view.canSayDone && !view.saidDone)
            #expect(view.timer?.label == "Samtale")
            let first = try await client.post("/api/sessions/\(id)/done", token: ann.token, "{}")
            #expect(first.status == .ok, "\(first.text)")
            #expect(try first.decode(Receipt.self).event == (try fixture.events(id)))
            view = try await client.participantView(id, token: ann.token)
            #expect(!view.canSayDone && view.saidDone)
            #expect(view.timer?.saidDone == [ann.participant] && view.timer?.membersHere == 2)
            #expect(try await client.console(id).timers.first?.saidDone == [ann.participant])
            // Saying it twice is refused, and nothing is logged.
            let events = try fixture.events(id)
            expectRefusal(
                try await client.post("/api/sessions/\(id)/done", token: ann.token, "{}"), .conflict,
                "already_answered", "\(ann.participant) has already said group 1 is done")
            #expect(try fixture.events(id) == events)
            // Bo says it too (with no body at all): the group goes on to its question.
            let second = try await client.request(.post, "/api/sessions/\(id)/done", token: bo.token)
            #expect(second.status == .ok, "\(second.text)")
            view = try await client.participantView(id, token: bo.token)
            #expect(view.questions.first?.prompt == "Hvad nu?")
            #expect(!view.canSayDone && !view.saidDone && view.timer == nil)
            let transcript = try await client.get("/api/sessions/\(id)/transcript", token: fixture.token).text
            #expect(
                transcript.contains("] group 1: done early (2 of 2 said done) with 10m left: Samtale"), "\(transcript)")
            // Now the group waits on a question, not a timer.
            expectRefusal(
                try await client.post("/api/sessions/\(id)/done", token: ann.token, "{}"), .conflict, "not_open",
                "group 1 is not waiting on a timer")
        }
    }

    @Test func aDoneThatDoesNotFitIsRefusedWithItsReason() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, ann, bo) = try await start(client, Self.doneScript)
            let events = try fixture.events(id)
            // In the lobby, nobody is in a group yet.
            expectRefusal(
                try await client.post("/api/sessions/\(id)/done", token: ann.token, "{}"), .forbidden,
                "not_in_session", "\(ann.participant) is not in a group now")
            for token in [nil, "", fixture.token, "\(bo.participant).AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
                expectRefusal(
                    try await client.post("/api/sessions/\(id)/done", token: token, "{}"), .unauthorized,
                    "unauthorised", "this needs a valid token (Authorization: Bearer …)")
            }
            #expect(try fixture.events(id) == events)
            try await client.advance(id)
            // Removed by the trainer: no longer in the session.
            let removed = try await client.act(id, #"{"action":"remove","participant":"\#(bo.participant)"}"#)
            #expect(removed.status == .ok, "\(removed.text)")
            let logged = try fixture.events(id)
            expectRefusal(
                try await client.post("/api/sessions/\(id)/done", token: bo.token, "{}"), .forbidden,
                "not_in_session", "\(bo.participant) is not in this session")
            #expect(try fixture.events(id) == logged)
            // Ann, alone in the group now, ends it by herself.
            #expect(try await client.post("/api/sessions/\(id)/done", token: ann.token, "{}").status == .ok)
            #expect(try await client.participantView(id, token: ann.token).questions.first?.prompt == "Hvad nu?")
        }
    }

    /// The hint under a list question says how many items it takes, in the phone's language.
    @Test(arguments: [
        (1.0, 10.0, "da", "Skriv 1 til 10 punkter – ét i hvert felt.", 3, true),
        (1, 1, "da", "Skriv ét punkt.", 1, false), (1, 1, "en", "Write one item.", 1, false),
        (4, 4, "en", "Write 4 items – one in each box.", 4, false),
        (2, 50, "en", "Write 2 to 50 items – one in each box.", 3, true),
        (5, 6, "da", "Skriv 5 til 6 punkter – ét i hvert felt.", 5, true),
    ])
    func theListHintSaysHowManyItems(
        _ low: Double, _ high: Double, _ language: String, _ hint: String, _ boxes: Int, _ canAdd: Bool
    ) throws {
        let pages = try Pages()
        let json = """
            {"revision":1,"at":0,"phase":"running","you":{"id":"p1","name":"Ann","area":"Kultur"},
             "language":"\(language)","present":true,"matches":[],
             "questions":[{"id":3,"kind":"list","prompt":"Ideas?","options":[],"min":\(low),"max":\(high),
               "people":[],"answered":false}]}
            """
        let html = pages.participant(try JSONDecoder().decode(ParticipantView.self, from: Data(json.utf8)))
        #expect(html.contains("<legend class=\"hint\">\(hint)</legend>"), "\(html)")
        #expect(html.matches(of: /name="item"/).count == boxes)
        #expect(html.contains("data-add-item") == canAdd)
    }

    @Test func donesOfOneParticipantAreRateLimited() async throws {
        let fixture = try Fixture(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, answerBurst: 1, answersPerSecond: 0.001))
        try await fixture.run { client in
            let (id, ann, _) = try await start(client, Self.doneScript)
            try await client.advance(id)
            #expect(try await client.post("/api/sessions/\(id)/done", token: ann.token, "{}").status == .ok)
            let events = try fixture.events(id)
            let again = try await client.post("/api/sessions/\(id)/done", token: ann.token, "{}")
            let wait = try #require(again.headers[.retryAfter].flatMap { Int($0) })
            expectRefusal(again, .tooManyRequests, "rate_limited", "too many answers; wait \(wait) s")
            #expect(try fixture.events(id) == events)
        }
    }

    /// The phone's page: boxes for a list with "add another", and the done button.
    @Test func thePhoneShowsTheListBoxesAndTheDoneButton() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let (id, ann, _) = try await start(client, Self.listScript)
            try await client.advance(id)
            try await client.socket("/ws/sessions/\(id)?view=participant") { inbox, writer in
                try await writer.hello(ann.token)
                let html = try #require(try await inbox.view(after: -1)["html"] as? String)
                #expect(html.contains(#"data-kind="list""#))
                #expect(html.contains("Skriv 2 til 4 punkter – ét i hvert felt."))
                #expect(html.matches(of: /name="item"/).count == 3)
                #expect(
                    html.matches(of: /name="item" type="text" maxlength="2000" autocomplete="off" required/).count == 2)
                #expect(html.contains(#"data-add-item data-label="Punkt">Tilføj et punkt</button>"#))
                #expect(html.contains(#"data-twice="Punkt %n er det samme som punkt %m.""#))
                PageTests.expectNothingInline(html)
            }
            let (doneID, bo, _) = try await start(client, Self.doneScript)
            try await client.advance(doneID)
            try await client.socket("/ws/sessions/\(doneID)?view=participant") { inbox, writer in
                try await writer.hello(bo.token)
                let first = try await inbox.view(after: -1)
                let html = try #require(first["html"] as? String)
                #expect(html.contains(#"<button type="button" data-say-done>Vi er færdige</button>"#))
                PageTests.expectNothingInline(html)
                #expect(try await client.post("/api/sessions/\(doneID)/done", token: bo.token, "{}").status == .ok)
                let next = try await inbox.view(after: try #require(first["revision"] as? Int))
                let after = try #require(next["html"] as? String)
                #expect(!after.contains("data-say-done"))
                #expect(after.contains("Du har sagt, at I er færdige."))
                #expect(after.contains("1 af 2 har sagt færdig"))
            }
        }
    }
}
