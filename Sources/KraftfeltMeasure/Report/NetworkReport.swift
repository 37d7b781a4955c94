/// The ties participants named (indicators of kind `tie`): how many distinct pairs of
/// people, how many of them across areas, who has a tie outside their own area, and the
/// ties between areas. A tie a–b is the same as b–a, and only ever within one session
/// (participant ids are the session's own).
public struct NetworkReport: Codable, Hashable, Sendable {
    /// The tie indicators counted.
    public var indicators: [String]
    /// Everyone in the sessions (and anyone named in a tie): the denominator of `share`.
    public var participants: Int
    /// Set when fewer than `threshold` people took part: then only `participants` is shown.
    public var withheld: Withheld?
    /// Distinct undirected ties.
    public var ties: Int
    /// Ties between people of two different areas.
    public var crossAreaTies: Int
    /// Ties between people of the same area.
    public var withinAreaTies: Int
    /// People with at least one tie to someone from another area.
    public var withOutsideTie: Int
    /// withOutsideTie / participants.
    public var shareWithOutsideTie: Double?
    /// The matrix's rows and columns: areas with at least `threshold` participants, by name.
    public var areas: [NetworkArea]
    /// Whether the last row is the other areas pooled (they reach the threshold together).
    public var pooledOtherAreas: Bool
    /// Areas left out of the matrix, pooled or not (their names are not given).
    public var hiddenAreas: Int
    /// Ties between row and column areas; the diagonal counts ties within an area (for the
    /// pooled row: all ties among the pooled areas).
    public var matrix: [[Int]]
    /// Per session in time order, with the running totals.
    public var growth: [NetworkPoint]
}

/// An area of the network's matrix.
public struct NetworkArea: Codable, Hashable, Sendable {
    /// The area's name; nil for the pooled other areas.
    public var name: String?
    public var participants: Int
}

/// One session's ties and the totals up to it.
public struct NetworkPoint: Codable, Hashable, Sendable {
    public var session: String
    public var startedAt: Int64
    public var participants: Int
    /// Nil when the session had fewer than `threshold` participants.
    public var ties: Int?
    public var crossAreaTies: Int?
    /// Totals over this and every earlier session.
    public var cumulativeTies: Int
    public var cumulativeCrossAreaTies: Int
}
