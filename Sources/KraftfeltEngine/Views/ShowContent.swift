import KraftfeltLua

/// What `s:show` puts on a screen, as typed content a front end draws: a text, a list,
/// people, groups, pairs, or a chart.
public enum ShowContent: Codable, Hashable, Sendable {
    /// A text in the session's language.
    case text(String)
    /// Items of a list, as texts.
    case list([String])
    /// People (what `s:participants()` returns, or any list of people).
    case people([PersonRef])
    /// Groups (what `s:groups` or a round of `s:rotations` returns).
    case groups([GroupRef])
    /// Who helps whom (what `s:match` returns).
    case pairs([PairRef])
    case chart(Chart)
}

/// A person as views show them.
public struct PersonRef: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var area: String

    public init(id: String, name: String, area: String) {
        self.id = id
        self.name = name
        self.area = area
    }
}

/// A group: its number and its members.
public struct GroupRef: Codable, Hashable, Sendable {
    public var index: Int
    public var members: [PersonRef]

    public init(index: Int, members: [PersonRef]) {
        self.index = index
        self.members = members
    }
}

/// One pair of a match: the person who asked, the one who helps, the question, and
/// whether they are from different areas.
public struct PairRef: Codable, Hashable, Sendable {
    public var asker: PersonRef
    public var helper: PersonRef
    public var question: String
    public var across: Bool

    public init(asker: PersonRef, helper: PersonRef, question: String, across: Bool) {
        self.asker = asker
        self.helper = helper
        self.question = question
        self.across = across
    }
}

/// Chart data: a front end draws it; the numbers are computed by the engine.
public struct Chart: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// How many gave each point of a scale, every point from the lowest to the highest.
        case distribution
        /// How many chose each option.
        case counts
        /// Two values side by side: a measure before and after.
        case beforeAfter = "before_after"
        /// Ties between areas: how many pairs joined each two areas.
        case ties
    }

    /// One bar: a label and its value.
    public struct Bar: Codable, Hashable, Sendable {
        public var label: String
        public var value: Double

        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    /// A tie between two areas (in the order the areas first appeared), and how many
    /// pairs made it.
    public struct Tie: Codable, Hashable, Sendable {
        public var from: String
        public var to: String
        public var count: Int

        public init(from: String, to: String, count: Int) {
            self.from = from
            self.to = to
            self.count = count
        }
    }

    public var kind: Kind
    public var title: String?
    /// The bars of a distribution, counts or before/after chart.
    public var bars: [Bar]
    /// The ties of a ties chart.
    public var ties: [Tie]

    public init(kind: Kind, title: String? = nil, bars: [Bar] = [], ties: [Tie] = []) {
        self.kind = kind
        self.title = title
        self.bars = bars
        self.ties = ties
    }
}

/// Who sees what a script shows.
public enum ShowAudience: Hashable, Sendable {
    /// The beamer and every phone.
    case everyone
    /// The beamer only.
    case screen
    /// These people's phones (a group, one person, a list).
    case people([String])
}

/// Something shown, with who sees it and when.
public struct Shown: Codable, Hashable, Sendable {
    /// Grows with every `s:show`: the newest item addressed to a screen is the one it shows.
    public var number: Int
    public var content: ShowContent
    /// Milliseconds since the session started.
    public var at: Int64

    public init(number: Int, content: ShowContent, at: Int64) {
        self.number = number
        self.content = content
        self.at = at
    }
}
