import Foundation
import KraftfeltEngine
import Testing

@testable import KraftfeltMeasure

/// Nothing based on fewer than `threshold` people is shown, and a small area's name is
/// nowhere in the report.
@Suite struct AnonymityTests {
    static let small = "Lille Område"

    /// Six in Økonomi, six in Skole, four in the small area; everyone answers before and
    /// after, and names a tie to the next person.
    static func session() -> MeasuredSession {
        let people = Support.people([("Økonomi", 6), ("Skole", 6), (small, 4)])
        var measures: [Measure] = []
        for (index, p) in people.enumerated() {
            measures.append(Support.answer(p, Double(index % 5 + 1), .before))
            measures.append(Support.answer(p, Double((index + 2) % 5 + 1), .after, at: Fixture.start + 7200))
            measures.append(Support.tie(p, people[(index + 1) % people.count]))
            measures.append(
                Measure(
                    exercise: "summegrupper", name: "goal", value: 1, at: Fixture.start + 5000,
                    subject: .participant(p.id),
                    area: p.area, text: "Mit hemmelige mål \(index)"))
        }
        return Support.session(people, measures)
    }

    @Test func aSmallAreaIsInNoBreakdownNoMatrixAndNeitherHTMLNorJSON() throws {
        let report = MeasureReport(sessions: [Self.session()], options: ReportOptions(threshold: 5, language: "en"))
        let effect = try #require(report.indicators.first { $0.id == "experienced_effect" })
        #expect(effect.areas.map(\.area) == ["Skole", "Økonomi"])
        #expect(effect.hiddenAreas == 1)
        #expect(effect.respondents == 16)
        let network = try #require(report.network)
        // The small area's 4 do not reach 5 pooled either: left out.
        #expect(
            network.areas == [
                NetworkArea(name: "Skole", participants: 6), NetworkArea(name: "Økonomi", participants: 6),
            ])
        #expect(!network.pooledOtherAreas)
        #expect(network.hiddenAreas == 1)
        #expect(network.matrix.count == 2 && network.matrix.allSatisfy { $0.count == 2 })
        // The chain p1→p2→…→p16→p1: 5 ties within each big area, Økonomi–Skole once; the
        // small area's ties (3 inside, 2 out) count in the totals only.
        #expect(network.matrix == [[5, 1], [1, 5]])
        #expect(network.ties == 16)
        #expect(network.crossAreaTies == 3)
        #expect(network.withinAreaTies == 13)

        let html = ReportHTML.render(report)
        let json = try ReportJSON.render(report)
        #expect(!html.contains(Self.small) && !html.contains(HTML.escape(Self.small)))
        #expect(!json.contains(Self.small))
        #expect(html.contains("1 area with fewer than 5 answers is not shown to keep answers anonymous."))
        // Free texts are counted, never listed.
        #expect(!html.contains("hemmelige") && !json.contains("hemmelige"))
    }

    @Test func pooledSmallAreasShowWhenTogetherTheyReachTheThreshold() throws {
        let people = Support.people([("A", 5), ("B", 3), ("C", 3)])
        let measures = people.indices.map { Support.tie(people[$0], people[($0 + 1) % people.count]) }
        let report = MeasureReport(sessions: [Support.session(people, measures)], options: ReportOptions(threshold: 5))
        let network = try #require(report.network)
        #expect(network.areas == [NetworkArea(name: "A", participants: 5), NetworkArea(name: nil, participants: 6)])
        #expect(network.pooledOtherAreas)
        #expect(network.hiddenAreas == 2)
        // A's chain: 4 inside, A–B once and C–A once; B and C pooled: 2 + 2 + B–C once.
        #expect(network.matrix == [[4, 2], [2, 5]])
        let html = ReportHTML.render(report)
        #expect(html.contains("Andre områder"))
        #expect(!html.contains(">B<") && !html.contains(">C<"))
    }

    @Test func anIndicatorWithTooFewRespondentsShowsOnlyItsCount() throws {
        let people = Support.people([("A", 4)])
        let measures = people.map { Support.answer($0, 3, .before) } + people.map { Support.answer($0, 4, .after) }
        let report = MeasureReport(sessions: [Support.session(people, measures)], options: ReportOptions(threshold: 5))
        let effect = try #require(report.indicators.first)
        #expect(effect.withheld == .fewerThanThreshold)
        #expect(effect.answers == 8 && effect.respondents == 4)
        #expect(effect.distribution == nil && effect.phases.isEmpty && effect.changes.isEmpty && effect.areas.isEmpty)
        let html = ReportHTML.render(report)
        #expect(html.contains("Færre end 5 svar: vises ikke, så svarene forbliver anonyme."))
        #expect(!html.contains("<svg"))
    }

    @Test func phasesAndPairsBelowTheThresholdAreWithheld() throws {
        let people = Support.people([("A", 6)])
        // All six before, three after.
        let measures =
            people.map { Support.answer($0, 2, .before) } + people.prefix(3).map { Support.answer($0, 4, .after) }
        let report = MeasureReport(sessions: [Support.session(people, measures)], options: ReportOptions(threshold: 5))
        let effect = try #require(report.indicators.first)
        #expect(effect.phases.map(\.distribution.withheld) == [nil, .fewerThanThreshold])
        #expect(effect.phases[1].distribution.counts == nil && effect.phases[1].distribution.n == 3)
        #expect(effect.changes == [PairedChange(from: .before, to: .after, pairs: 3, withheld: .fewerThanThreshold)])
    }

    @Test func theAnonymousCSVHasNoParticipantIDsAndNoTexts() throws {
        let session = Self.session()
        let csv = ReportCSV.render([session], threshold: 5)
        for p in session.participants {
            #expect(!csv.contains(p.id + ",") && !csv.contains(p.id + "\r"), "\(p.id)")
        }
        #expect(!csv.contains("hemmelige"))
        #expect(!csv.contains(Self.small))
        let rows = Support.parseCSV(csv)
        let header = try #require(rows.first)
        let column = { (name: String) in header.firstIndex(of: name) ?? -1 }
        let body = rows.dropFirst()
        #expect(body.count == 64)
        #expect(body.allSatisfy { $0[column("text")] == "" })
        #expect(body.allSatisfy { $0[column("subject_id")].wholeMatch(of: /P[0-9]+/) != nil })
        #expect(
            body.filter { $0[column("indicator")] == "cross_area_tie" }.allSatisfy {
                $0[column("other")].wholeMatch(of: /P[0-9]+/) != nil
            })
        // Stable within the export: p1's before, after, tie and goal are all P1's.
        #expect(body.filter { $0[column("subject_id")] == "P1" }.count == 4)
        #expect(Set(body.map { $0[column("subject_id")] }).count == 16)
        // The full export keeps ids and texts.
        let full = ReportCSV.render([session])
        #expect(full.contains("p16,") && full.contains("Mit hemmelige mål 3") && full.contains(Self.small))
    }
}
