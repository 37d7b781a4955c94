import Foundation
import KraftfeltEngine
import Testing

@testable import KraftfeltMeasure

/// The CSV and JSON exports.
@Suite struct ReportExportTests {
    @Test func theCSVHasOneRowPerMeasureAndQuotesAsRFC4180Says() throws {
        let sessions = Fixture.sessions()
        let csv = ReportCSV.render(sessions)
        #expect(
            csv.hasPrefix(
                "organisation,session,session_started,exercise,indicator,kind,subject,subject_id,area,phase,tags,"
                    + "value,text,other,other_area,at\r\n"))
        let rows = Support.parseCSV(csv)
        #expect(rows.count == 1 + sessions.reduce(0) { $0 + $1.measures.count + $1.followUps.count })
        #expect(rows.allSatisfy { $0.count == 16 })
        let area = try #require(rows.first?.firstIndex(of: "area"))
        #expect(Set(rows.dropFirst().map { $0[area] }) == Set(Fixture.areas + [""]))
        #expect(csv.contains("\"Kultur, \"\"fritid\"\"\""))
        #expect(csv.contains("\"Tale med\nøkonomi\""))
        #expect(csv.contains(",2025-02-20T09:00:00Z,"))
    }

    @Test func cellsThatWouldRunAsFormulasAreNeutralised() throws {
        let people = [MeasuredParticipant(id: "=1+1", area: "@area")]
        let measures =
            ["=HYPERLINK(\"http://x\",\"y\")", "+45", "-1 møde", "@SUM(A1)", "\tTab", "Plain"].map {
                Measure(
                    exercise: "-exercise", name: "goal", value: 1, at: Fixture.start,
                    subject: .participant(people[0].id),
                    area: "@area", text: $0)
            } + [Measure(exercise: "x", name: "balance", value: -2.5, at: Fixture.start)]
        let rows = Support.parseCSV(ReportCSV.render([Support.session(people, measures)]))
        let texts = rows.dropFirst().map { $0[12] }
        #expect(texts == ["'=HYPERLINK(\"http://x\",\"y\")", "'+45", "'-1 møde", "'@SUM(A1)", "'\tTab", "Plain", ""])
        #expect(rows[1][3] == "'-exercise" && rows[1][7] == "'=1+1" && rows[1][8] == "'@area")
        // The host's own numbers stay numbers.
        #expect(rows.last?[11] == "-2.5")
    }

    @Test func theJSONIsStableAndReadsBack() throws {
        let sessions = Fixture.sessions()
        let report = MeasureReport(sessions: sessions, options: ReportOptions(language: "en"))
        let json = try ReportJSON.render(report)
        #expect(
            json
                == (try ReportJSON.render(
                    MeasureReport(sessions: sessions.reversed(), options: ReportOptions(language: "en")))))
        let decoded = try JSONDecoder().decode(MeasureReport.self, from: Data(json.utf8))
        #expect(decoded == report)
        #expect(json.contains("\"crossAreaTies\" : "))
        // Keys sorted: `answers` before `areas` before `changes` in every indicator.
        let first = try #require(json.range(of: "\"answers\""))
        let second = try #require(json.range(of: "\"areas\""))
        #expect(first.lowerBound < second.lowerBound)
    }

    @Test func theReportNamesItsSessionsAndRates() throws {
        let report = MeasureReport(
            sessions: Fixture.sessions(),
            options: ReportOptions(language: "en", from: Fixture.start, to: Fixture.start + 90 * Fixture.day))
        #expect(report.sessions.map(\.id) == ["s1", "s2", "s3"])
        #expect(report.sessions.map(\.participants) == [40, 40, 40])
        #expect(report.participants == 120)
        #expect(report.title == nil && report.organisations == ["Kraftfelt Kommune"])
        #expect(report.responseRates.map(\.phase) == [nil, .before, .after, .followUp])
        #expect(ReportHTML.period(report.period) == "2025-02-20 – 2025-05-21")
        // The seed's eight in their order first.
        #expect(Array(report.indicators.map(\.id).prefix(8)) == Indicator.seed.map(\.id))
        let trust = try #require(report.indicators.first { $0.id == "trust_network" })
        #expect(trust.kind == .scale && trust.max == 7 && trust.distribution?.counts?.count == 7)
        let temperature = try #require(report.indicators.first { $0.id == "room_temperature" })
        #expect(
            !temperature.declared && temperature.sessionLevel && temperature.overTime.map(\.mean) == [21.5, 21.75, 22])
        let goal = try #require(report.indicators.first { $0.id == "goal" })
        #expect(goal.distribution?.summary == nil && goal.distribution?.counts == nil)
    }
}
