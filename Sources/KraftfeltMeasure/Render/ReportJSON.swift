import Foundation

/// The report as JSON for other tools: every field of `MeasureReport`, keys sorted, so that
/// the same sessions give the same bytes.
public enum ReportJSON {
    /// The report's JSON, pretty-printed with sorted keys.
    public static func render(_ report: MeasureReport) throws -> String {
        String(decoding: try data(report), as: UTF8.self)
    }

    /// The report's JSON as bytes.
    public static func data(_ report: MeasureReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(report)
    }
}
