/// A small, fast, seedable random number generator (SplitMix64).
///
/// Everything random in a session — group draws, tie-breaks, bots — comes from
/// generators seeded from the session's seed, so a replay makes the same choices.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one purpose within a session (`"groups#3"`), independent of others.
    public init(seed: UInt64, stream: String) {
        var hash = FNV1a()
        hash.add(stream.utf8)
        state = seed ^ hash.value
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
