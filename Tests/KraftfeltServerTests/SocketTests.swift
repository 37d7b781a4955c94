import Foundation
import HTTPTypes
import HummingbirdTesting
import HummingbirdWSTesting
import KraftfeltEngine
import KraftfeltHost
import KraftfeltServer
import Testing
import WSClient

/// The WebSockets that carry each new view of a screen, and what they refuse.
@Suite(.timeLimit(.minutes(1))) struct SocketTests {
    static let unauthorised = "this needs a valid token (Authorization: Bearer …)"

    /// The refusal a socket gets instead of views, and that it closes after it.
    static func expectRefused(
        _ inbox: Inbox, _ code: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let refusal = try #require(try await inbox.nextObject(), sourceLocation: sourceLocation)
        #expect(refusal["type"] as? String == "error", sourceLocation: sourceLocation)
        #expect(refusal["code"] as? String == code, sourceLocation: sourceLocation)
        #expect(refusal["message"] as? String == message, sourceLocation: sourceLocation)
        #expect(try await inbox.next() == nil, "the socket closes", sourceLocation: sourceLocation)
    }

    @Test func aParticipantGetsEachNewView() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let (id, code) = try await client.create()
            let ann = try await client.join(code: code, name: "Ann")
            try await client.socket("/ws/sessions/\(id)?view=participant") { inbox, writer in
                try await writer.hello(ann.token)
                let first = try await inbox.view(after: -1)
                let revision = try #require(first["revision"] as? Int)
                let view = try #require(first["view"] as? [String: Any])
                #expect(view["phase"] as? String == "lobby")
                #expect((view["you"] as? [String: Any])?["name"] as? String == "Ann")
                #expect(first["at"] is Int)
                let html = try #require(first["html"] as? String)
                #expect(html.contains("Ann"))
                PageTests.expectNothingInline(html)

                try await client.advance(id)
                let next = try await inbox.view(after: revision)
                let nextView = try #require(next["view"] as? [String: Any])
                #expect(nextView["phase"] as? String == "running")
                #expect((nextView["questions"] as? [Any])?.count == 1)
                let nextHTML = try #require(next["html"] as? String)
                #expect(nextHTML.contains("Oplevet effekt af dit arbejde"))
                PageTests.expectNothingInline(nextHTML)
            }
        }
    }

    /// The socket's address answers a plain GET (a browser's address bar, a crawler) with
    /// what it needs.
    @Test func aPlainGetOfTheSocketsAddressIsToldToUpgrade() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, _) = try await client.create()
            expectRefusal(
                try await client.get("/ws/sessions/\(id)?view=screen"), .upgradeRequired, "upgrade_required",
                "this address takes WebSocket connections only")
        }
    }

    /// The page's script asks for HTML only: a push without `data` carries no view, so a
    /// room of thousands is not encoded twice for each screen.
    @Test func aClientThatAsksForNoDataGetsOnlyTheHTML() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let (id, code) = try await client.create()
            let ann = try await client.join(code: code, name: "Ann")
            try await client.socket("/ws/sessions/\(id)?view=participant") { inbox, writer in
                try await writer.hello(ann.token, data: false)
                let first = try await inbox.view(after: -1)
                #expect(first["view"] == nil)
                #expect(Set(first.keys) == ["type", "revision", "at", "html"])
                #expect((first["html"] as? String)?.contains("Ann") == true)
            }
        }
    }

    @Test func theTrainersScreensGetTheirViews() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let (id, code) = try await client.create()
            try await client.socket("/ws/sessions/\(id)?view=console") { inbox, writer in
                try await writer.hello(fixture.token)
                let first = try await inbox.view(after: -1)
                let revision = try #require(first["revision"] as? Int)
                _ = try await client.join(code: code, name: "Ann")
                let next = try await inbox.view(after: revision)
                let people = (next["view"] as? [String: Any])?["people"] as? [[String: Any]]
                #expect(people?.compactMap { $0["name"] as? String } == ["Ann"])
                let html = try #require(next["html"] as? String)
                #expect(html.contains("<td>Ann</td>"))
                PageTests.expectNothingInline(html)
            }
            try await client.socket("/ws/sessions/\(id)?view=screen") { inbox, writer in
                try await writer.hello(fixture.token)
                let first = try await inbox.view(after: -1)
                let view = try #require(first["view"] as? [String: Any])
                #expect(view["joinCode"] as? String == code)
                #expect(view["joined"] as? Int == 1)
                let html = try #require(first["html"] as? String)
                #expect(html.contains(code))
                #expect(html.contains("<svg"), "the QR code")
                PageTests.expectNothingInline(html)
            }
        }
    }

    @Test func aWrongTokenIsRefusedAndTheSocketCloses() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let (id, code) = try await client.create()
            let ann = try await client.join(code: code, name: "Ann")
            let (_, otherCode) = try await client.create()
            let stranger = try await client.join(code: otherCode, name: "Cy")
            for token in ["nope", stranger.token, fixture.token, "\(ann.participant).AAAA"] {
                let close = try await client.socket("/ws/sessions/\(id)?view=participant") { inbox, writer in
                    try await writer.hello(token)
                    try await Self.expectRefused(inbox, "unauthorised", Self.unauthorised)
                }
                #expect(close?.code == SocketClose.policyViolation)
                #expect(close?.reason == "unauthorised")
            }
            // A participant's token does not open the trainer's screens.
            for view in ["console", "screen"] {
                try await client.socket("/ws/sessions/\(id)?view=\(view)") { inbox, writer in
                    try await writer.hello(ann.token)
                    try await Self.expectRefused(inbox, "unauthorised", Self.unauthorised)
                }
            }
        }
    }

    @Test func aFirstMessageThatIsNotAHelloIsRefused() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let (id, _) = try await client.create()
            let message = #"the first message must be {"token": "…"}"#
            for text in ["hello", "{}", #"{"token":3}"#, "[]"] {
                let close = try await client.socket("/ws/sessions/\(id)?view=console") { inbox, writer in
                    try await writer.text(text)
                    try await Self.expectRefused(inbox, "invalid", message)
                }
                #expect(close?.code == SocketClose.policyViolation)
                #expect(close?.reason == "invalid")
            }
            try await client.socket("/ws/sessions/\(id)?view=console") { inbox, writer in
                try await writer.binary(#"{"token":"\#(fixture.token)"}"#)
                try await Self.expectRefused(inbox, "invalid", message)
            }
        }
    }

    @Test func anotherOrganisationsTrainerIsToldThereIsNoSuchSession() async throws {
        let fixture = try Fixture()
        let other = try fixture.server.credentials.issueTrainerToken(for: "other")
        try await fixture.run(.live) { client in
            let (id, _) = try await client.create()
            for view in ["console", "screen"] {
                try await client.socket("/ws/sessions/\(id)?view=\(view)") { inbox, writer in
                    try await writer.hello(other)
                    try await Self.expectRefused(inbox, "unknown_session", "no session \"\(id)\" here")
                }
            }
        }
    }

    /// The response head of an upgrade the server refuses (nil, and an issue, when it upgrades).
    static func refusedUpgrade(
        _ client: ServerClient, _ path: String, origin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> String? {
        do {
            try await client.socket(path, origin: origin) { _, _ in }
            Issue.record("upgraded: \(path)", sourceLocation: sourceLocation)
        } catch let refused as RawWebSocket.Refused {
            return refused.head
        } catch {
            Issue.record(error, sourceLocation: sourceLocation)
        }
        return nil
    }

    /// On the live server every refused upgrade is a bare `400 Bad Request`: Hummingbird
    /// turns a WebSocket route's refusal into `.dontUpgrade`. The route's own answers are
    /// checked through the router below.
    @Test func anUpgradeIsRefusedForABadViewOrSessionOrSite() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let (id, _) = try await client.create()
            let port = try #require(client.client.port)
            let refused: [(String, String?)] = [
                ("/ws/sessions/\(id)?view=bogus", nil), ("/ws/sessions/\(id)", nil),
                ("/ws/sessions/zzzzzzzz?view=participant", nil), ("/ws/sessions/-bad?view=participant", nil),
                ("/ws/sessions/\(id)?view=console", "https://elsewhere.example"),
                ("/ws/sessions/\(id)?view=console", "http://127.0.0.1:\(port + 1)"),
                ("/ws/sessions/\(id)?view=console", "http://127.0.0.1.elsewhere.example:\(port)"),
            ]
            for (path, origin) in refused {
                let head = await Self.refusedUpgrade(client, path, origin: origin)
                #expect(head?.hasPrefix("HTTP/1.1 400 ") == true, "\(path) from \(origin ?? "-"): \(head ?? "")")
            }
            // The page's own origin is welcome, and so is no origin (a command line client).
            for origin in ["http://127.0.0.1:\(port)", nil] {
                try await client.socket("/ws/sessions/\(id)?view=console", origin: origin) { inbox, writer in
                    try await writer.hello(fixture.token)
                    #expect(try await inbox.view(after: -1)["type"] as? String == "view")
                }
            }
        }
        // What the route says when it refuses.
        let again = try Fixture()
        try await again.run { client in
            let (id, _) = try await client.create()
            let message = "'view' must be participant, console or screen"
            expectRefusal(try await client.get("/ws/sessions/\(id)?view=bogus"), .badRequest, "invalid", message)
            expectRefusal(try await client.get("/ws/sessions/\(id)"), .badRequest, "invalid", message)
            expectRefusal(
                try await client.get("/ws/sessions/zzzzzzzz?view=participant"), .notFound, "unknown_session",
                #"no session "zzzzzzzz" here"#)
            expectRefusal(
                try await client.get(
                    "/ws/sessions/\(id)?view=participant", headers: [.origin: "https://elsewhere.example"]),
                .forbidden, "forbidden", "a WebSocket from another site is refused")
        }
    }

    /// The refusal a client of the live server gets has neither the route's status and
    /// error body nor the security headers every other response carries.
    @Test func aRefusedUpgradeOnTheLiveServerSaysWhy() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let head = await Self.refusedUpgrade(client, "/ws/sessions/zzzzzzzz?view=participant") ?? ""
            withKnownIssue("Hummingbird answers a refused upgrade with a bare 400") {
                #expect(head.hasPrefix("HTTP/1.1 404 "), "\(head)")
                #expect(head.lowercased().contains("content-security-policy: "), "\(head)")
            }
        }
    }

    /// HummingbirdWSTesting's client (swift-websocket's, which sends `Origin: ws://localhost`)
    /// is let in too.
    @Test func hummingbirdsTestClientGetsViews() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let (id, code) = try await client.create()
            let ann = try await client.join(code: code, name: "Ann")
            let received = Collected<String>()
            let close = try await client.client.ws("/ws/sessions/\(id)?view=participant") { inbound, outbound, _ in
                try await outbound.write(.text(#"{"token":\#(json(ann.token)),"data":true}"#))
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                if case .text(let text)? = try await messages.next() { await received.set("first", text) }
                try await outbound.close(.normalClosure, reason: nil)
            }
            #expect(close?.closeCode == .normalClosure)
            let first = try #require(await received.values["first"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
            #expect(object["type"] as? String == "view")
            #expect(((object["view"] as? [String: Any])?["you"] as? [String: Any])?["name"] as? String == "Ann")
        }
    }

    @Test func aClientThatHasTheCurrentViewGetsOnlyTheNextOne() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let (id, code) = try await client.create()
            let ann = try await client.join(code: code, name: "Ann")
            let path = "/ws/sessions/\(id)?view=participant"
            let current = try await client.participantView(id, token: ann.token).revision
            // An older revision, or none: the current view comes at once.
            for revision in [nil, current - 1] {
                try await client.socket(path) { inbox, writer in
                    try await writer.hello(ann.token, revision: revision)
                    let first = try #require(try await inbox.nextObject())
                    #expect(first["type"] as? String == "view")
                    #expect(first["revision"] as? Int == current)
                }
            }
            // The current revision: the first view to arrive is the one after the advance.
            try await client.socket(path) { inbox, writer in
                try await writer.hello(ann.token, revision: current)
                try await client.advance(id)
                let first = try #require(try await inbox.nextObject())
                #expect(first["type"] as? String == "view")
                let revision = try #require(first["revision"] as? Int)
                #expect(revision > current)
                #expect((first["view"] as? [String: Any])?["phase"] as? String == "running")
            }
        }
    }

    @Test func wrongTokensOnSocketsAreRateLimited() async throws {
        let fixture = try Fixture(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, failureBurst: 1, failuresPerSecond: 0.001))
        try await fixture.run(.live) { client in
            let (id, _) = try await client.create()
            try await client.socket("/ws/sessions/\(id)?view=console") { inbox, writer in
                try await writer.hello("wrong")
                try await Self.expectRefused(inbox, "unauthorised", Self.unauthorised)
            }
            let close = try await client.socket("/ws/sessions/\(id)?view=console") { inbox, writer in
                try await writer.hello("wrong")
                let refusal = try #require(try await inbox.nextObject())
                #expect(refusal["code"] as? String == "rate_limited")
                let message = try #require(refusal["message"] as? String)
                #expect(message.hasPrefix("too many failed attempts; wait "))
                #expect(try await inbox.next() == nil)
            }
            #expect(close == SocketClose(code: SocketClose.policyViolation, reason: "rate_limited"))
        }
    }

    @Test func aMessageLargerThanTheLimitClosesTheSocket() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let (id, _) = try await client.create()
            let close = try await client.socket("/ws/sessions/\(id)?view=console") { inbox, writer in
                try await writer.text(#"{"token":"\#(String(repeating: "x", count: 20_000))"}"#)
                #expect(try await inbox.next() == nil, "no view, no refusal: the socket closes")
            }
            #expect(close?.code == 1009, "message too big")
        }
    }

    @Test func aSocketClosesWhenTheSessionStopsRunning() async throws {
        let fixture = try Fixture()
        try await fixture.run(.live) { client in
            let (id, _) = try await client.create()
            let close = try await client.socket("/ws/sessions/\(id)?view=console") { inbox, writer in
                try await writer.hello(fixture.token)
                _ = try await inbox.view(after: -1)
                await fixture.host.stop(id)
                #expect(try await inbox.next() == nil)
            }
            #expect(close == SocketClose(code: SocketClose.normalClosure, reason: "the session is closed"))
        }
    }

    // MARK: Escaping

    /// A hostile name and answer reach the trainer's and the beamer's HTML as text, never
    /// as markup.
    @Test func aHostileNameAndAnswerAreEscapedOnEveryScreen() async throws {
        let fixture = try Fixture()
        let hostile = "<script>alert(1)</script>"
        try await fixture.run(.live) { client in
            let (id, code) = try await client.create("summegrupper")
            let mallory = try await client.join(code: code, name: hostile, area: "Sundhed")
            _ = try await client.join(code: code, name: "Bo", area: "Skole")
            try await client.advance(id)
            // The text question comes after the group's timers.
            var question: QuestionView?
            for _ in 0..<8 where question == nil {
                fixture.clock.advance(by: 4 * 60 * 1000)
                question = try await client.participantView(id, token: mallory.token).questions.first
            }
            let ask = try #require(question)
            #expect(ask.kind == "text")
            #expect(ask.prompt == "Skriv dit mål ned.")
            let answered = try await client.answer(id, token: mallory.token, ask: ask.id, value: json(hostile))
            #expect(answered.status == .ok, "\(answered.text)")
            let console = try await client.console(id)
            #expect(console.questions.first?.answers.map(\.value) == [.text(hostile)])

            let collected = Collected<String>()
            for (view, token) in [
                ("console", fixture.token), ("screen", fixture.token), ("participant", mallory.token),
            ] {
                try await client.socket("/ws/sessions/\(id)?view=\(view)") { inbox, writer in
                    try await writer.hello(token)
                    let push = try await inbox.view(after: -1)
                    let html = try #require(push["html"] as? String)
                    await collected.set(view, html)
                }
            }
            let pages = await collected.values
            for (view, html) in pages {
                #expect(!html.contains("<script"), "\(view): \(html)")
                #expect(!html.contains("alert(1)</"), "\(view)")
                PageTests.expectNothingInline(html)
            }
            let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
            let consoleHTML = try #require(pages["console"])
            #expect(consoleHTML.contains("<td>\(escaped)</td>"), "the name in the people table")
            #expect(consoleHTML.contains("<strong>\(escaped)</strong>: \(escaped)"), "the answer")
            #expect(try #require(pages["screen"]).contains(escaped), "the groups shown on the beamer")
            #expect(try #require(pages["participant"]).contains(escaped), "the person's own name")
        }
    }

    /// What a trainer gives (areas, a script's title and what it shows) is text on every page too.
    @Test func aTrainersTextsAreEscapedToo() async throws {
        let fixture = try Fixture()
        let hostile = "<img src=x onerror=alert(2)>"
        let script = """
            return kf.exercise { id = "eget", title = { da = \(json(hostile)), en = \(json(hostile)) }, minutes = 5,
              run = function(s)
                s:show(\(json(hostile)))
                s:wait_for_trainer("Klar?")
              end }
            """
        try await fixture.run(.live) { client in
            struct Body: Encodable {
                var script: String
                var areas: [String]
            }
            let reply = try await client.post(
                "/api/sessions", token: fixture.token, json(Body(script: script, areas: [hostile, "Skole"])))
            #expect(reply.status == .created, "\(reply.text)")
            let created = try reply.decode(Created.self)
            #expect(!created.state.hasPrefix("failed"), "\(created.state)")
            let code = try #require(created.joinCode)
            let info = try await client.get("/api/join/\(code)").decode(JoinInfo.self)
            #expect(info.title == hostile)
            #expect(info.areas == [hostile, "Skole"])
            let mallory = try await client.join(code: code, name: "Mallory", area: hostile)
            try await client.advance(created.id)

            let escaped = "&lt;img src=x onerror=alert(2)&gt;"
            let join = try await client.get("/j/\(code)")
            #expect(join.status == .ok)
            #expect(!join.text.contains("<img"))
            #expect(join.text.contains(escaped))
            let collected = Collected<String>()
            for (view, token) in [
                ("console", fixture.token), ("screen", fixture.token), ("participant", mallory.token),
            ] {
                try await client.socket("/ws/sessions/\(created.id)?view=\(view)") { inbox, writer in
                    try await writer.hello(token)
                    let push = try await inbox.view(after: -1)
                    await collected.set(view, try #require(push["html"] as? String))
                }
            }
            let pages = await collected.values
            #expect(pages.count == 3)
            for (view, html) in pages {
                #expect(!html.contains("<img"), "\(view): \(html)")
                #expect(html.contains(escaped), "\(view): \(html)")
            }
        }
    }
}
