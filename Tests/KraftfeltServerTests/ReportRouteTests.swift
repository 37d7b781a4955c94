import Foundation
import HTTPTypes
import HummingbirdTesting
import KraftfeltEngine
import KraftfeltHost
import KraftfeltServer
import KraftfeltStore
import Testing

/// The console's reports: the same HTML, JSON and CSV as `kraftfelt report`, for the
/// trainer's own organisation only.
@Suite(.timeLimit(.minutes(1))) struct ReportRouteTests {
    @Test func aSessionsReportComesAsHTMLJSONAndAnonymousCSV() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, ann, _) = try await FollowUpTests().finished(client)
            let code = try await FollowUpTests().offer(client, id, ann).code.replacingOccurrences(of: "-", with: "")
            #expect(
                try await client.post("/api/follow-up/\(code)", #"{"answers": {"experienced_effect": 5}}"#).status
                    == .ok)
            let html = try await client.get("/api/sessions/\(id)/report", token: client.trainer)
            #expect(html.status == .ok)
            #expect(html.contentType == "text/html; charset=utf-8")
            #expect(
                html.headers[.contentDisposition] == "attachment; filename=\"kraftfelt-report-\(id).html\"")
            #expect(html.text.contains("Oplevet effekt af dit arbejde"))
            #expect(!html.text.contains("Ann") && !html.text.contains("Kaffe med Skole"), "no names, no texts")
            let english = try await client.get("/api/sessions/\(id)/report?lang=en", token: client.trainer)
            #expect(english.text.contains("Experienced effect of your work"))
            let json = try await client.get("/api/sessions/\(id)/report?format=json", token: client.trainer)
            #expect(json.contentType == "application/json; charset=utf-8")
            let numbers = try json.object()
            #expect((numbers["participants"] as? Int) == 2)
            let csv = try await client.get("/api/sessions/\(id)/report?format=csv", token: client.trainer)
            #expect(csv.contentType == "text/csv; charset=utf-8")
            let rows = csv.text.split(separator: "\r\n").map(String.init)
            #expect(rows.first?.hasPrefix("organisation,session,session_started,") == true)
            #expect(rows.contains { $0.contains(",experienced_effect,") && $0.contains(",follow-up,") })
            #expect(!csv.text.contains(ann.participant), "pseudonyms, not participant ids")
            #expect(!csv.text.contains("Kaffe med Skole"), "no free texts")
            // The organisation's sessions over time.
            let all = try await client.get("/api/report?from=2026-01-01&to=2026-01-01", token: client.trainer)
            #expect(all.status == .ok)
            #expect(all.headers[.contentDisposition] == "attachment; filename=\"kraftfelt-report-default.html\"")
        }
    }

    /// What an exercise declares reaches the report, read from the store without running it.
    @Test func anExercisesOwnIndicatorIsReportedWithItsLabel() async throws {
        let script = """
            return kf.exercise { id = "energi", title = { da = "Energi", en = "Energy" }, minutes = 5,
              indicators = { { id = "room_energy", label = { da = "Energi i rummet", en = "Energy in the room" },
                               kind = "scale", min = 1, max = 7 } },
              run = function(s)
                for _, a in ipairs(s:ask(s.everyone, { da = "Energi?", kind = "scale", min = 1, max = 7 })) do
                  s:measure("room_energy", a.value, a.who)
                end
              end }
            """
        let fixture = try Fixture()
        try await fixture.run { client in
            let reply = try await client.post("/api/sessions", token: client.trainer, json(["script": script]))
            let created = try reply.decode(Created.self)
            let code = try #require(created.joinCode)
            var people: [Joined] = []
            for name in ["A", "B", "C", "D", "E"] { people.append(try await client.join(code: code, name: name)) }
            try await client.advance(created.id)
            for (i, person) in people.enumerated() {
                let ask = try await client.openQuestion(created.id, token: person.token)
                #expect(
                    try await client.answer(created.id, token: person.token, ask: ask, value: "\(i + 2)").status == .ok)
            }
            let runs = try fixture.store.exercises(of: created.id)
            #expect(runs.map(\.indicators.first?.id) == ["room_energy"])
            #expect(runs.first?.indicators.first?.max == 7)
            let html = try await client.get("/api/sessions/\(created.id)/report?lang=en", token: client.trainer).text
            #expect(html.contains("Energy in the room"))
            let csv = try await client.get("/api/sessions/\(created.id)/report?format=csv", token: client.trainer).text
            #expect(csv.contains(",room_energy,scale,participant,"), "\(csv)")
        }
    }

    @Test func aReportThatCannotBeMadeIsRefusedWithItsReason() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, _, _) = try await FollowUpTests().finished(client)
            let other = try fixture.server.credentials.issueTrainerToken(for: "another")
            let cases: [(String, String?, HTTPResponse.Status, String, String)] = [
                (
                    "/api/sessions/\(id)/report", nil, .unauthorized, "unauthorised",
                    "this needs a valid token (Authorization: Bearer …)"
                ),
                ("/api/sessions/\(id)/report", other, .notFound, "unknown_session", "no session \"\(id)\" here"),
                (
                    "/api/sessions/zzzzzzzz/report", client.trainer, .notFound, "unknown_session",
                    "no session \"zzzzzzzz\" here"
                ),
                (
                    "/api/sessions/\(id)/report?format=pdf", client.trainer, .badRequest, "invalid",
                    "'format' must be html, json or csv, got \"pdf\""
                ),
                (
                    "/api/sessions/\(id)/report?lang=de", client.trainer, .badRequest, "invalid",
                    "'lang' must be da or en, got \"de\""
                ),
                (
                    "/api/report?from=2026-02-30", client.trainer, .badRequest, "invalid",
                    "'from' must be a day like 2026-03-01, got \"2026-02-30\""
                ),
                (
                    "/api/report?to=tomorrow", client.trainer, .badRequest, "invalid",
                    "'to' must be a day like 2026-03-01, got \"tomorrow\""
                ),
                (
                    "/api/report?from=2026-03-01&to=2026-02-01", client.trainer, .badRequest, "invalid",
                    "'to' must not be before 'from'"
                ),
                (
                    "/api/report?from=2027-01-01", client.trainer, .notFound, "not_found",
                    "the organisation has no sessions in that time"
                ),
                ("/api/report", other, .notFound, "not_found", "the organisation has no sessions"),
            ]
            for (path, token, status, code, message) in cases {
                expectRefusal(try await client.get(path, token: token), status, code, message)
            }
        }
    }
}
