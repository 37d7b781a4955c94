import Foundation
import KraftfeltEngine

/// The report's words in Danish and English, and how numbers read in each.
struct ReportWords: Sendable {
    var language: String
    var report: String
    var sessions: String
    var session: String
    var date: String
    var participants: String
    var respondents: String
    var responseRate: String
    var phase: String
    var anyPhase: String
    var noPhase: String
    var before: String
    var after: String
    var followUp: String
    var noMeasures: String
    var answers: String
    var value: String
    var mean: String
    var sd: String
    var median: String
    var minimum: String
    var maximum: String
    var change: String
    var pairs: String
    var meanBefore: String
    var meanLater: String
    var difference: String
    var interval: String
    var area: String
    var areas: String
    var overTime: String
    var otherAreas: String
    var network: String
    var ties: String
    var crossAreaTies: String
    var withinAreaTies: String
    var withOutsideTie: String
    var cumulativeTies: String
    var cumulativeCross: String
    var textsNotShown: String
    var onlyBefore: String
    var yes: String
    var no: String
    var overview: String
    var tableAlternative: String
    var organisation: String
    /// "fewer than 5 answers: not shown to keep answers anonymous"
    var fewer: @Sendable (Int) -> String
    var areasHidden: @Sendable (Int, Int) -> String
    var onePair: String
    var noPairs: String
    var distributionDescription: @Sendable (String) -> String
    var changeDescription: @Sendable (String) -> String
    var networkDescription: String

    static func of(_ language: String) -> ReportWords { language == "en" ? .en : .da }

    func phase(_ phase: MeasurePhase?) -> String {
        switch phase {
        case .before: before
        case .after: after
        case .followUp: followUp
        case nil: noPhase
        }
    }

    /// `3,45` or `3.45`.
    func number(_ value: Double, digits: Int = 2) -> String {
        let text = String(format: "%.\(digits)f", value == 0 ? 0 : value)
        return language == "da" ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// A whole number when it is one, else two decimals.
    func value(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : number(value)
    }

    /// `+0,45` or `−0,45`.
    func signed(_ value: Double) -> String {
        (value > 0 ? "+" : value < 0 ? "−" : "±") + number(abs(value))
    }

    func percent(_ rate: Double) -> String {
        let whole = String(Int((rate * 100).rounded()))
        return language == "da" ? "\(whole) %" : "\(whole)%"
    }

    static let da = ReportWords(
        language: "da", report: "Målingsrapport", sessions: "Forløb", session: "Forløb", date: "Dato",
        participants: "Deltagere", respondents: "Svarede", responseRate: "Svarprocent", phase: "Måling",
        anyPhase: "I alt", noPhase: "Uden fase", before: "Før", after: "Efter", followUp: "Opfølgning",
        noMeasures: "Der er ingen målinger i de valgte forløb endnu.", answers: "Svar", value: "Værdi",
        mean: "Gennemsnit", sd: "Spredning", median: "Median", minimum: "Mindst", maximum: "Størst",
        change: "Forandring", pairs: "Par", meanBefore: "Gennemsnit før", meanLater: "Gennemsnit senere",
        difference: "Forskel", interval: "95 %-konfidensinterval", area: "Område", areas: "Områder",
        overTime: "Over tid", otherAreas: "Andre områder", network: "Netværk på tværs af områder", ties: "Bånd",
        crossAreaTies: "Bånd på tværs af områder", withinAreaTies: "Bånd inden for et område",
        withOutsideTie: "Deltagere med mindst ét bånd uden for eget område", cumulativeTies: "Bånd i alt indtil nu",
        cumulativeCross: "På tværs i alt indtil nu",
        textsNotShown: "Fritekster vises ikke i rapporten, da de kan afsløre, hvem der har skrevet dem.",
        onlyBefore: "Kun målt før: der er endnu ingen forandring at vise.", yes: "Ja", no: "Nej",
        overview: "Overblik", tableAlternative: "Tallene bag figuren", organisation: "Organisation",
        fewer: { "færre end \($0) svar: vises ikke, så svarene forbliver anonyme" },
        areasHidden: { count, threshold in
            "\(count) \(count == 1 ? "område" : "områder") med færre end \(threshold) svar vises ikke, så svarene forbliver anonyme."
        },
        onePair: "kun ét par: der kan ikke beregnes et konfidensinterval ud fra ét par",
        noPairs: "ingen har svaret både før og senere",
        distributionDescription: {
            "Fordelingen af svarene på \($0) for hver måling: lave værdier til venstre for midterlinjen, høje til højre."
        },
        changeDescription: {
            "Gennemsnit før og senere for dem, der svarede begge gange, på \($0), med 95 %-konfidensintervallet for forandringen."
        },
        networkDescription: "Områderne på en cirkel; jo tykkere en linje, jo flere bånd mellem to områder.")

    static let en = ReportWords(
        language: "en", report: "Measurement report", sessions: "Sessions", session: "Session", date: "Date",
        participants: "Participants", respondents: "Answered", responseRate: "Response rate", phase: "Measurement",
        anyPhase: "Overall", noPhase: "No phase", before: "Before", after: "After", followUp: "Follow-up",
        noMeasures: "There are no measurements in the chosen sessions yet.", answers: "Answers", value: "Value",
        mean: "Mean", sd: "Standard deviation", median: "Median", minimum: "Lowest", maximum: "Highest",
        change: "Change", pairs: "Pairs", meanBefore: "Mean before", meanLater: "Mean later",
        difference: "Difference", interval: "95% confidence interval", area: "Area", areas: "Areas",
        overTime: "Over time", otherAreas: "Other areas", network: "The network across areas", ties: "Ties",
        crossAreaTies: "Ties across areas", withinAreaTies: "Ties within an area",
        withOutsideTie: "Participants with at least one tie outside their own area", cumulativeTies: "Ties so far",
        cumulativeCross: "Across areas so far",
        textsNotShown: "Free texts are not shown in the report: they may identify who wrote them.",
        onlyBefore: "Measured before only: there is no change to show yet.", yes: "Yes", no: "No",
        overview: "Overview", tableAlternative: "The numbers behind the chart", organisation: "Organisation",
        fewer: { "fewer than \($0) answers: not shown to keep answers anonymous" },
        areasHidden: { count, threshold in
            "\(count) \(count == 1 ? "area" : "areas") with fewer than \(threshold) answers \(count == 1 ? "is" : "are") not shown to keep answers anonymous."
        },
        onePair: "a single pair: a confidence interval cannot be computed from one pair",
        noPairs: "nobody answered both before and later",
        distributionDescription: {
            "How the answers to \($0) are spread in each measurement: low values left of the centre line, high values right."
        },
        changeDescription: {
            "Mean before and later of those who answered both times, for \($0), with the 95% confidence interval of the change."
        },
        networkDescription: "The areas on a circle; the thicker a line, the more ties between two areas.")
}
