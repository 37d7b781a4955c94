import Foundation
import KraftfeltEngine
import Testing

@testable import KraftfeltMeasure

/// Reports on little or odd data still say something true, and never print NaN.
@Suite struct EdgeCaseTests {
    static func outputs(_ report: MeasureReport, _ sessions: [MeasuredSession]) throws -> [String] {
        [
            ReportHTML.render(report), try ReportJSON.render(report), ReportCSV.render(sessions),
            ReportCSV.render(sessions, threshold: 5),
        ]
    }

    @Test func noMeasuresAtAll() throws {
        let session = Support.session(Support.people([("A", 8)]), [])
        for sessions in [[session], []] {
            let report = MeasureReport(sessions: sessions, options: ReportOptions(language: "en"))
            #expect(report.isEmpty && report.network == nil)
            let html = ReportHTML.render(report)
            #expect(html.contains("There are no measurements in the chosen sessions yet."))
            #expect(Support.unbalanced(html) == nil)
            for output in try Self.outputs(report, sessions) { #expect(!Support.hasNonNumber(output)) }
        }
        #expect(ReportCSV.render([session]) == ReportCSV.columns.joined(separator: ",") + "\r\n")
        let report = MeasureReport(sessions: [session])
        #expect(report.participants == 8 && report.sessions.map(\.respondents) == [0])
        #expect(report.responseRates == [ResponseRate(phase: nil, respondents: 0, participants: 8, rate: 0)])
    }

    @Test func anIndicatorMeasuredOnlyBefore() throws {
        let people = Support.people([("A", 6)])
        let report = MeasureReport(
            sessions: [Support.session(people, people.map { Support.answer($0, 3, .before) })],
            options: ReportOptions(language: "en"))
        let effect = try #require(report.indicators.first)
        #expect(effect.phases.map(\.phase) == [.before])
        #expect(effect.changes.isEmpty)
        #expect(effect.distribution?.counts?.map(\.count) == [0, 0, 6, 0, 0])
        #expect(effect.distribution?.summary == NumberSummary([3, 3, 3, 3, 3, 3]))
        #expect(effect.responseRates.map(\.rate) == [1, 1])
        #expect(ReportHTML.render(report).contains("Measured before only: there is no change to show yet."))
    }

    @Test func aSinglePairHasAChangeButNoInterval() throws {
        let people = Support.people([("A", 3)])
        let measures = [
            Support.answer(people[0], 2, .before), Support.answer(people[0], 5, .after, at: Fixture.start + 7200),
            Support.answer(people[1], 4, .before), Support.answer(people[2], 1, .after, at: Fixture.start + 7200),
        ]
        let report = MeasureReport(
            sessions: [Support.session(people, measures)], options: ReportOptions(threshold: 1, language: "en"))
        let change = try #require(report.indicators.first?.changes.first)
        #expect(
            change
                == PairedChange(
                    from: .before, to: .after, pairs: 1, withheld: .onePair, meanFrom: 2, meanTo: 5, meanDifference: 3))
        let html = ReportHTML.render(report)
        #expect(html.contains("a single pair: a confidence interval cannot be computed from one pair"))
        #expect(Support.unbalanced(html) == nil)
        for output in try Self.outputs(report, [Support.session(people, measures)]) {
            #expect(!Support.hasNonNumber(output))
        }
    }

    @Test func noSpreadGivesAnIntervalOfNoWidth() throws {
        let people = Support.people([("A", 5)])
        let measures = people.map { Support.answer($0, 2, .before) } + people.map { Support.answer($0, 3, .after) }
        let report = MeasureReport(sessions: [Support.session(people, measures)])
        let change = try #require(report.indicators.first?.changes.first)
        #expect(change.sd == 0 && change.interval?.low == 1 && change.interval?.high == 1)
        #expect(!Support.hasNonNumber(ReportHTML.render(report)))
    }

    @Test func notANumberIsLeftOutEverywhere() throws {
        let people = Support.people([("A", 5)])
        var measures = people.map { Support.answer($0, 4, .before) }
        measures.append(Support.answer(people[0], .nan, .after))
        measures.append(
            Measure(exercise: "x", name: "room_temperature", value: .infinity, at: Fixture.start, tags: ["after"]))
        let sessions = [Support.session(people, measures)]
        let report = MeasureReport(sessions: sessions, options: ReportOptions(threshold: 1))
        #expect(report.indicators.map(\.id) == ["experienced_effect"])
        #expect(report.indicators.first?.phases.map(\.phase) == [.before])
        for output in try Self.outputs(report, sessions) { #expect(!Support.hasNonNumber(output)) }
        for output in try Self.outputs(MeasureReport(sessions: Fixture.sessions()), Fixture.sessions()) {
            #expect(!Support.hasNonNumber(output))
        }
    }

    @Test func theLastAnswerInAPhaseCounts() throws {
        let people = Support.people([("A", 1)])
        let measures = [
            Support.answer(people[0], 5, .before, at: Fixture.start + 900),
            Support.answer(people[0], 1, .before, at: Fixture.start + 600),
        ]
        let report = MeasureReport(sessions: [Support.session(people, measures)], options: ReportOptions(threshold: 1))
        #expect(report.indicators.first?.distribution?.summary?.mean == 5)
        #expect(report.indicators.first?.answers == 1)
    }

    @Test func followUpsWithoutATagCountAsFollowUp() throws {
        let people = Support.people([("A", 5)])
        let session = Support.session(
            people, people.map { Support.answer($0, 2, .before) },
            followUps: people.map { Support.answer($0, 4, nil, at: Fixture.start + 42 * Fixture.day) })
        let report = MeasureReport(sessions: [session])
        let effect = try #require(report.indicators.first)
        #expect(effect.phases.map(\.phase) == [.before, .followUp])
        #expect(effect.changes.map(\.to) == [.followUp] && effect.changes.first?.meanDifference == 2)
        #expect(ReportCSV.render([session]).contains(",follow-up,,4,"))
    }
}
