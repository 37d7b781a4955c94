import Foundation
import HTTPTypes
import HummingbirdTesting
import KraftfeltEngine
import KraftfeltHost
import KraftfeltServer
import KraftfeltStore
import Testing

/// The follow-up: a code on each phone when a session that asked for one ends, and weeks
/// later the page and the API that answer with it, once, before it expires.
@Suite(.timeLimit(.minutes(1))) struct FollowUpTests {
    /// Each person writes a goal and rates the effect before; the follow-up asks again in 28 days.
    static let script = """
        return kf.exercise { id = "opf", title = { da = "Opfølgningstest", en = "Follow-up test" }, minutes = 5,
          run = function(s)
            for _, a in ipairs(s:ask(s.everyone, { da = "Dit mål?", en = "Your goal?", kind = "text" })) do
              s:measure("goal", a.value, a.who)
            end
            local effect = s:ask(s.everyone, { da = "Effekt?", en = "Effect?", kind = "scale", min = 1, max = 5 })
            for _, a in ipairs(effect) do
              s:measure("experienced_effect", a.value, { person = a.who, tags = { "before" } })
            end
            s:follow_up { indicators = { "experienced_effect", "goal_acted_on", "goal" }, days = 28 }
          end }
        """

    struct Offer: Decodable, Equatable {
        var code: String
        var url: String
        var expiresAt: Int64
        var answered: Bool
    }

    struct State: Decodable {
        struct Yours: Decodable, Equatable {
            var indicator: String
            var phase: String?
            var value: Double
            var text: String?
        }
        var session: String
        var status: String
        var expiresAt: Int64
        var answeredAt: Int64?
        var questions: [Indicator]
        var yours: [Yours]
    }

    /// Ann and Bo run the session to its end: Ann's goal is "Kaffe med Skole", her effect 2.
    func finished(_ client: ServerClient) async throws -> (id: String, ann: Joined, bo: Joined) {
        let reply = try await client.post("/api/sessions", token: client.trainer, json(["script": Self.script]))
        #expect(reply.status == .created, "\(reply.text)")
        let created = try reply.decode(Created.self)
        let code = try #require(created.joinCode)
        let ann = try await client.join(code: code, name: "Ann", area: "Sundhed")
        let bo = try await client.join(code: code, name: "Bo", area: "Skole")
        // Before the session has started, and while it runs, there is no code yet.
        expectRefusal(
            try await client.get("/api/sessions/\(created.id)/follow-up", token: ann.token), .notFound,
            "no_follow_up", "this session has asked for no follow-up")
        try await client.advance(created.id)
        for (who, goal) in [(ann, "\"Kaffe med Skole\""), (bo, "\"Spørge på tværs\"")] {
            let goalAsk = try await client.openQuestion(created.id, token: who.token)
            #expect(try await client.answer(created.id, token: who.token, ask: goalAsk, value: goal).status == .ok)
        }
        for (who, effect) in [(ann, "2"), (bo, "4")] {
            let ask = try await client.openQuestion(created.id, token: who.token)
            #expect(try await client.answer(created.id, token: who.token, ask: ask, value: effect).status == .ok)
        }
        return (created.id, ann, bo)
    }

    func offer(_ client: ServerClient, _ id: String, _ who: Joined) async throws -> Offer {
        let reply = try await client.get("/api/sessions/\(id)/follow-up", token: who.token)
        #expect(reply.status == .ok, "\(reply.text)")
        return try reply.decode(Offer.self)
    }

    static func digits(_ code: String) -> String { code.replacingOccurrences(of: "-", with: "") }

    @Test func eachPersonGetsTheirOwnCodeWhenTheSessionEnds() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, ann, bo) = try await finished(client)
            let annOffer = try await offer(client, id, ann)
            let boOffer = try await offer(client, id, bo)
            #expect(annOffer.code.firstMatch(of: /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/) != nil)
            #expect(annOffer.code != boOffer.code)
            #expect(annOffer.url.hasSuffix("/f/" + annOffer.code))
            // 28 days from now (the fixture's clock starts at 2026-01-01), to the last second.
            #expect(annOffer.expiresAt == 1_767_225_600 + 28 * 86_400 - 1)
            #expect(!annOffer.answered)
            // Asking again gives the same code; the store keeps only its hash.
            #expect(try await offer(client, id, ann) == annOffer)
            let stored = try fixture.store.followUps(of: id)
            #expect(stored.map(\.participant).sorted() == [ann.participant, bo.participant].sorted())
            #expect(stored.first?.indicators.map(\.id) == ["experienced_effect", "goal_acted_on", "goal"])
            let hash = Credentials.followUpHash(Self.digits(annOffer.code))
            #expect(try fixture.store.followUp(codeHash: hash)?.participant == ann.participant)
            // Another session's token does not open it.
            expectRefusal(
                try await client.get("/api/sessions/\(id)/follow-up", token: "x." + ann.token), .unauthorized,
                "unauthorised", "this needs a valid token (Authorization: Bearer …)")
        }
    }

    @Test func thePageShowsTheGoalAndTheQuestionsAndAFormAnswersOnce() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, ann, _) = try await finished(client)
            let code = try await offer(client, id, ann).code
            fixture.clock.advance(by: 21 * 86_400_000)
            // Typed in lower case with spaces, an O for a 0: it still finds the page.
            let typed = code.lowercased().replacingOccurrences(of: "-", with: " ").replacingOccurrences(
                of: "0", with: "o")
            let entry = try await client.get(
                "/f?code=" + typed.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(entry.status == .seeOther)
            #expect(entry.headers[.location] == "/f/\(Self.digits(code))?lang=da")
            let page = try await client.get("/f/\(Self.digits(code))")
            PageTests.expectPage(page)
            PageTests.expectNothingInline(page.text)
            #expect(page.text.contains("Opfølgningstest"))
            #expect(page.text.contains("Kaffe med Skole"), "her goal")
            #expect(!page.text.contains("Spørge på tværs"), "not Bo's")
            #expect(!page.text.contains("Ann"), "no name")
            #expect(page.text.contains("Før: 2"), "her answer before")
            #expect(page.text.contains(#"name="goal_acted_on" value="1""#))
            #expect(page.text.contains(#"<form method="post" action="/f/\#(Self.digits(code))?lang=da""#))
            let answered = try await client.post(
                "/f/\(Self.digits(code))?lang=da", "experienced_effect=4&goal_acted_on=1&goal=Jeg+drak+kaffe+%C3%A6",
                contentType: "application/x-www-form-urlencoded")
            #expect(answered.status == .seeOther, "\(answered.text)")
            let after = try await client.get("/f/\(Self.digits(code))?lang=da")
            #expect(after.status == .ok)
            #expect(after.text.contains("Tak! Du svarede 22. januar 2026."))
            #expect(after.text.contains("Din egen forandring"))
            #expect(after.text.contains("<td>2</td><td>–</td><td>4</td><td>+2</td>"), "\(after.text)")
            #expect(!after.text.contains("<form method=\"post\""), "it answers once")
            let measures = try fixture.store.followUpMeasures(of: id)
            #expect(measures.map(\.name) == ["experienced_effect", "goal_acted_on", "goal"])
            #expect(measures.map(\.value) == [4, 1, 1])
            #expect(measures.map(\.text) == [nil, nil, "Jeg drak kaffe æ"])
            #expect(measures.allSatisfy { $0.subject == .participant(ann.participant) && $0.phase == .followUp })
            #expect(measures.allSatisfy { $0.area == "Sundhed" && $0.exercise == "script" })
            #expect(measures.first?.at ?? 0 >= 21 * 86_400_000)
            // The phone says so too.
            #expect(try await offer(client, id, ann).answered)
        }
    }

    @Test func theAPIAnswersAsJSONAndShowsOnlyYourOwn() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, ann, bo) = try await finished(client)
            let code = Self.digits(try await offer(client, id, bo).code)
            let open = try await client.get("/api/follow-up/\(code)")
            #expect(open.status == .ok, "\(open.text)")
            let state = try open.decode(State.self)
            #expect(state.session == id && state.status == "open" && state.answeredAt == nil)
            #expect(state.questions.map(\.id) == ["experienced_effect", "goal_acted_on", "goal"])
            #expect(
                state.yours == [
                    .init(indicator: "goal", phase: nil, value: 1, text: "Spørge på tværs"),
                    .init(indicator: "experienced_effect", phase: "before", value: 4, text: nil),
                ])
            let reply = try await client.post(
                "/api/follow-up/\(code)", #"{"answers": {"experienced_effect": 5, "goal_acted_on": false}}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            let answered = try reply.decode(State.self)
            #expect(answered.status == "answered" && answered.answeredAt == 1_767_225_600)
            // The trainer's list of sessions says how the follow-up goes, never who answered.
            _ = try await offer(client, id, ann)
            let list = try await client.get("/console/sessions?lang=da", token: fixture.token)
            #expect(
                list.text.contains(
                    "<span class=\"muted\">Opfølgning: 1 af de 2, der fik en kode, har svaret (koderne virker til og med 28. januar 2026)</span>"
                ), "\(list.text)")
            #expect(!list.text.contains("Bo") && !list.text.contains("Ann"))
            #expect(
                answered.yours.suffix(2) == [
                    .init(indicator: "experienced_effect", phase: "follow-up", value: 5, text: nil),
                    .init(indicator: "goal_acted_on", phase: "follow-up", value: 0, text: nil),
                ])
        }
    }

    /// Each wrong answer is refused with its reason, and nothing is stored.
    @Test func aWrongAnswerOrCodeIsRefusedAndNothingIsStored() async throws {
        let fixture = try Fixture(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, answerBurst: 1000, failureBurst: 1000))
        try await fixture.run { client in
            let (id, ann, bo) = try await finished(client)
            let code = Self.digits(try await offer(client, id, ann).code)
            let before = try fixture.store.followUps(of: id)
            let cases: [(String, HTTPResponse.Status, String, String)] = [
                (
                    #"{"answers": {"experienced_effect": 9}}"#, .badRequest, "invalid",
                    "experienced_effect is a scale from 1 to 5: a whole number in it, got 9"
                ),
                (
                    #"{"answers": {"experienced_effect": "4"}}"#, .badRequest, "invalid",
                    "experienced_effect takes a number, not a text"
                ),
                (
                    #"{"answers": {"goal_acted_on": 2}}"#, .badRequest, "invalid",
                    "goal_acted_on is yes or no: true, false, 1 or 0, got 2"
                ),
                (
                    #"{"answers": {"goal": 3}}"#, .badRequest, "invalid", "goal is a free text: the answer is a text"
                ),
                (
                    #"{"answers": {"recognition": 3}}"#, .badRequest, "invalid",
                    "“recognition” is not one of this follow-up's questions"
                ),
                (#"{"answers": {}}"#, .badRequest, "invalid", "a follow-up answer needs at least one answer"),
                (
                    #"{"answers": {"goal": [1]}}"#, .badRequest, "invalid",
                    "'answers.goal': an answer is a number, true or false, or a text"
                ),
                (#"{"answer": {}}"#, .badRequest, "invalid", "'answers' is missing"),
                (
                    "{\"answers\": {\"goal\": \"" + String(repeating: "x", count: 2001) + "\"}}", .badRequest,
                    "invalid", "the answer to “goal” is longer than 2000 characters"
                ),
            ]
            for (body, status, errorCode, message) in cases {
                expectRefusal(try await client.post("/api/follow-up/\(code)", body), status, errorCode, message)
            }
            #expect(try fixture.store.followUps(of: id) == before)
            #expect(try fixture.store.followUpMeasures(of: id) == [])
            // A form with a word for a number.
            let form = try await client.post(
                "/f/\(code)", "experienced_effect=fire", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == .badRequest)
            #expect(form.text.contains("experienced_effect takes a number, got “fire”"))
            #expect(form.text.contains("<form method=\"post\""), "the form is there to try again")
            // A code no one has, and one that cannot be a code.
            for wrong in ["ZZZZZZZZZZZZZZZZ", "not-a-code", String(repeating: "7", count: 200)] {
                expectRefusal(
                    try await client.get("/api/follow-up/\(wrong)"), .notFound, "unknown_follow_up",
                    "this follow-up code is not known: check it, or ask your trainer for a new one")
                let page = try await client.get("/f/\(wrong)")
                PageTests.expectPage(page, .notFound)
                #expect(page.text.contains("Koden kendes ikke. Tjek den, eller spørg din træner om en ny."))
            }
            // Used once, then refused; Bo's code still answers.
            let first = try await client.post("/api/follow-up/\(code)", #"{"answers": {"experienced_effect": 3}}"#)
            #expect(first.status == .ok)
            expectRefusal(
                try await client.post("/api/follow-up/\(code)", #"{"answers": {"experienced_effect": 4}}"#),
                .conflict, "follow_up_used", "this follow-up code was used on 2026-01-01: each code answers once")
            #expect(try fixture.store.followUpMeasures(of: id).map(\.value) == [3])
            // After 28 days Bo's code has expired.
            let boCode = Self.digits(try await offer(client, id, bo).code)
            fixture.clock.advance(by: 28 * 86_400_000)
            expectRefusal(
                try await client.post("/api/follow-up/\(boCode)", #"{"answers": {"experienced_effect": 4}}"#),
                .gone, "follow_up_expired", "this follow-up code expired on 2026-01-28: ask your trainer for a new one")
            let expired = try await client.get("/f/\(boCode)?lang=en")
            PageTests.expectPage(expired, .gone)
            #expect(expired.text.contains("The code expired on 28 January 2026."))
            #expect(try fixture.store.followUpMeasures(of: id).map(\.value) == [3])
        }
    }

    /// Guessing codes runs into the limit of failed attempts.
    @Test func guessingCodesIsRateLimited() async throws {
        let fixture = try Fixture(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, failureBurst: 3, failuresPerSecond: 0.01))
        try await fixture.run { client in
            for _ in 0..<3 {
                #expect(try await client.get("/api/follow-up/ZZZZZZZZZZZZZZZZ").status == .notFound)
            }
            let limited = try await client.get("/api/follow-up/ZZZZZZZZZZZZZZZ1")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(try await client.get("/f/ZZZZZZZZZZZZZZZ2").status == .tooManyRequests)
        }
    }
}
