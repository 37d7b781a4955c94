import Foundation
import KraftfeltEngine

/// A follow-up code's record: weeks after a session, a participant comes back with a code
/// and answers some indicators again on their phone. Their answers are linked to their
/// earlier ones by session and participant id, never by name.
///
/// The store keeps only the code's hash (SHA-256 of the code, as 64 lowercase hex digits,
/// made by the caller), so that a copy of the database hands out nobody's code.
public struct FollowUp: Codable, Hashable, Sendable {
    public var session: String
    /// The participant's id in the session.
    public var participant: String
    /// The indicators the code asks, in order, as the session declared them: weeks later
    /// the follow-up page asks them from here, without running the session's scripts.
    public var indicators: [Indicator]
    /// Seconds since 1970.
    public var issuedAt: Int64
    /// The last second the code answers (seconds since 1970).
    public var expiresAt: Int64
    /// When it was answered (seconds since 1970); nil while it was not.
    public var usedAt: Int64?

    public init(
        session: String, participant: String, indicators: [Indicator], issuedAt: Int64, expiresAt: Int64,
        usedAt: Int64? = nil
    ) {
        self.session = session
        self.participant = participant
        self.indicators = indicators
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }

    /// Indicators one code asks at most.
    public static let maximumIndicators = 100
    /// Bytes of a follow-up answer's text (an answer to a text question has at most 2000
    /// characters, and a character at most four bytes).
    public static let maximumTextBytes = 8000

    /// Refuses a hash that is not 64 lowercase hex digits.
    static func validate(codeHash: String) throws(StoreError) {
        let bytes = Array(codeHash.utf8)
        guard bytes.count == 64,
            bytes.allSatisfy({
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            })
        else {
            throw StoreError(
                .invalid,
                "a follow-up code hash is 64 lowercase hex digits (SHA-256 of the code), got \(SessionID.shown(codeHash))"
            )
        }
    }

    /// Refuses a follow-up the store cannot issue: a session id outside the syntax, an
    /// empty participant, no or too many indicators, an expiry before the issue, a used one.
    static func validate(_ followUp: FollowUp) throws(StoreError) {
        try SessionID.validate(followUp.session)
        let who =
            "the follow-up for participant \(SessionID.shown(followUp.participant)) of session \(followUp.session)"
        guard !followUp.participant.isEmpty, followUp.participant.utf8.count <= 256,
            !followUp.participant.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw StoreError(.invalid, "\(who): a participant id has 1 to 256 bytes without control characters")
        }
        guard (1...maximumIndicators).contains(followUp.indicators.count) else {
            throw StoreError(
                .invalid, "\(who): it asks 1 to \(maximumIndicators) indicators, got \(followUp.indicators.count)")
        }
        guard Set(followUp.indicators.map(\.id)).count == followUp.indicators.count else {
            throw StoreError(.invalid, "\(who): it lists an indicator twice")
        }
        for indicator in followUp.indicators {
            guard Indicator.isID(indicator.id) else {
                throw StoreError(.invalid, "\(who): \(SessionID.shown(indicator.id)) is not an indicator id")
            }
            guard indicator.kind != .tie else {
                throw StoreError(
                    .invalid, "\(who): \(indicator.id) is a tie between two people, which a follow-up cannot ask")
            }
        }
        guard followUp.expiresAt >= followUp.issuedAt else {
            throw StoreError(.invalid, "\(who): it expires before it is issued")
        }
        guard followUp.usedAt == nil else { throw StoreError(.invalid, "\(who): a new code cannot be used already") }
    }

    // MARK: What a participant is told

    static let unknown = StoreError(
        .followUpUnknown, "this follow-up code is not known: check it, or ask your trainer for a new one")

    static func expired(_ followUp: FollowUp) -> StoreError {
        StoreError(
            .followUpExpired,
            "this follow-up code expired on \(day(followUp.expiresAt)): ask your trainer for a new one")
    }

    static func used(_ followUp: FollowUp) -> StoreError {
        StoreError(
            .followUpUsed, "this follow-up code was used on \(day(followUp.usedAt ?? 0)): each code answers once")
    }

    static func notAsked(_ name: String) -> StoreError {
        StoreError(.invalid, "“\(shown(name))” is not one of this follow-up's questions")
    }

    /// The day of a time, as `2026-12-24` (UTC).
    static func day(_ seconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// A participant's text in a message: at most 40 characters, control characters as `?`.
    static func shown(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let clipped = scalars.count > 40 ? String(String.UnicodeScalarView(scalars.prefix(40))) + "…" : text
        return String(
            String.UnicodeScalarView(
                clipped.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }

    /// Checks a participant's answers against this follow-up, and returns them as stored:
    /// about the participant, tagged `follow-up` first.
    func answers(_ measures: [Measure]) throws(StoreError) -> [Measure] {
        guard measures.count <= Self.maximumIndicators * 4 else {
            throw StoreError(
                .invalid, "a follow-up answers at most \(Self.maximumIndicators * 4) measures, got \(measures.count)")
        }
        guard !measures.isEmpty else { throw StoreError(.invalid, "a follow-up answer needs at least one answer") }
        var stored: [Measure] = []
        for measure in measures {
            guard let indicator = indicators.first(where: { $0.id == measure.name }) else {
                throw Self.notAsked(measure.name)
            }
            guard !stored.contains(where: { $0.name == measure.name }) else {
                throw StoreError(.invalid, "“\(measure.name)” is answered twice")
            }
            switch measure.subject {
            case .session: break
            case .participant(let id) where id == participant: break
            default:
                throw StoreError(
                    .invalid,
                    "a follow-up answer is about its own participant, not \(Self.shown(measure.subject.description))")
            }
            if let text = measure.text, text.count > 2000 || text.utf8.count > Self.maximumTextBytes {
                throw StoreError(.invalid, "the answer to “\(measure.name)” is longer than 2000 characters")
            }
            if indicator.kind == .text {
                guard let text = measure.text, !text.isEmpty, measure.value == 1 else {
                    throw StoreError(.invalid, "\(measure.name) is a free text: the answer is a text")
                }
            } else {
                guard measure.text == nil, measure.other == nil else {
                    throw StoreError(.invalid, "\(measure.name) takes a number, not a text")
                }
                if let problem = indicator.problem(with: measure.value) { throw StoreError(.invalid, problem) }
            }
            var measure = measure
            measure.subject = .participant(participant)
            if !measure.tags.contains(MeasurePhase.followUp.rawValue) {
                measure.tags.insert(MeasurePhase.followUp.rawValue, at: 0)
            }
            stored.append(measure)
        }
        try MeasureForm.check(
            stored, in: "the follow-up of participant \(SessionID.shown(participant)) of session \(session)")
        return stored
    }
}
