import Foundation
import Synchronization

/// Token buckets by key (a client address, a participant): `burst` at once, then `perSecond`.
/// Buckets that are full again are forgotten, so the table stays as small as the clients
/// that are busy now.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var at: Double
    }

    let burst: Double
    let perSecond: Double
    private let buckets = Mutex<[String: Bucket]>([:])
    private let now: @Sendable () -> Double

    init(burst: Double, perSecond: Double, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.burst = burst
        self.perSecond = perSecond
        self.now = now
    }

    /// Takes one token for `key`: nil when allowed, else the seconds until one is there.
    func take(_ key: String) -> Int? {
        let time = now()
        return buckets.withLock { all -> Int? in
            var bucket = all[key] ?? Bucket(tokens: burst, at: time)
            bucket.tokens = min(burst, bucket.tokens + (time - bucket.at) * perSecond)
            bucket.at = time
            guard bucket.tokens >= 1 else {
                all[key] = bucket
                return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            all[key] = bucket
            if all.count > 50_000 { all = all.filter { time - $0.value.at < burst / perSecond } }
            return nil
        }
    }
}
