import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// `s:measure`: values of declared indicators about the session, a person or a group,
/// checked against what each indicator takes.
struct MeasureTests {
    /// An exercise that declares its own indicators (the body starts on line 10).
    static func declaring(_ body: String) -> String {
        """
        return kf.exercise { id = "x", title = { da = "X", en = "X" }, minutes = 5,
          indicators = {
            { id = "energy", label = { da = "Energi", en = "Energy" }, kind = "scale", min = 1, max = 7,
              low = { da = "Træt", en = "Tired" }, high = { da = "Frisk", en = "Fresh" } },
            { id = "ideas", label = "Ideas", kind = "count" },
            { id = "idea", label = { da = "Idé", en = "Idea" }, kind = "text" },
            { id = "helped", label = { da = "Hjulpet", en = "Helped" }, kind = "yes-no" },
          },
          run = function(s)
        \(body)
          end }
        """
    }

    /// A session keeps at most `SessionLimits.measures` measures: the next one fails it
    /// (more than one step's budget takes, so this session has no instruction limit).
    @Test func aSessionTakesAtMostItsLimitOfMeasures() throws {
        let limits = SandboxLimits(instructionsPerRun: nil, secondsPerRun: 120)
        let session = try openSession(
            exercise("    for i = 1, \(SessionLimits.measures + 1) do s:measure('m', i) end"), limits: limits)
        #expect(session.failure == "x.lua:3: s:measure: a session can take at most \(SessionLimits.measures) measures")
        #expect(session.measures.count == SessionLimits.measures)
    }

    @Test func measuresAboutPeopleGroupsAndTheSessionKeepWhatTheySay() throws {
        let session = try openSession(
            Self.declaring(
                """
                local people = s:participants()
                s:measure("energy", 6, { person = people[1], tags = { "before", "round_1" } })
                s:measure("energy", 2, people[2])
                s:measure("ideas", 3, { group = { people[2], people[1] } })
                s:measure("idea", "Kaffe på tværs", people[3])
                s:measure("helped", true, people[1])
                s:measure("cross_area_tie", people[3], people[1])
                s:measure("experienced_effect", 4, { person = "p2", tags = { "after" } })
                s:measure("room_energy", 4.5)
                """))
        #expect(session.failure == nil)
        let m = session.measures
        #expect(m.count == 8)
        #expect(
            m[0]
                == Measure(
                    exercise: "x", name: "energy", value: 6, at: m[0].at, subject: .participant("p1"), area: "Sundhed",
                    tags: ["before", "round_1"]))
        #expect(m[0].phase == .before)
        #expect(m[1].subject == .participant("p2") && m[1].area == "Skole" && m[1].tags.isEmpty)
        #expect(m[2].subject == .group("p1+p2") && m[2].value == 3)
        #expect(m[3].text == "Kaffe på tværs" && m[3].value == 1 && m[3].area == "Teknik")
        #expect(m[4].value == 1)
        #expect(m[5].subject == .participant("p1") && m[5].other == "p3" && m[5].otherArea == "Teknik")
        #expect(m[6].phase == .after && m[6].name == "experienced_effect")
        #expect(m[7].subject == .session && m[7].value == 4.5)
        #expect(session.transcript.lines.contains("[00:00] measure energy (participant Anne) = 6 [before, round_1]"))
        #expect(
            session.transcript.lines.contains("[00:00] measure cross_area_tie (participant Anne) = tie with Cecilie"))
        #expect(session.transcript.lines.contains("[00:00] measure ideas (group of 2) = 3"))
        // The console shows the session's own numbers, not one line per person.
        #expect(session.consoleView.measures.map(\.name) == ["room_energy"])
        #expect(session.indicators["energy"]?.max == 7 && session.indicators["energy"]?.low?["en"] == "Tired")
    }

    static let wrongValues: [(String, String)] = [
        (
            "s:measure('energy', 8, s:participants()[1])",
            "s:measure: energy is a scale from 1 to 7: a whole number in it, got 8"
        ),
        (
            "s:measure('energy', 2.5, s:participants()[1])",
            "s:measure: energy is a scale from 1 to 7: a whole number in it, got 2.5"
        ),
        ("s:measure('energy', 0 / 0)", "s:measure: energy takes a finite number"),
        ("s:measure('ideas', -1)", "s:measure: ideas is a count: a whole number from 0, got -1"),
        ("s:measure('helped', 2, s:participants()[1])", "s:measure: helped is yes or no: true, false, 1 or 0, got 2"),
        ("s:measure('idea', 3, s:participants()[1])", "s:measure: idea is a free text: give a text, got 3"),
        (
            "s:measure('idea', string.rep('x', 2001), s:participants()[1])",
            "s:measure: idea: a text can have at most 2000 bytes, got 2001"
        ),
        ("s:measure('idea', 'a\\0b', s:participants()[1])", "s:measure: idea: a text cannot hold a NUL character"),
        ("s:measure('energy', 'high')", "s:measure: energy takes a number, got \"high\""),
        (
            "s:measure('energi', 3, s:participants()[1])",
            "s:measure: \"energi\" is not an indicator: did you mean 'energy'? (declare it in the exercise's indicators = { … } to measure it per person or group)"
        ),
        (
            "s:measure('experienced_efect', 3, s:participants()[1])",
            "s:measure: \"experienced_efect\" is not an indicator: did you mean 'experienced_effect'? (declare it in the exercise's indicators = { … } to measure it per person or group)"
        ),
        (
            "s:measure('cross_area_tie', s:participants()[1])",
            "s:measure: cross_area_tie is a tie between two people: say whom it is about, like s:measure(\"cross_area_tie\", helper, asker)"
        ),
        (
            "s:measure('cross_area_tie', 'p9', s:participants()[1])",
            "s:measure: cross_area_tie is a tie between two people: the value must be a person in this session, got \"p9\""
        ),
        ("s:measure('cross_area_tie', 'p1', 'p1')", "s:measure: cross_area_tie: a tie needs two different people"),
        (
            "s:measure('energy', 3, { person = 'p9' })",
            "s:measure: 'person' must be a person in this session, got \"p9\""
        ),
        (
            "s:measure('energy', 3, { persn = 'p1' })",
            "s:measure: 'persn' is not an option: did you mean 'person'? (the options are person, group, tags)"
        ),
        (
            "s:measure('energy', 3, { person = 'p1', tags = { 'Before' } })",
            "s:measure: 'tags' must be a list of up to 8 short words, like { \"before\" }; a tag is 1 to 32 lowercase letters, digits, '-' and '_', got \"Before\""
        ),
        (
            "s:measure('energy', 3, { person = 'p1', tags = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i' } })",
            "s:measure: 'tags' must be a list of up to 8 short words, like { \"before\" }"
        ),
        (
            "s:measure('energy', 3, { group = { 'p1', 'p7' } })",
            "s:measure: 'group' must list people of this session, got \"p7\""
        ),
        (
            "s:measure('energy', 3, { person = 'p1', group = { 'p1' } })",
            "s:measure: give 'person' or 'group', not both"
        ),
        (
            "s:measure('energy', 3, 42)",
            "s:measure: 'about' must be a person or { person = …, group = …, tags = … }, got 42"
        ),
    ]

    @Test(arguments: wrongValues)
    func aValueTheIndicatorDoesNotTakeFailsWithItsMessage(_ call: String, _ expected: String) throws {
        let session = try openSession(Self.declaring(call))
        #expect(session.failure == "x.lua:10: \(expected)")
        #expect(session.measures.isEmpty, "nothing was measured")
    }

    static let badDeclarations: [(String, String)] = [
        (
            "{ { id = 'Energy', label = 'E', kind = 'scale' } }",
            "indicator 1: 'id' must be lowercase letters, digits and '_', starting with a letter, like \"energy\", got \"Energy\""
        ),
        (
            "{ { id = 'e', label = 'E', kind = 'stars' } }",
            "e: 'kind' must be one of scale, count, number, yes-no, text, tie, got \"stars\""
        ),
        (
            "{ { id = 'e', label = 'E', kind = 'scale', min = 5, max = 5 } }",
            "e: a scale's 'min' and 'max' must be whole numbers from 0 to 10, min below max, like min = 1, max = 7"
        ),
        ("{ { id = 'e', label = 'E', kind = 'count', max = 5 } }", "e: 'max' belongs to a scale, and this is a count"),
        (
            "{ { id = 'e', label = 'E', kind = 'count' }, { id = 'e', label = 'F', kind = 'count' } }",
            "the indicator \"e\" is declared twice"
        ),
        ("{ { id = 'e', kind = 'count' } }", "e: 'label' must be a text or { da = \"…\", en = \"…\" }, got nil"),
        (
            "{ { id = 'e', label = { de = 'E' }, kind = 'count' } }",
            "e: 'label': the languages are da and en, got \"de\""
        ),
        (
            "{ { id = 'e', label = 'E', kind = 'count', colour = 'red' } }",
            "indicator 1: 'colour' is not an indicator field (the indicator fields are id, label, kind, min, max, low, high)"
        ),
        (
            "{ { id = 'experienced_effect', label = 'E', kind = 'count' } }",
            "the indicator \"experienced_effect\" is one of the host's: measure it without declaring it, or choose another id"
        ),
        (
            "'energy'",
            "'indicators' must be a list like { { id = \"energy\", label = { da = …, en = … }, kind = \"scale\" } }"
        ),
    ]

    @Test(arguments: badDeclarations)
    func aBadDeclarationFailsTheSessionBeforeItOpens(_ indicators: String, _ expected: String) throws {
        let script = """
            return kf.exercise { id = "x", title = { da = "X", en = "X" }, minutes = 5, indicators = \(indicators),
              run = function(s) end }
            """
        let definition = SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: script), seed: 1)
        let session = try Session(definition: definition)
        try session.submit(definition.startEvent(exercise: "x"))
        #expect(session.failure == "x.lua:1: kf.exercise: \(expected)")
    }

    /// A pack's manifest may declare indicators; its scripts then measure them.
    @Test func aPacksIndicatorsCanBeMeasured() throws {
        let pack = PackProvenance(
            id: "dk.kommune.test", version: "1.0.0", hash: "00", trusted: true, permissions: [.measures],
            indicators: [Indicator(id: "ties_across_areas", label: ["da": "Bånd", "en": "Ties"], kind: .count)])
        let session = try openSession(exercise("s:measure('ties_across_areas', 2, s:participants()[1])"), pack: pack)
        #expect(session.failure == nil)
        #expect(session.measures.first?.subject == .participant("p1"))
    }

    /// The seed's programme measures each person before and after, ties and goals.
    @Test func theSeedProgrammeMeasuresBeforeAndAfterPerPerson() throws {
        let definition = SessionDefinition(
            main: Shipped.source("netvaerksorganisering"), library: Shipped.library, seed: 3)
        let session = try Rehearsal(definition: definition, participants: 12, areas: 4, log: MemoryLog())
            .run(exercise: "netvaerksorganisering")
        #expect(session.failure == nil)
        let measures = session.measures
        for point in Indicator.seed {
            let before = measures.filter { $0.name == point.id && $0.phase == .before }
            let after = measures.filter { $0.name == point.id && $0.phase == .after }
            #expect(before.count >= 10 && after.count >= 10, "\(point.id)")
            #expect(before.allSatisfy { if case .participant = $0.subject { true } else { false } })
            #expect(before.allSatisfy { (1...5).contains($0.value) && $0.area != nil })
        }
        let ties = measures.filter { $0.name == "cross_area_tie" }
        #expect(!ties.isEmpty && ties.allSatisfy { $0.other != nil && $0.otherArea != nil })
        #expect(measures.contains { $0.name == "goal" && $0.text != nil })
    }

    @Test func aFollowUpSaysWhatItAsksAndForHowLong() throws {
        let session = try openSession(
            Self.declaring("s:follow_up { indicators = { 'energy', 'helped', 'energy' }, days = 28 }"))
        #expect(session.failure == nil)
        #expect(session.followUp?.indicators.map(\.id) == ["energy", "helped"])
        #expect(session.followUp?.days == 28 && session.followUp?.exercise == "x")
        #expect(session.transcript.lines.contains("[00:00] follow-up in 28 days: energy, helped"))
    }

    static let wrongFollowUps: [(String, String)] = [
        (
            "s:follow_up { indicators = { 'energi' } }",
            "s:follow_up: \"energi\" is not an indicator: did you mean 'energy'?"
        ),
        (
            "s:follow_up { indicators = {} }",
            "s:follow_up: 'indicators' must list 1 to 20 indicator ids, like { \"experienced_effect\" }"
        ),
        (
            "s:follow_up { indicators = { 'cross_area_tie' } }",
            "s:follow_up: cross_area_tie is a tie between two people: a follow-up asks one person at a time"
        ),
        (
            "s:follow_up { indicators = { 'energy' }, days = 400 }",
            "s:follow_up: 'days' must be a whole number of days from 1 to 366, got 400"
        ),
        (
            "s:follow_up { indicators = { 'energy' }, weeks = 4 }",
            "s:follow_up: 'weeks' is not a field (the fields are indicators, days)"
        ),
    ]

    @Test(arguments: wrongFollowUps)
    func aWrongFollowUpFailsWithItsMessage(_ call: String, _ expected: String) throws {
        let session = try openSession(Self.declaring(call))
        #expect(session.failure == "x.lua:10: \(expected)")
        #expect(session.followUp == nil)
    }
}
