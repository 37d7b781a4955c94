/// How long a lease may be claimed or renewed for.
enum LeaseTerms {
    /// From a millisecond to a day.
    static let seconds = 0.001...86_400.0

    static func check(_ seconds: Double) throws(StoreError) {
        guard Self.seconds.contains(seconds) else {
            throw StoreError(.io, "a lease lasts from 0.001 to 86400 seconds, got \(seconds)")
        }
    }
}
