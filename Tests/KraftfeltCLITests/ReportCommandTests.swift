import Foundation
import Testing

/// `kraftfelt report`, as a trainer runs it after a rehearsal of the seed's programme.
@Suite(.serialized) struct ReportCommandTests {
    /// The seed's eight measurement points, as the Danish report names them.
    static let points = [
        "Oplevet effekt af dit arbejde", "Dit bidrag til at opfylde strategien",
        "Dit bidrag til netværkets gennemslagskraft", "Graden af borgerdeltagelse",
        "Hvor mange af dine kolleger er involveret i netværk", "Læring hos kolleger og medarbejdere",
        "Anerkendelse fra kolleger og medarbejdere", "Din egen læring om nye handlemuligheder",
    ]

    /// A kept rehearsal of the seed's programme with 30 bots.
    static func rehearsed() throws -> String {
        let data = TestFiles.folder("kraftfelt-report")
        let rehearsal = try Kraftfelt.run(
            ["rehearse", "netvaerksorganisering", "--participants", "30", "--data", data, "--session", "ws1"],
            timeout: 600)
        #expect(rehearsal.status == 0, "\(rehearsal.stderr)")
        return data
    }

    @Test func theSeedProgrammesReportHasTheEightPointsTheirChangeAndTheNetwork() throws {
        let data = try Self.rehearsed()
        let folder = TestFiles.folder("kraftfelt-report-out")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let result = try Kraftfelt.run(["report", "ws1", "--data", data, "-o", "ws1.html"], timeout: 120, in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("wrote ws1.html, ws1.csv and ws1.json: 1 session, "), "\(result.stdout)")
        let html = try String(contentsOfFile: folder + "/ws1.html", encoding: .utf8)
        for point in Self.points { #expect(html.contains(">\(point)</h2>"), "\(point)") }
        // Before and after, with the change and its interval, per point.
        #expect(html.components(separatedBy: "id=\"change-").count - 1 >= 8)
        #expect(html.contains("Før") && html.contains("Efter"))
        #expect(html.contains("<section id=\"network\""))
        #expect(!html.contains("NaN") && !html.contains("<script"))
        // Nobody's name is in the report (the bots are Anne, Bo, …).
        #expect(!html.contains("Anne") && !html.contains("Cecilie"))

        let csv = try String(contentsOfFile: folder + "/ws1.csv", encoding: .utf8).components(separatedBy: "\r\n")
            .filter { !$0.isEmpty }
        #expect(
            csv.first
                == "organisation,session,session_started,exercise,indicator,kind,subject,subject_id,area,phase,tags,value,text,other,other_area,at"
        )
        let befores = csv.filter { $0.contains(",experienced_effect,scale,participant,") && $0.contains(",before,") }
        let afters = csv.filter { $0.contains(",experienced_effect,scale,participant,") && $0.contains(",after,") }
        #expect(befores.count >= 20 && afters.count >= 20, "\(befores.count) before, \(afters.count) after")
        #expect(csv.contains { $0.contains(",cross_area_tie,tie,participant,") })
        #expect(csv.dropFirst().allSatisfy { $0.hasPrefix("default,ws1,2026-01-01T00:00:00Z,") })

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/ws1.json")))
        #expect(json is [String: Any])

        // The same sessions over time for the organisation, in English.
        let org = try Kraftfelt.run(
            [
                "report", "--org", "default", "--from", "2026-01-01", "--to", "2026-01-31", "--data", data,
                "--language", "en", "-o", "org.html",
            ], timeout: 120, in: folder)
        #expect(org.status == 0, "\(org.stderr)")
        let english = try String(contentsOfFile: folder + "/org.html", encoding: .utf8)
        #expect(english.contains(">Experienced effect of your work</h2>"))

        // The anonymous export has pseudonyms and no texts.
        let anonymous = try Kraftfelt.run(
            ["report", "ws1", "--data", data, "--anonymous", "-o", "anon.html"], timeout: 120, in: folder)
        #expect(anonymous.status == 0)
        let rows = try String(contentsOfFile: folder + "/anon.csv", encoding: .utf8).components(separatedBy: "\r\n")
            .filter { !$0.isEmpty }
        #expect(!rows.contains { $0.contains(",participant,p1,") })
        #expect(rows.contains { $0.contains(",participant,P1,") })
        #expect(!rows.contains { $0.contains(",goal,text,") && !$0.contains(",1,,") })
    }

    /// Each mistake is named, and what is stored stays.
    @Test func badRequestsAreNamedAndTheStoreStaysAsItWas() throws {
        let data = try Self.rehearsed()
        let cases: [([String], Int32, String)] = [
            (
                ["report"], 64,
                "Error: give a session id (see kraftfelt sessions), or --org ORG for its sessions over time\n"
            ),
            (["report", "ws1", "--org", "default"], 64, "Error: give a session id or --org ORG, not both\n"),
            (["report", "nope"], 1, "error: no session with id nope\n"),
            (["report", "--org", "nobody"], 1, "error: the organisation nobody has no sessions\n"),
            (
                ["report", "--org", "default", "--from", "2027-01-01"], 1,
                "error: the organisation default has no sessions in that time\n"
            ),
            (
                ["report", "--org", "default", "--from", "2026-02-30"], 64,
                "Error: --from: 2026-02-30 is not a day of the calendar\n"
            ),
            (
                ["report", "--org", "default", "--to", "yesterday"], 64,
                "Error: --to must be a day like 2026-03-01, got yesterday\n"
            ),
            (["report", "ws1", "--from", "2026-01-01"], 64, "Error: --from and --to go with --org\n"),
            (["report", "ws1", "--threshold", "1"], 64, "Error: --threshold must be from 2 to 1000, got 1\n"),
            (["report", "ws1", "--language", "de"], 64, "Error: --language must be da or en, got de\n"),
            (
                ["report", "ws1", "-o", "/nonexistent/x.html"], 1,
                "error: /nonexistent/x.html: cannot write the report: there is no folder /nonexistent\n"
            ),
            (["report", "../etc"], 64, "Error: "),
        ]
        let before = try Kraftfelt.run(["sessions", "--data", data])
        for (arguments, status, message) in cases {
            let result = try Kraftfelt.run(arguments + ["--data", data], timeout: 60)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            let line = result.stderr.split(separator: "\n").first.map { $0 + "\n" } ?? ""
            if message.hasSuffix("\n") {
                #expect(line == message, "\(arguments)")
            } else {
                #expect(line.hasPrefix(message), "\(arguments): \(line)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent"))
        #expect(try Kraftfelt.run(["sessions", "--data", data]).stdout == before.stdout)
    }
}
