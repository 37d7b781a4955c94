/// What a list of numbers adds up to: how many, their mean, sample standard deviation,
/// median and range.
public struct NumberSummary: Codable, Hashable, Sendable {
    public var n: Int
    public var mean: Double
    /// The sample standard deviation (divided by n − 1); nil for a single number.
    public var sd: Double?
    public var median: Double
    public var min: Double
    public var max: Double

    /// The summary of these numbers; nil when there are none.
    public init?(_ values: [Double]) {
        guard let low = values.min(), let high = values.max() else { return nil }
        let sorted = values.sorted()
        n = values.count
        mean = Self.mean(values)
        sd = Self.sampleSD(values)
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        min = low
        max = high
    }

    /// The mean, summed in order (as NumPy's pairwise sum agrees with to far below 1e-9).
    static func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    /// The sample standard deviation (n − 1), or nil for fewer than two numbers.
    static func sampleSD(_ values: [Double]) -> Double? {
        guard values.count > 1 else { return nil }
        let mean = mean(values)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(values.count - 1)).squareRoot()
    }
}
