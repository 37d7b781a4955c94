import Foundation

/// Durations as trainers write them: `"3m"`, `"90s"`, `"1h"`, `"1m30s"`.
enum DurationText {
    /// Milliseconds in a duration like `"3m"`, or nil when the text is not one.
    static func milliseconds(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number: Int64? = nil
        var sawUnit = false
        for character in text.trimmingCharacters(in: .whitespaces) {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (times, overflow1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(digit))
                if overflow1 || overflow2 { return nil }
                number = sum
                continue
            }
            guard let n = number else { return nil }
            let unit: Int64
            switch character {
            case "h": unit = 3_600_000
            case "m": unit = 60_000
            case "s": unit = 1_000
            default: return nil
            }
            let (part, overflow) = n.multipliedReportingOverflow(by: unit)
            if overflow || total > Int64.max - part { return nil }
            total += part
            number = nil
            sawUnit = true
        }
        guard sawUnit, number == nil, total > 0, total <= 24 * 3_600_000 else { return nil }
        return total
    }

    /// `"3m"`, `"1m30s"`: how a duration is shown in a transcript.
    static func format(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        var out = ""
        if h > 0 { out += "\(h)h" }
        if m > 0 { out += "\(m)m" }
        if s > 0 || out.isEmpty { out += "\(s)s" }
        return out
    }
}
