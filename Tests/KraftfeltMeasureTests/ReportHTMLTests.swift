import Foundation
import KraftfeltEngine
import Testing

@testable import KraftfeltMeasure

/// The HTML page: closed elements, escaped input, self-contained, in both languages.
@Suite struct ReportHTMLTests {
    static let report = MeasureReport(sessions: Fixture.sessions(), options: ReportOptions(language: "da"))

    @Test(arguments: ["da", "en"]) func everyElementOpenedIsClosed(_ language: String) throws {
        let html = ReportHTML.render(
            MeasureReport(sessions: Fixture.sessions(), options: ReportOptions(language: language)))
        #expect(Support.unbalanced(html) == nil)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"\(language)\">"))
        for indicator in Indicator.seed {
            #expect(html.contains(HTML.escape(indicator.label(language))), "\(indicator.id)")
        }
        #expect(html.contains(HTML.escape(Fixture.trust.label(language))))
    }

    @Test func chartsHaveTitlesDescriptionsAndTables() throws {
        let html = ReportHTML.render(Self.report)
        let charts = html.matches(of: /<svg [^>]*>/).count
        // Eight seed scales and the 1–7 scale: bars and a change chart each, and the network.
        #expect(charts == 9 * 2 + 1)
        #expect(
            html.matches(of: /<svg [^>]*><title id="[^"]+">[^<]+<\/title><desc id="[^"]+">[^<]+<\/desc>/).count
                == charts)
        #expect(html.matches(of: /<figure><svg/).count == charts)
        #expect(html.components(separatedBy: "<caption>Tallene bag figuren</caption>").count - 1 == charts)
    }

    @Test func nothingIsFetchedAndNothingRuns() {
        let html = ReportHTML.render(Self.report)
        for forbidden in ["<script", "<link", "src=", "url(", "@import", "https://"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        // The only address is SVG's namespace.
        #expect(html.components(separatedBy: "http://").count - 1 == html.components(separatedBy: "<svg").count - 1)
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"))
    }

    @Test func hostileNamesAreEscaped() throws {
        let hostile = "<script>alert(1)</script>"
        let people = Support.people([(hostile, 6), ("\"Teknik\" & 'miljø'", 6)])
        let measures =
            people.map { Support.answer($0, 2, .before) } + people.map { Support.answer($0, 4, .after) }
            + people.indices.map { Support.tie(people[$0], people[($0 + 3) % people.count]) }
        var session = Support.session(people, measures, title: "</title><img src=x onerror=alert(1)>")
        session.organisation = "<b>Kommune</b>"
        let html = ReportHTML.render(MeasureReport(sessions: [session], options: ReportOptions(language: "en")))
        #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;Teknik&quot; &amp; &#39;miljø&#39;"))
        #expect(html.contains("<title>&lt;/title&gt;&lt;img src=x onerror=alert(1)&gt;</title>"))
        #expect(Support.unbalanced(html) == nil)
    }

    @Test func theNumbersReadAsTheyShould() throws {
        let people = Support.people([("A", 5)])
        let measures = zip(people, [1.0, 2, 3, 4, 5]).flatMap { p, v in
            [Support.answer(p, v, .before), Support.answer(p, min(5, v + 1), .after, at: Fixture.start + 7200)]
        }
        let session = Support.session(people, measures)
        let da = ReportHTML.render(MeasureReport(sessions: [session], options: ReportOptions(language: "da")))
        let en = ReportHTML.render(MeasureReport(sessions: [session], options: ReportOptions(language: "en")))
        // Differences 1, 1, 1, 1, 0: mean 0.8, sd √0.2, t(0.975, 4) = 2.7764451051977987.
        let margin = 2.7764451051977987 * 0.2.squareRoot() / 5.0.squareRoot()
        #expect(en.contains("<td class=\"n\">+0.80</td>"))
        #expect(da.contains("<td class=\"n\">+0,80</td>"))
        #expect(en.contains(String(format: "+%.2f to +%.2f", 0.8 - margin, 0.8 + margin)))
        #expect(en.contains("<th scope=\"row\">Before</th><td class=\"n\">1</td><td class=\"n\">1</td>"))
        #expect(da.contains("<td class=\"n\">100 %</td>") && en.contains("<td class=\"n\">100%</td>"))
        #expect(en.contains("<p class=\"period\">2025-02-20</p>"))
    }
}
