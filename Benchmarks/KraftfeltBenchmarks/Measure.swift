import Foundation

/// Seconds on the monotonic clock.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// The best (smallest) time of `repeats` runs of `body`, in seconds.
func best(of repeats: Int = 5, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = now()
        try body()
        best = min(best, now() - start)
    }
    return best
}

/// The best times of two bodies, run alternately so that drift on a noisy machine hits
/// both sides alike.
func bestOfAlternating(repeats: Int = 7, first a: () throws -> Void, second b: () throws -> Void) rethrows -> (
    Double, Double
) {
    var bestA = Double.infinity
    var bestB = Double.infinity
    for _ in 0..<repeats {
        bestA = min(bestA, try best(of: 1, a))
        bestB = min(bestB, try best(of: 1, b))
    }
    return (bestA, bestB)
}

/// One line of the report: a measurement, its baseline from the same run, and the target.
struct Row {
    let name: String
    let value: String
    let baseline: String
    let ratio: Double?
    let target: String
    /// Whether the target was met; nil for numbers that are only reported.
    var met: Bool? = nil

    var verdict: String { met.map { $0 ? "ok" : "MISSED" } ?? "" }
}

func printReport(_ rows: [Row]) {
    let header = ["benchmark", "kraftfelt", "baseline (same run)", "ratio", "target", ""]
    let cells =
        [header]
        + rows.map {
            [
                $0.name, $0.value, $0.baseline, $0.ratio.map { String(format: "%.2f×", $0) } ?? "–", $0.target,
                $0.verdict,
            ]
        }
    let widths = (0..<header.count).map { column in cells.map { $0[column].count }.max() ?? 0 }
    for (i, row) in cells.enumerated() {
        print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
        if i == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
    }
}

func nanoseconds(_ seconds: Double, per count: Int) -> String {
    String(format: "%.1f ns", seconds / Double(count) * 1e9)
}
