import Foundation
import HTTPTypes
import HummingbirdTesting
import KraftfeltEngine
import KraftfeltHost
import KraftfeltServer
import Testing

/// The participants' side of the API: health, join info, joining and answering.
@Suite(.timeLimit(.minutes(1))) struct JoinAndAnswerTests {
    static let validationMessage = "'name' must have 1 to 60 characters without control characters"

    @Test func healthCountsTheLiveSessions() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let before = try await client.get("/api/health")
            #expect(before.status == .ok)
            #expect(before.contentType == "application/json; charset=utf-8")
            #expect(before.text == #"{"sessions":0,"status":"ok"}"#)
            _ = try await client.create()
            #expect(try await client.get("/api/health").text == #"{"sessions":1,"status":"ok"}"#)
        }
    }

    @Test func joinInfoForAGoodCodeAndAnUnknownOne() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create("summegrupper")
            let info = try await client.get("/api/join/\(code)")
            #expect(info.status == .ok)
            #expect(
                try info.decode(JoinInfo.self)
                    == JoinInfo(
                        session: id, code: code, title: "Summegrupper", areas: ["Sundhed", "Skole"],
                        languages: ["da", "en"], phase: "lobby"))
            // A code as people type it: lower case, with a dash.
            let typed = code.lowercased().prefix(3) + "-" + code.lowercased().dropFirst(3)
            #expect(try await client.get("/api/join/\(typed)").decode(JoinInfo.self).session == id)
            expectRefusal(
                try await client.get("/api/join/QQQQQQQQQQ"), .notFound, "unknown_code", "no open session has that code"
            )
        }
    }

    @Test func aJoinAddsThePersonAndGivesTheirToken() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create()
            let events = try fixture.events(id)
            let joined = try await client.join(code: code, name: "  Ann  ", area: "Skole")
            #expect(joined.session == id)
            #expect(joined.token.hasPrefix(joined.participant + "."))
            #expect(try fixture.events(id) > events)
            let people = try await client.console(id).people
            #expect(people.map(\.name) == ["Ann"], "the name is trimmed")
            #expect(people.map(\.area) == ["Skole"])
            #expect(people.map(\.id) == [joined.participant])
            let view = try await client.participantView(id, token: joined.token)
            #expect(view.you.name == "Ann")
            #expect(view.language == "da")
            // 60 characters is the longest name.
            let long = try await client.join(code: code, name: String(repeating: "æ", count: 60))
            #expect(try await client.console(id).people.map(\.id) == [joined.participant, long.participant])
        }
    }

    /// Every refused join leaves the session as it was.
    @Test func aJoinThatDoesNotFitIsRefusedWithItsReason() async throws {
        let fixture = try Fixture(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, joinBurst: 1000))
        try await fixture.run { client in
            let (id, code) = try await client.create()
            let events = try fixture.events(id)
            func expectNothingChanged(sourceLocation: SourceLocation = #_sourceLocation) async throws {
                #expect(try fixture.events(id) == events, sourceLocation: sourceLocation)
                #expect(try await client.console(id).people.isEmpty, sourceLocation: sourceLocation)
            }
            expectRefusal(
                try await client.joinRequest(code: "QQQQQQQQQQ", name: "Ann"), .notFound, "unknown_code",
                "no open session has that code")
            for name in ["", "   ", String(repeating: "a", count: 61), "Ann\u{7}", "A\nB", "Ann\u{0}"] {
                expectRefusal(
                    try await client.joinRequest(code: code, name: name), .badRequest, "invalid",
                    Self.validationMessage)
            }
            expectRefusal(
                try await client.joinRequest(code: code, name: "Ann", area: "Kultur"), .badRequest, "invalid",
                #"'area' must be one of the session's areas (Sundhed, Skole), got "Kultur""#)
            expectRefusal(
                try await client.joinRequest(code: code, name: "Ann", language: "de"), .badRequest, "invalid",
                #"'language' must be da or en, got "de""#)
            try await expectNothingChanged()

            let good = json(["code": code, "name": "Ann", "area": "Sundhed"])
            for contentType in ["text/plain", "application/x-www-form-urlencoded", nil] {
                expectRefusal(
                    try await client.post("/api/join", good, contentType: contentType), .unsupportedMediaType,
                    "unsupported_media_type", "the body must be application/json")
            }
            let bodies: [(String, String)] = [
                (#"{"code":"#, "the body is not valid JSON"),
                ("", "the body is not valid JSON"),
                ("[1]", "the body must be a JSON object"),
                (#"{"code":"\#(code)","name":"Ann"}"#, "'area' is missing"),
                (#"{"name":"Ann","area":"Sundhed"}"#, "'code' is missing"),
                (#"{"code":1,"name":"Ann","area":"Sundhed"}"#, "'code' has the wrong type"),
                (#"{"code":"\#(code)","name":null,"area":"Sundhed"}"#, "'name' is missing"),
            ]
            for (body, message) in bodies {
                expectRefusal(try await client.post("/api/join", body), .badRequest, "invalid", message)
            }
            // More than 64 KB, though it is a good join otherwise.
            let padded = json([
                "code": code, "name": "Ann", "area": "Sundhed", "pad": String(repeating: "x", count: 70_000),
            ])
            expectRefusal(
                try await client.post("/api/join", padded), .contentTooLarge, "too_large",
                "the request body has more than 65536 bytes")
            try await expectNothingChanged()
            // And then a good one goes through.
            _ = try await client.join(code: code, name: "Ann")
            #expect(try fixture.events(id) > events)
        }
    }

    @Test func aSessionWithoutAreasTakesAnyPlainArea() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create(areas: [])
            #expect(try await client.get("/api/join/\(code)").decode(JoinInfo.self).areas == [])
            expectRefusal(
                try await client.joinRequest(code: code, name: "Ann", area: " "), .badRequest, "invalid",
                "'area' must have 1 to 60 characters without control characters")
            expectRefusal(
                try await client.joinRequest(code: code, name: "Ann", area: "Skole\u{1B}[31m"), .badRequest, "invalid",
                "'area' must have 1 to 60 characters without control characters")
            #expect(try await client.console(id).people.isEmpty)
            _ = try await client.join(code: code, name: "Ann", area: "Kultur")
            #expect(try await client.console(id).people.map(\.area) == ["Kultur"])
        }
    }

    @Test func joinsFromOneAddressAreRateLimited() async throws {
        let fixture = try Fixture(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, joinBurst: 2, joinsPerSecond: 0.001))
        try await fixture.run { client in
            let (id, code) = try await client.create()
            _ = try await client.join(code: code, name: "Ann")
            _ = try await client.join(code: code, name: "Bo")
            let events = try fixture.events(id)
            let third = try await client.joinRequest(code: code, name: "Cy")
            // One join more comes in 1000 s (a little less if this test ran slowly).
            let wait = try #require(third.headers[.retryAfter].flatMap { Int($0) })
            #expect((990...1000).contains(wait))
            expectRefusal(third, .tooManyRequests, "rate_limited", "too many joins from here; wait \(wait) s")
            #expect(try fixture.events(id) == events)
            #expect(try await client.console(id).people.map(\.name) == ["Ann", "Bo"])
        }
    }

    // MARK: Answers

    /// A `maaling` session with Ann and Bo, advanced to its first scale question (1 to 5).
    func startMeasuring(_ client: ServerClient) async throws -> (id: String, ann: Joined, bo: Joined, ask: Int) {
        let (id, code) = try await client.create()
        let ann = try await client.join(code: code, name: "Ann")
        let bo = try await client.join(code: code, name: "Bo", area: "Skole")
        try await client.advance(id)
        let ask = try await client.openQuestion(id, token: ann.token)
        #expect(try await client.openQuestion(id, token: bo.token) == ask)
        return (id, ann, bo, ask)
    }

    @Test func anAnswerIsTakenOnce() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, ann, _, ask) = try await startMeasuring(client)
            let events = try fixture.events(id)
            let reply = try await client.answer(id, token: ann.token, ask: ask, value: "4")
            #expect(reply.status == .ok, "\(reply.text)")
            let receipt = try reply.decode(Receipt.self)
            let logged = try fixture.events(id)
            #expect(logged > events)
            #expect(receipt.event == logged)
            let question = try #require(try await client.console(id).questions.first)
            #expect(question.id == ask)
            #expect(question.answers.map(\.who) == [ann.participant])
            #expect(question.answers.map(\.value) == [.number(4)])
            let mine = try await client.participantView(id, token: ann.token).questions.first { $0.id == ask }
            #expect(mine?.answered == true)
            #expect(mine?.answer == .number(4))

            // The same request again, and another value: both refused, nothing logged.
            let again = "\(ann.participant) has already answered question \(ask)"
            expectRefusal(
                try await client.answer(id, token: ann.token, ask: ask, value: "4"), .conflict, "already_answered",
                again)
            expectRefusal(
                try await client.answer(id, token: ann.token, ask: ask, value: "2"), .conflict, "already_answered",
                again)
            #expect(try fixture.events(id) == logged)
            #expect(try await client.console(id).questions.first?.answers.map(\.value) == [.number(4)])
        }
    }

    @Test func anAnswerThatDoesNotFitIsRefused() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, _, bo, ask) = try await startMeasuring(client)
            let events = try fixture.events(id)
            expectRefusal(
                try await client.answer(id, token: bo.token, ask: ask + 100, value: "3"), .conflict, "not_open",
                "question \(ask + 100) is not open")
            expectRefusal(
                try await client.answer(id, token: bo.token, ask: ask, value: "9"), .badRequest, "invalid",
                "the answer must be from 1 to 5")
            expectRefusal(
                try await client.answer(id, token: bo.token, ask: ask, value: "2.5"), .badRequest, "invalid",
                "a scale answer is a whole number")
            expectRefusal(
                try await client.answer(id, token: bo.token, ask: ask, value: #""meget""#), .badRequest, "invalid",
                "a scale question cannot take that kind of answer")
            expectRefusal(
                try await client.answer(id, token: bo.token, ask: ask, value: "{}"), .badRequest, "invalid",
                "'value': 'value' must be a string, a number or a list of strings")
            expectRefusal(
                try await client.post("/api/sessions/\(id)/answers", token: bo.token, #"{"value":3}"#), .badRequest,
                "invalid", "'ask' is missing")
            expectRefusal(
                try await client.post(
                    "/api/sessions/\(id)/answers", token: bo.token, #"{"ask":1,"value":3}"#,
                    contentType: "text/plain"), .unsupportedMediaType, "unsupported_media_type",
                "the body must be application/json")
            #expect(try fixture.events(id) == events)
            #expect(try await client.console(id).questions.first?.answers.isEmpty == true)
        }
    }

    @Test func anAnswerNeedsTheParticipantsOwnTokenForThatSession() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, ann, bo, ask) = try await startMeasuring(client)
            let (other, otherCode) = try await client.create()
            let stranger = try await client.join(code: otherCode, name: "Cy")
            let events = try fixture.events(id)
            let otherEvents = try fixture.events(other)
            let mac = try #require(bo.token.split(separator: ".").last)
            let tokens: [String?] = [
                nil,
                stranger.token,  // a good token of another session
                "\(bo.participant).AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // forged
                "\(ann.participant).\(mac)",  // Bo's signature on Ann's id
                bo.participant,  // no signature at all
                fixture.token,  // a trainer's token
                "",
            ]
            for token in tokens {
                expectRefusal(
                    try await client.answer(id, token: token, ask: ask, value: "3"), .unauthorized, "unauthorised",
                    "this needs a valid token (Authorization: Bearer …)")
                expectRefusal(
                    try await client.get("/api/sessions/\(id)/participant", token: token), .unauthorized,
                    "unauthorised", "this needs a valid token (Authorization: Bearer …)")
            }
            // Not a bearer token.
            let basic = try await client.request(
                .post, "/api/sessions/\(id)/answers", body: #"{"ask":\#(ask),"value":3}"#,
                headers: [.authorization: "Basic \(bo.token)"])
            expectRefusal(basic, .unauthorized, "unauthorised", "this needs a valid token (Authorization: Bearer …)")
            #expect(try fixture.events(id) == events)
            #expect(try fixture.events(other) == otherEvents)
            #expect(try await client.console(id).questions.first?.answers.isEmpty == true)
            // Bo's own token still works.
            #expect(try await client.answer(id, token: bo.token, ask: ask, value: "3").status == .ok)
        }
    }

    @Test func answersOfOneParticipantAreRateLimited() async throws {
        let fixture = try Fixture(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, answerBurst: 1, answersPerSecond: 0.001))
        try await fixture.run { client in
            let (id, ann, bo, ask) = try await startMeasuring(client)
            #expect(try await client.answer(id, token: ann.token, ask: ask, value: "5").status == .ok)
            let events = try fixture.events(id)
            let second = try await client.answer(id, token: ann.token, ask: ask, value: "5")
            let wait = try #require(second.headers[.retryAfter].flatMap { Int($0) })
            #expect((990...1000).contains(wait))
            expectRefusal(second, .tooManyRequests, "rate_limited", "too many answers; wait \(wait) s")
            #expect(try fixture.events(id) == events)
            // Another participant has an allowance of their own.
            #expect(try await client.answer(id, token: bo.token, ask: ask, value: "1").status == .ok)
        }
    }
}
