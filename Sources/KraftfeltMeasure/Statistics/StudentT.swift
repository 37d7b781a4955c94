import Foundation

/// Student's t distribution: its upper tail and its quantiles, for confidence intervals of
/// a mean change. Computed through the regularized incomplete beta function, so no package
/// is needed; the quantiles agree with SciPy's `scipy.stats.t.ppf` to about 1e-12.
public enum StudentT {
    /// The probability that a t-distributed value with `df` degrees of freedom is at least `t`.
    public static func upperTail(_ t: Double, df: Double) -> Double {
        guard t.isFinite else { return t > 0 ? 0 : 1 }
        // P(T > t) = I_x(df/2, 1/2) / 2 for t ≥ 0, with x = df / (df + t²).
        let half = 0.5 * IncompleteBeta.regularized(x: df / (df + t * t), a: df / 2, b: 0.5)
        return t >= 0 ? half : 1 - half
    }

    /// The value `t` with P(T ≤ t) = `p`: `quantile(0.975, df: 29)` is 2.0452296421327….
    /// Nil when `p` is not strictly between 0 and 1 or `df` is not positive.
    public static func quantile(_ p: Double, df: Double) -> Double? {
        guard p > 0, p < 1, df > 0, df.isFinite else { return nil }
        if p == 0.5 { return 0 }
        // Solve upperTail(t) = 1 - p for t > 0 and mirror for p < ½; the tail is computed
        // directly so that small tails keep their precision.
        let tail = p > 0.5 ? 1 - p : p
        var low = 0.0
        var high = 1.0
        while upperTail(high, df: df) > tail {
            low = high
            high *= 2
            if high > 1e300 { return nil }
        }
        // Bisection: the tail falls as t grows; stop when the bracket no longer shrinks.
        for _ in 0..<2000 {
            let middle = (low + high) / 2
            if middle <= low || middle >= high { break }
            if upperTail(middle, df: df) > tail { low = middle } else { high = middle }
        }
        let t = (low + high) / 2
        return p > 0.5 ? t : -t
    }
}

/// The regularized incomplete beta function I_x(a, b), by its continued fraction (modified
/// Lentz), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
enum IncompleteBeta {
    static func regularized(x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        let front = exp(logFront)
        if x < (a + 1) / (a + b + 2) {
            return front * continuedFraction(x: x, a: a, b: b) / a
        }
        return 1 - front * continuedFraction(x: 1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let epsilon = 1e-16
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...100_000 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < epsilon { break }
        }
        return result
    }
}
