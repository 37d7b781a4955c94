import Foundation

/// The right to run one session: the store gives it to one holder at a time, and refuses
/// every write to the session's log from anyone else while it is held.
///
/// A holder renews it (a heartbeat, see ``LeaseKeeper``) before it expires and releases it
/// at the end. A holder that crashed loses it when it expires, or at once to a claimant on
/// the same host that sees the holder's process is gone.
public struct SessionLease: Hashable, Sendable {
    public var session: String
    public var holder: LeaseHolder
    /// Names this claim: a write carries it, and a lease taken over gets a new one.
    public var token: String
    /// When the holder claimed it.
    public var since: Date
    /// When it expires unless renewed.
    public var expires: Date

    public init(session: String, holder: LeaseHolder, token: String, since: Date, expires: Date) {
        self.session = session
        self.holder = holder
        self.token = token
        self.since = since
        self.expires = expires
    }

    /// How long a claim or renewal lasts by default, in seconds.
    public static let defaultSeconds = 30.0

    /// True when a claimant may take it over at `now`: it expired, or its holder is known
    /// to have stopped.
    public func isStale(at now: Date) -> Bool { expires <= now || holder.hasStopped }

    /// The refusal a claimant (or any other writer) gets while it is held.
    public func busy(at now: Date) -> StoreError {
        let wait = max(1, Int((expires.timeIntervalSince(now)).rounded(.up)))
        return StoreError(
            .sessionBusy,
            "session \(session) is being run by \(holder.program) pid \(holder.pid) on host \(holder.host) since "
                + "\(Self.clock(since, now: now)); stop it first (or wait \(wait) s if it crashed)")
    }

    /// What this holder is told when its lease is gone: `current` holds the session now
    /// (nil: nobody, it was released).
    public func lost(to current: SessionLease?, at now: Date) -> StoreError {
        guard let current else {
            return StoreError(
                .leaseLost,
                "session \(session) is no longer leased to this process (its lease was released); "
                    + "this process stopped writing to it")
        }
        return StoreError(
            .leaseLost,
            "session \(session) was taken over by \(current.holder.program) pid \(current.holder.pid) on host "
                + "\(current.holder.host) at \(Self.clock(current.since, now: now)); this process stopped writing to it"
        )
    }

    /// A time as a message shows it: `10:42:03` today, else with its date (local time).
    static func clock(_ date: Date, now: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        let sameDay = formatter.string(from: date) == formatter.string(from: now)
        formatter.dateFormat = sameDay ? "HH:mm:ss" : "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}

extension SessionLease {
    /// The rule every store applies to a write to a session: a writer with a lease must
    /// hold the session's (`current`); a writer without one is refused while someone
    /// holds a lease that is not stale.
    static func admit(_ lease: SessionLease?, current: SessionLease?, at now: Date) throws(StoreError) {
        if let lease {
            guard let current, current.token == lease.token else { throw lease.lost(to: current, at: now) }
        } else if let current, !current.isStale(at: now) {
            throw current.busy(at: now)
        }
    }
}
