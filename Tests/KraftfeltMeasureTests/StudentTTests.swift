import Foundation
import Testing

@testable import KraftfeltMeasure

/// Student's t quantiles against SciPy's `scipy.stats.t.ppf`.
@Suite struct StudentTTests {
    /// (p, df, scipy.stats.t.ppf(p, df))
    static let known: [(Double, Double, Double)] = [
        (0.975, 1, 12.706204736174694), (0.975, 2, 4.302652729749462), (0.975, 5, 2.5705818356363146),
        (0.975, 29, 2.045229642132703), (0.975, 1000, 1.9623390808264083),
        (0.995, 1, 63.656741162871526), (0.995, 2, 9.924843200918287), (0.995, 5, 4.032142983555228),
        (0.995, 29, 2.756385903670605), (0.995, 1000, 2.580754698065951),
        (0.9, 1, 3.0776835371752544), (0.9, 2, 1.8856180831641272), (0.9, 5, 1.4758840488244815),
        (0.9, 29, 1.311433647301551), (0.9, 1000, 1.2823987214609247),
    ]

    @Test(arguments: known.indices) func quantileMatchesSciPy(_ index: Int) throws {
        let (p, df, expected) = Self.known[index]
        let t = try #require(StudentT.quantile(p, df: df))
        #expect(abs(t - expected) <= 1e-9 * expected, "t(\(p), \(df)) = \(t), SciPy \(expected)")
        // The lower tail mirrors the upper.
        let lower = try #require(StudentT.quantile(1 - p, df: df))
        #expect(abs(lower + expected) <= 1e-9 * expected)
    }

    @Test func oneDegreeIsTheCauchyDistribution() throws {
        // t with 1 df is Cauchy: its quantile is tan(π(p − ½)).
        for p in [0.6, 0.75, 0.9, 0.975, 0.999] {
            let t = try #require(StudentT.quantile(p, df: 1))
            let exact = tan(Double.pi * (p - 0.5))
            #expect(abs(t - exact) <= 1e-9 * exact, "p \(p): \(t) vs \(exact)")
        }
    }

    @Test func tailsAndOutOfRange() {
        #expect(StudentT.quantile(0.5, df: 7) == 0)
        #expect(StudentT.quantile(0, df: 7) == nil)
        #expect(StudentT.quantile(1, df: 7) == nil)
        #expect(StudentT.quantile(0.9, df: 0) == nil)
        #expect(StudentT.quantile(.nan, df: 3) == nil)
        #expect(abs(StudentT.upperTail(0, df: 4) - 0.5) < 1e-15)
        #expect(abs(StudentT.upperTail(2.5705818356363146, df: 5) - 0.025) < 1e-13)
    }
}
