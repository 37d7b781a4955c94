/// Every limit on what a script can make a session build or keep, in one place.
///
/// Each refusal names its limit; `docs/lua-api.md` lists them for trainers. Storage has
/// its own (``StorageLimits``), the sandbox its own (`SandboxLimits`).
public enum SessionLimits {
    // MARK: The transcript

    /// Bytes of a session's transcript, counting every line it adds with its time stamp.
    /// A session that reaches it fails: a script cannot grow the host's memory through
    /// `print` or `s:show`.
    public static let transcriptBytes = 16 * 1024 * 1024
    /// Bytes of one entry a script puts in the transcript: a `print` line, what `s:show`
    /// shows, a timer's or a wait's label. Longer ones are cut.
    public static let entryBytes = 4096

    /// Items of one list `s:show` shows as a list (people, groups, pairs, a chart's answers);
    /// a longer one is shown as its text, cut at ``entryBytes``.
    public static let shownItems = 10_000
    /// Bytes of text in what one `s:show` shows as a list (every screen it goes to gets it);
    /// more is shown as its text, cut at ``entryBytes``.
    public static let shownBytes = 256 * 1024

    // MARK: Questions

    /// Bytes of a question's text in one language.
    public static let promptBytes = 4000
    /// Options of a choice, choices, rank or vote question, and bytes of each.
    public static let options = 100
    public static let optionBytes = 500
    /// Items of one answer to a list question (its `max` is at most this; default 10).
    public static let listItems = 50
    public static let listItemsDefault = 10
    /// Sample answers (`bot_answers`) a question may give for rehearsals.
    public static let botAnswers = 100
    /// A scale's `min` and `max` are whole numbers in `-scaleBound...scaleBound`, at most
    /// `scaleSteps` apart.
    public static let scaleBound = 1_000_000
    public static let scaleSteps = 100
    /// A number question's `min` and `max` lie in `-numberBound...numberBound`.
    public static let numberBound = 1_000_000_000_000.0

    // MARK: Groups, rounds and roles

    /// Members of one group from `s:groups`.
    public static let groupSize = 50
    /// Groups `s:each_group` runs at once (and never more than the people in the session).
    public static let groups = 1000
    /// Pairs of people the session remembers as having met, for `avoid_repeats`.
    public static let rememberedPairs = 2_000_000
    /// Rounds of `s:rotations`, and the places in all of them (rounds × people here).
    public static let rotationRounds = 50
    public static let rotationPlaces = 100_000
    /// Role names `s:roles` takes, and bytes of each; members of its group; its rounds.
    public static let roles = 50
    public static let roleBytes = 100
    public static let roleMembers = 50
    public static let roleRounds = 50

    // MARK: Matching, measures and declarations

    /// Bytes of one question `s:match` pairs (an answer to a text question has at most 2,000
    /// characters; a script may pass its own).
    public static let matchQuestionBytes = 8000
    /// Measures one session takes (reports carry them all; the console view only the
    /// session's own numbers).
    public static let measures = 100_000
    /// Bytes of a free text measured, tags on one measure, indicators one exercise declares.
    public static let measureText = 2000
    public static let measureTags = 8
    public static let indicators = 100
    /// Indicators a follow-up asks.
    public static let followUpIndicators = 20
    /// Characters (and at most four times as many bytes) of a measure's name.
    public static let measureName = 64
    /// Exercises a programme runs.
    public static let programmeExercises = 50
    /// Bytes of an exercise's or programme's title in one language.
    public static let titleBytes = 200
    /// Parameters an exercise declares, and bytes of each name.
    public static let parameters = 50
    public static let parameterNameBytes = 64

    // MARK: Rehearsals

    /// Bots in one rehearsal.
    public static let rehearsalParticipants = 100_000
    /// The latest time an event may have, in milliseconds after the start: ten years (so
    /// that no time a log or a host gives reaches an overflow).
    public static let latestEventTime: Int64 = 10 * 366 * 24 * 3_600_000

    /// `16 MB`, `4 KB`, `300 bytes`: a limit as messages show it.
    static func bytes(_ n: Int) -> String {
        if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20) MB" }
        if n >= 1 << 10 && n % (1 << 10) == 0 { return "\(n >> 10) KB" }
        return "\(n) bytes"
    }
}
