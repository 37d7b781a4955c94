import Foundation
import HTTPTypes
import HummingbirdTesting
import KraftfeltEngine
import KraftfeltHost
import Testing

@testable import KraftfeltServer

/// The HTML pages, the static files and the headers every response carries.
@Suite(.timeLimit(.minutes(1))) struct PageTests {
    /// The security headers, on a page as on a refusal.
    static func expectSecurityHeaders(_ reply: Reply, sourceLocation: SourceLocation = #_sourceLocation) {
        let policy = reply.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
        #expect(policy.contains("script-src 'self'"), sourceLocation: sourceLocation)
        #expect(policy.contains("default-src 'none'"), sourceLocation: sourceLocation)
        #expect(policy.contains("frame-ancestors 'none'"), sourceLocation: sourceLocation)
        #expect(!policy.contains("unsafe-inline"), sourceLocation: sourceLocation)
        #expect(!policy.contains("unsafe-eval"), sourceLocation: sourceLocation)
        #expect(reply.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", sourceLocation: sourceLocation)
        #expect(reply.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", sourceLocation: sourceLocation)
        #expect(reply.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", sourceLocation: sourceLocation)
    }

    /// A page the policy lets run: scripts only from files, no inline handlers or styles.
    static func expectNothingInline(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let scripts = html.matches(of: /<script[^>]*>/).map { String($0.output) }
        #expect(scripts.allSatisfy { $0.contains("src=\"/static/") }, "\(scripts)", sourceLocation: sourceLocation)
        #expect(html.firstMatch(of: /\son[a-z]+\s*=/) == nil, "an inline event handler", sourceLocation: sourceLocation)
        #expect(html.firstMatch(of: /\sstyle\s*=/) == nil, "an inline style", sourceLocation: sourceLocation)
        #expect(!html.contains("<style"), "an inline style sheet", sourceLocation: sourceLocation)
        #expect(!html.contains("javascript:"), sourceLocation: sourceLocation)
    }

    static func expectPage(
        _ reply: Reply, _ status: HTTPResponse.Status = .ok, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(reply.status == status, sourceLocation: sourceLocation)
        #expect(reply.contentType == "text/html; charset=utf-8", sourceLocation: sourceLocation)
        #expect(reply.text.hasPrefix("<!doctype html>"), sourceLocation: sourceLocation)
        #expect(reply.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
        expectSecurityHeaders(reply, sourceLocation: sourceLocation)
        expectNothingInline(reply.text, sourceLocation: sourceLocation)
    }

    @Test func thePagesRender() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create("summegrupper")

            let home = try await client.get("/")
            Self.expectPage(home)
            #expect(home.text.contains(#"<html lang="da">"#))
            #expect(try await client.get("/?lang=en").text.contains(#"<html lang="en">"#))
            let english = try await client.get("/", headers: [.acceptLanguage: "en-GB,en;q=0.9,da;q=0.8"])
            #expect(english.text.contains(#"<html lang="en">"#))

            let join = try await client.get("/j/\(code)")
            Self.expectPage(join)
            #expect(join.text.contains("<h1>Summegrupper</h1>"))
            #expect(join.text.contains(code))
            #expect(join.text.contains("Sundhed"))
            #expect(join.text.contains("Skole"))
            #expect(join.text.contains(#"data-session="\#(id)""#))

            let unknown = try await client.get("/j/QQQQQQQQQQ")
            Self.expectPage(unknown, .notFound)
            #expect(unknown.text.contains("QQQQQQQQQQ"))
            #expect(!unknown.text.contains(id))

            let typed = try await client.get("/j?code=ab-c%201")
            #expect(typed.status == .seeOther)
            #expect(typed.headers[.location] == "/j/ABC1")
            Self.expectSecurityHeaders(typed)

            for path in ["/console", "/console/\(id)", "/p/\(id)", "/screen/\(id)"] {
                let page = try await client.get(path)
                Self.expectPage(page)
                if path != "/console" { #expect(page.text.contains(#"data-session="\#(id)""#), "\(path)") }
            }
            #expect(try await client.get("/console").text.contains(#"value="netvaerksorganisering""#))

            let sessions = try await client.get("/console/sessions", token: fixture.token)
            #expect(sessions.status == .ok)
            #expect(sessions.contentType == "text/html; charset=utf-8")
            #expect(sessions.text.contains(id))
            Self.expectSecurityHeaders(sessions)
            Self.expectNothingInline(sessions.text)
        }
    }

    /// A phone says a refusal in its person's language: the join page and the phone's page
    /// carry the words for each error code, in the page's language.
    @Test func phonesCarryTheirErrorWordsInTheirLanguage() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, code) = try await client.create("summegrupper")
            let danish = try await client.get("/p/\(id)?lang=da")
            #expect(danish.text.contains(#"data-not_open="Spørgsmålet er lukket – dit svar nåede ikke frem i tide.""#))
            #expect(danish.text.contains(#"data-invalid="Det kunne ikke tages imod."#))
            let english = try await client.get("/p/\(id)?lang=en")
            #expect(english.text.contains(#"data-not_open="The question has closed – your answer came too late.""#))
            // An English phone keeps the server's exact message for what was not valid.
            #expect(!english.text.contains("data-invalid="))
            let join = try await client.get("/j/\(code)", headers: [.acceptLanguage: "en"])
            #expect(join.text.contains(#"data-unknown_code="No open session has that code"#))
            #expect(join.text.contains(#"data-rate_limited="Too many tries in a short time."#))
        }
        // Every code is one the server or the page itself gives, and both languages have the same,
        // but for `invalid` in English.
        let server = Set(KraftfeltError.Code.allCases.map(\.rawValue)).union([
            "unknown_code", "rate_limited", "too_large", "full", "unauthorised", "empty", "network",
        ])
        #expect(Set(Labels.phoneDa.keys).subtracting(server).isEmpty, "\(Set(Labels.phoneDa.keys).subtracting(server))")
        #expect(Set(Labels.phoneDa.keys).subtracting(Labels.phoneEn.keys) == ["invalid"])
        #expect(Set(Labels.phoneEn.keys).isSubset(of: Labels.phoneDa.keys))
        #expect(
            Set(Labels.da.keys) == Set(Labels.en.keys), "\(Set(Labels.da.keys).symmetricDifference(Labels.en.keys))")
    }

    /// The console's start page: the sessions with their state in the trainer's language, and
    /// the form for the report over time.
    @Test func theConsoleListsSessionsInItsLanguageAndOffersTheReportOverTime() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let (id, _) = try await client.create("summegrupper")
            let danish = try await client.get("/console/sessions?lang=da", token: fixture.token)
            #expect(danish.text.contains(#"<span class="tag">i gang</span>"#), "\(danish.text)")
            #expect(danish.text.contains(id))
            let english = try await client.get("/console/sessions?lang=en", token: fixture.token)
            #expect(english.text.contains(#"<span class="tag">running</span>"#), "\(english.text)")
            // The exercise by its title in the trainer's language.
            #expect(danish.text.contains("<strong>Summegrupper</strong>"))
            #expect(english.text.contains("<strong>Buzz groups</strong>"))
            let home = try await client.get("/console?lang=da")
            Self.expectPage(home)
            #expect(home.text.contains(#"<form id="report-form""#))
            #expect(home.text.contains(#"<input id="report-from" name="from" type="date">"#))
            #expect(home.text.contains(#"data-not_found="Organisationen har ingen sessioner i den periode.""#))
        }
        #expect(Labels.state("failed: x.lua:3: boom", "da") == ("fejlede", "x.lua:3: boom"))
        #expect(Labels.state("finished", "en") == ("finished", nil))
        #expect(Labels.state("anonymised", "da") == ("anonymiseret", nil))
    }

    @Test func theStaticFilesHaveTheirTypes() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let script = try await client.get("/static/kraftfelt.js")
            #expect(script.status == .ok)
            #expect(script.contentType == "text/javascript; charset=utf-8")
            #expect(script.headers[.cacheControl] == "no-cache")
            #expect(!script.text.isEmpty)
            Self.expectSecurityHeaders(script)
            let styles = try await client.get("/static/kraftfelt.css")
            #expect(styles.status == .ok)
            #expect(styles.contentType == "text/css; charset=utf-8")
            #expect(styles.headers[.cacheControl] == "no-cache")
            #expect(!styles.text.isEmpty)
            Self.expectSecurityHeaders(styles)
            expectRefusal(
                try await client.get("/static/other.js"), .notFound, "not_found", "no such page or API route")
        }
    }

    @Test func refusalsCarryTheSecurityHeadersToo() async throws {
        let fixture = try Fixture()
        try await fixture.run { client in
            let replies = [
                try await client.get("/api/health"),
                try await client.get("/nowhere"),
                try await client.get("/api/sessions"),
                try await client.get("/p/-bad"),
                try await client.post("/api/join", "{", contentType: "text/plain"),
                try await client.post("/api/join", "{"),
                try await client.post("/api/join", String(repeating: " ", count: 70_000)),
                try await client.get("/ws/sessions/zzzzzzzz?view=participant"),
            ]
            #expect(replies.map(\.status.code) == [200, 404, 401, 404, 415, 400, 413, 404])
            for reply in replies { Self.expectSecurityHeaders(reply) }
            expectRefusal(replies[3], .notFound, "unknown_session", #"no session "-bad" here"#)
        }
    }
}
