import Foundation
import HTTPTypes
import HummingbirdTesting
import KraftfeltEngine
import KraftfeltHost
import KraftfeltServer
import Testing

/// The trainers' side of the API: tokens, organisations, sessions, actions and exports.
@Suite(.timeLimit(.minutes(1))) struct TrainerTests {
    static let unauthorised = "this needs a valid token (Authorization: Bearer …)"
    static let exercises =
        "faelles-spoergsmaal, maaling, netvaerksorganisering, opfoelgning, professionel-praksis, "
        + "spoergsmaal-paa-tvaers, summegrupper"

    /// Every trainer route, as method, path and body.
    static func routes(_ id: String) -> [(HTTPRequest.Method, String, String?)] {
        [
            (.get, "/api/exercises", nil),
            (.get, "/api/sessions", nil),
            (.post, "/api/sessions", #"{"exercise":"maaling"}"#),
            (.get, "/api/sessions/\(id)/console", nil),
            (.get, "/api/sessions/\(id)/screen", nil),
            (.post, "/api/sessions/\(id)/actions", #"{"action":"advance"}"#),
            (.get, "/api/sessions/\(id)/export", nil),
            (.get, "/api/sessions/\(id)/transcript", nil),
            (.get, "/console/sessions", nil),
        ]
    }

    @Test func trainerRoutesNeedAGoodTrainerToken() async throws {
        let fixture = try Fixture(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, failureBurst: 1000))
        let revoked = try fixture.server.credentials.issueTrainerToken(for: "default")
        try fixture.server.credentials.revokeTrainerToken(revoked)
        try await fixture.run { client in
            let (id, code) = try await client.create()
            let ann = try await client.join(code: code, name: "Ann")
            let events = try fixture.events(id)
            let tokens: [String?] = [
                nil, "", "wrong", String(repeating: "A", count: 43), revoked, ann.token, fixture.token + "x",
            ]
            for (method, path, body) in Self.routes(id) {
                for token in tokens {
                    let reply = try await client.request(method, path, token: token, body: body)
                    expectRefusal(reply, .unauthorized, "unauthorised", Self.unauthorised)
                }
            }
            #expect(try fixture.events(id) == events)
            #expect(try fixture.host.list().map(\.id) == [id])
            #expect(try await client.console(id).phase == .lobby)
            for (method, path, body) in Self.routes(id) where method == .get {
                let reply = try await client.request(method, path, token: fixture.token, body: body)
                #expect(reply.status == .ok, "\(path): \(reply.text)")
            }
        }
    }

    @Test func wrongTokensFromOneAddressAreRateLimited() async throws {
        let fixture = try Fixture(
            configuration: ServerConfiguration(
                host: "127.0.0.1", port: 0, failureBurst: 2, failuresPerSecond: 0.001))
        try await fixture.run { client in
            for _ in 0..<2 {
                expectRefusal(
                    try await client.get("/api/sessions", token: "wrong"), .unauthorized, "unauthorised",
                    Self.unauthorised)
            }
            let third = try await client.get("/api/sessions", token: "wrong")
            let wait = try #require(third.headers[.retryAfter].flatMap { Int($0) })
            #expect((990...1000).contains(wait))
            expectRefusal(third, .tooManyRequests, "rate_limited", "too many failed attempts; wait \(wait) s")
            // A good token is not held up.
            #expect(try await client.get("/api/sessions", token: fixture.token).status == .ok)
        }
    }

    @Test func anotherOrganisationSeesNoneOfTheSessions() async throws {
        let fixture = try Fixture()
        let other = try fixture.server.credentials.issueTrainerToken(for: "other")
        try await fixture.run { client in
            let (id, code) = try await client.create()
            _ = try await client.join(code: code, name: "Ann")
            let events = try fixture.events(id)
            let list = try await client.get("/api/sessions", token: other)
            #expect(list.status == .ok)
            #expect(list.text == "[]")
            let page = try await client.get("/console/sessions", token: other)
            #expect(page.status == .ok)
            #expect(!page.text.contains(id))
            for (method, path, body) in Self.routes(id) where path.contains(id) {
                let reply = try await client.request(method, path, token: other, body: body)
                expectRefusal(reply, .notFound, "unknown_session", "no session \"\(id)\" here")
            }
            #expect(try fixture.events(id) == events)
            let console = try await client.console(id)
            #expect(console.phase == .lobby)
            #expect(console.people.map(\.name) == ["Ann"])
            // Their own session is theirs alone.
            let theirs = try await client.post("/api/sessions", token: other, #"{"exercise":"maaling"}"#)
            #expect(theirs.status == .created)
            let theirID = try theirs.decode(Created.self).id
            #expect(try await client.get("/api/sessions", token: other).decode([Created].self).map(\.id) == [theirID])
            #expect(
                try await client.get("/api/sessions", token: fixture.token).decode([Created].self).map(\.id) == [id])
        }
    }

    @Test func unknownSessionsAndRoutes() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            expectRefusal(
                try await client.get("/api/sessions/zzzzzzzz/console", token: fixture.token), .notFound,
                "unknown_session", #"no session "zzzzzzzz" here"#)
            expectRefusal(
                try await client.get("/api/sessions/-bad/export", token: fixture.token), .notFound,
                "unknown_session", #"no session "-bad" here"#)
            expectRefusal(
                try await client.act("zzzzzzzz", #"{"action":"advance"}"#), .notFound, "unknown_session",
                #"no session "zzzzzzzz" here"#)
            expectRefusal(
                try await client.get("/api/nothing"), .notFound, "not_found", "no such page or API route")
            expectRefusal(
                try await client.request(.delete, "/api/health"), .notFound, "not_found", "no such page or API route")
        }
    }

    // MARK: Creating sessions

    @Test func aSessionIsCreatedAndListed() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let reply = try await client.post(
                "/api/sessions", token: fixture.token,
                #"{"exercise":"summegrupper","areas":["Sundhed","Skole"],"language":"da"}"#)
            #expect(reply.status == .created, "\(reply.text)")
            let created = try reply.decode(Created.self)
            #expect(created.exercise == "summegrupper")
            #expect(created.live)
            let code = try #require(created.joinCode)
            #expect(!code.isEmpty)
            let listed = try await client.get("/api/sessions", token: fixture.token).decode([Created].self)
            #expect(listed.map(\.id) == [created.id])
            #expect(listed.map(\.joinCode) == [code])
            #expect(try fixture.host.list().map(\.organisation) == ["default"])
            let console = try await client.console(created.id)
            #expect(console.joinCode == code)
            #expect(console.phase == .lobby)
        }
    }

    @Test func theExerciseListNamesTheShippedOnes() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let reply = try await client.get("/api/exercises", token: fixture.token)
            #expect(reply.status == .ok)
            let entries = try #require(
                try JSONSerialization.jsonObject(with: Data(reply.text.utf8)) as? [[String: Any]])
            #expect(entries.compactMap { $0["id"] as? String }.joined(separator: ", ") == Self.exercises)
            let programme = entries.first { $0["id"] as? String == "netvaerksorganisering" }
            #expect(programme?["programme"] as? Bool == true)
        }
    }

    @Test func aSessionThatCannotBeMadeIsRefusedWithItsReason() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let cases: [(String, String)] = [
                (#"{"exercise":"nope"}"#, #"no exercise "nope"; there are: \#(Self.exercises)"#),
                (
                    #"{"exercise":"maaling","script":"return 1"}"#,
                    "give 'exercise' (an id) or 'script' (a Lua text), not both"
                ),
                ("{}", "give 'exercise' (an id) or 'script' (a Lua text)"),
                (#"{"exercise":"maaling","language":"de"}"#, #"'language' must be da or en, got "de""#),
                (#"{"exercise":"maaling","areas":["Skole","Skole"]}"#, "'areas' lists an area twice"),
                (#"{"exercise":"maaling","areas":["Skole"," Skole "]}"#, "'areas' lists an area twice"),
                (
                    #"{"exercise":"maaling","areas":["\#(String(repeating: "a", count: 61))"]}"#,
                    "'areas' lists at most 50 areas of 1 to 60 characters without control characters"
                ),
                (
                    #"{"exercise":"maaling","parameters":{"1x":"a"}}"#,
                    "'parameters' maps at most 64 names (letters, digits, '_') to texts of at most 4096 bytes"
                ),
                (#"{"exercise":3}"#, "'exercise' has the wrong type"),
                (#"{"exercise":"maaling","language":null,"areas":{}}"#, "'areas' has the wrong type"),
            ]
            for (body, message) in cases {
                expectRefusal(
                    try await client.post("/api/sessions", token: fixture.token, body), .badRequest, "invalid",
                    message)
            }
            // A seed that is no UInt64 (Foundation's decoder calls that JSON invalid, without a
            // path): the message names the seed.
            for seed in ["-1", "1.5", "18446744073709551616", "1e30", #""7""#] {
                expectRefusal(
                    try await client.post(
                        "/api/sessions", token: fixture.token, #"{"exercise":"maaling","seed":\#(seed)}"#),
                    .badRequest, "invalid", "'seed': must be a whole number from 0 to 18446744073709551615")
            }
            #expect(try fixture.host.list().isEmpty)
            #expect(try await client.get("/api/sessions", token: fixture.token).text == "[]")
        }
    }

    // MARK: Actions

    @Test func advanceAndStepBack() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create()
            _ = try await client.join(code: code, name: "Ann")
            let events = try fixture.events(id)
            expectRefusal(
                try await client.act(id, #"{"action":"step_back"}"#), .conflict, "nothing_to_undo",
                "there is no advance or skip to take back")
            #expect(try fixture.events(id) == events)

            let advanced = try await client.act(id, #"{"action":"advance"}"#)
            #expect(advanced.status == .ok, "\(advanced.text)")
            let result = try advanced.decode(ActionResult.self)
            #expect(result.action == "advance")
            let revision = try #require(result.revision)
            let console = try await client.console(id)
            #expect(console.phase == .running)
            #expect(console.revision == revision)
            #expect(console.questions.count == 1)

            let back = try await client.act(id, #"{"action":"step_back"}"#)
            #expect(back.status == .ok, "\(back.text)")
            #expect(
                try back.decode(ActionResult.self)
                    == ActionResult(action: "step_back", revision: nil, undone: "advance", kept: 0, dropped: []))
            let after = try await client.console(id)
            #expect(after.phase == .lobby)
            #expect(after.questions.isEmpty)
            #expect(after.people.map(\.name) == ["Ann"])
            // And forward again.
            try await client.advance(id)
            #expect(try await client.console(id).questions.count == 1)
        }
    }

    @Test func anActionThatDoesNotFitIsRefusedWithItsReason() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create()
            _ = try await client.join(code: code, name: "Ann")
            try await client.advance(id)
            let events = try fixture.events(id)
            let before = try await client.console(id)
            let timer = try #require(before.timers.first?.id)
            let cases: [(String, HTTPResponse.Status, String, String)] = [
                (
                    #"{"action":"jump"}"#, .badRequest, "invalid",
                    #"'action' must be advance, extend, skip, remove, end or step_back, got "jump""#
                ),
                (#"{"action":"extend"}"#, .badRequest, "invalid", "'extend' needs 'timer' and 'seconds'"),
                (#"{"action":"extend","timer":1}"#, .badRequest, "invalid", "'extend' needs 'timer' and 'seconds'"),
                (#"{"action":"extend","seconds":60}"#, .badRequest, "invalid", "'extend' needs 'timer' and 'seconds'"),
                (#"{"action":"skip"}"#, .badRequest, "invalid", "'skip' needs 'timer'"),
                (#"{"action":"remove"}"#, .badRequest, "invalid", "'remove' needs 'participant'"),
                (#"{"action":"extend","timer":999,"seconds":60}"#, .conflict, "not_open", "timer 999 is not running"),
                (#"{"action":"skip","timer":999}"#, .conflict, "not_open", "timer 999 is not running"),
                (
                    #"{"action":"remove","participant":"nobody"}"#, .forbidden, "not_in_session",
                    "nobody is not in this session"
                ),
                ("{}", .badRequest, "invalid", "'action' is missing"),
                (
                    #"{"action":"extend","timer":\#(timer),"seconds":0}"#, .badRequest, "invalid",
                    "a timer is extended by 1 s to 1 h"
                ),
                (#"{"action":"skip","timer":"1"}"#, .badRequest, "invalid", "'timer' has the wrong type"),
            ]
            for (body, status, code, message) in cases {
                expectRefusal(try await client.act(id, body), status, code, message)
            }
            expectRefusal(
                try await client.post(
                    "/api/sessions/\(id)/actions", token: fixture.token, #"{"action":"end"}"#,
                    contentType: "text/plain"), .unsupportedMediaType, "unsupported_media_type",
                "the body must be application/json")
            #expect(try fixture.events(id) == events)
            let after = try await client.console(id)
            #expect(after.revision == before.revision)
            #expect(after.phase == .running)
        }
    }

    @Test func extendSkipRemoveAndEnd() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create()
            let ann = try await client.join(code: code, name: "Ann")
            _ = try await client.join(code: code, name: "Bo")
            try await client.advance(id)
            let timer = try #require(try await client.console(id).timers.first)
            let extended = try await client.act(id, #"{"action":"extend","timer":\#(timer.id),"seconds":60}"#)
            #expect(extended.status == .ok, "\(extended.text)")
            #expect(try await client.console(id).timers.first?.endsAt == timer.endsAt + 60_000)

            let removed = try await client.act(id, #"{"action":"remove","participant":"\#(ann.participant)"}"#)
            #expect(removed.status == .ok, "\(removed.text)")
            let ask = try #require(try await client.console(id).questions.first?.id)
            expectRefusal(
                try await client.answer(id, token: ann.token, ask: ask, value: "3"), .forbidden, "not_in_session",
                "the trainer removed \(ann.participant) from the session")

            let skipped = try await client.act(id, #"{"action":"skip","timer":\#(timer.id)}"#)
            #expect(skipped.status == .ok, "\(skipped.text)")
            #expect(try await client.console(id).questions.first?.id != ask, "the next point is asked")

            let ended = try await client.act(id, #"{"action":"end"}"#)
            #expect(ended.status == .ok, "\(ended.text)")
            #expect(try ended.decode(ActionResult.self).action == "end")
            #expect(try await client.console(id).phase == .finished)
        }
    }

    // MARK: Reading

    @Test func theExportHasTheWholeLog() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create()
            let ann = try await client.join(code: code, name: "Ann")
            try await client.advance(id)
            let ask = try await client.openQuestion(id, token: ann.token)
            #expect(try await client.answer(id, token: ann.token, ask: ask, value: "5").status == .ok)
            let reply = try await client.get("/api/sessions/\(id)/export", token: fixture.token)
            #expect(reply.status == .ok)
            #expect(reply.contentType == "application/json; charset=utf-8")
            #expect(reply.headers[.contentDisposition] == "attachment; filename=\"kraftfelt-\(id).json\"")
            let export = try reply.object()
            #expect(export["id"] as? String == id)
            #expect(export["exercise"] as? String == "maaling")
            #expect(export["organisation"] as? String == "default")
            #expect(export["language"] as? String == "da")
            #expect((export["events"] as? [Any])?.count == (try fixture.events(id)))
            let transcript = try await client.get("/api/sessions/\(id)/transcript", token: fixture.token)
            #expect(transcript.status == .ok)
            #expect(transcript.contentType == "text/plain; charset=utf-8")
            #expect(transcript.headers[.contentDisposition] == "attachment; filename=\"kraftfelt-\(id).txt\"")
            #expect(transcript.text == export["transcript"] as? String)
            let screen = try await client.get("/api/sessions/\(id)/screen", token: fixture.token)
            #expect(screen.status == .ok)
            let view = try screen.decode(ScreenView.self)
            #expect(view.joinCode == code)
            #expect(view.joined == 1)
            // Everyone answered the first point, so the second is asked.
            #expect(view.prompt == "Dit bidrag til at opfylde strategien")
            #expect(view.asked == 1)
            #expect(view.answered == 0)
        }
    }
}

/// Sessions from a trainer's own script, and the session's limits.
@Suite(.timeLimit(.minutes(1))) struct ScriptAndLimitTests {
    static let script = """
        return kf.exercise { id = "eget", title = { da = "Eget", en = "Own" }, minutes = 5,
          run = function(s)
            s:ask(s.everyone, { da = "Hvad tager du med?", en = "What do you take along?", kind = "text" })
          end }
        """

    @Test func aSessionFromAScript() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let reply = try await client.post("/api/sessions", token: fixture.token, json(["script": Self.script]))
            #expect(reply.status == .created, "\(reply.text)")
            let created = try reply.decode(Created.self)
            #expect(created.exercise == "script")
            let code = try #require(created.joinCode)
            #expect(try await client.get("/api/join/\(code)").decode(JoinInfo.self).title == "Eget")
            let ann = try await client.join(code: code, name: "Ann", area: "Kultur")
            try await client.advance(created.id)
            let question = try #require(try await client.participantView(created.id, token: ann.token).questions.first)
            #expect(question.prompt == "Hvad tager du med?")
            #expect(
                try await client.answer(created.id, token: ann.token, ask: question.id, value: #""Mod""#).status == .ok)
        }
    }

    /// A script that does not load, or a parameter the exercise refuses, is refused with
    /// the script's own words, and leaves no session behind.
    @Test(arguments: [
        (#"{"script":"return {"}"#, "script.lua:1: unexpected symbol near <eof>"),
        (#"{"exercise":"summegrupper","parameters":{"rundr":"3"}}"#, "summegrupper: there is no parameter 'rundr'"),
    ])
    func anExerciseThatCannotStartIsRefusedAndLeavesNothing(_ body: String, _ why: String) async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let before = try fixture.store.sessions().map(\.id)
            let reply = try await client.post("/api/sessions", token: fixture.token, body)
            #expect(reply.status == .badRequest, "\(reply.text)")
            let error = try reply.decode(ErrorBody.self).error
            #expect(error.code == "invalid")
            #expect(error.message.hasPrefix("the session could not start: "), "\(error.message)")
            #expect(error.message.contains(why), "\(error.message)")
            #expect(try fixture.store.sessions().map(\.id) == before)
            #expect(try await client.get("/api/sessions", token: fixture.token).text == "[]")
        }
    }

    @Test func aScriptLargerThanABodyIsRefused() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let long = Self.script + "\n-- " + String(repeating: "x", count: 100_000)
            let reply = try await client.post("/api/sessions", token: fixture.token, json(["script": long]))
            expectRefusal(reply, .contentTooLarge, "too_large", "the request body has more than 65536 bytes")
            #expect(try fixture.host.list().isEmpty)
        }
    }

    @Test func aFullSessionTakesNoOneMore() async throws {
        let fixture = try Fixture(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, maxParticipants: 2))
        try await fixture.run { client in
            let (id, code) = try await client.create()
            _ = try await client.join(code: code, name: "Ann")
            _ = try await client.join(code: code, name: "Bo")
            let events = try fixture.events(id)
            expectRefusal(
                try await client.joinRequest(code: code, name: "Cy"), .conflict, "full",
                "the session has 2 people, its most")
            #expect(try fixture.events(id) == events)
            #expect(try await client.console(id).people.map(\.name) == ["Ann", "Bo"])
        }
    }

    @Test func anEndedSessionTakesNoJoinsOrAnswers() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create()
            let ann = try await client.join(code: code, name: "Ann")
            _ = try await client.join(code: code, name: "Bo")
            try await client.advance(id)
            let ask = try await client.openQuestion(id, token: ann.token)
            #expect(try await client.act(id, #"{"action":"end"}"#).status == .ok)
            let events = try fixture.events(id)
            #expect(try await client.get("/api/join/\(code)").decode(JoinInfo.self).phase == "finished")
            let join = try await client.joinRequest(code: code, name: "Cy")
            let answer = try await client.answer(id, token: ann.token, ask: ask, value: "3")
            let advance = try await client.act(id, #"{"action":"advance"}"#)
            let back = try await client.act(id, #"{"action":"step_back"}"#)
            expectRefusal(join, .conflict, "ended", "the session has ended")
            expectRefusal(answer, .conflict, "ended", "the session has ended")
            expectRefusal(advance, .conflict, "ended", "the session has ended")
            expectRefusal(back, .conflict, "ended", "the session has ended; there is no step to take back")
            #expect(try fixture.events(id) == events)
        }
    }

    @Test func bodiesTakeJSONWithACharsetAndAnyCase() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create()
            for (name, contentType) in [("Ann", "application/json; charset=utf-8"), ("Bo", "Application/JSON")] {
                let body = json(["code": code, "name": name, "area": "Skole", "language": "en"])
                let reply = try await client.post("/api/join", body, contentType: contentType)
                #expect(reply.status == .created, "\(contentType): \(reply.text)")
            }
            #expect(try await client.console(id).people.map(\.name) == ["Ann", "Bo"])
        }
    }

    @Test func aParticipantReadsTheirLanguage() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create()
            let ann = try await client.join(code: code, name: "Ann")
            let reply = try await client.joinRequest(code: code, name: "Bo", language: "en")
            let bo = try reply.decode(Joined.self)
            let cy = try await client.joinRequest(code: code, name: "Cy", language: nil).decode(Joined.self)
            try await client.advance(id)
            #expect(
                try await client.participantView(id, token: ann.token).questions.first?.prompt
                    == "Oplevet effekt af dit arbejde")
            let english = try await client.participantView(id, token: bo.token)
            #expect(english.language == "en")
            #expect(english.questions.first?.prompt == "Experienced effect of your work")
            #expect(try await client.participantView(id, token: cy.token).language == "da")
        }
    }
}
