import Foundation
import Testing

@testable import KraftfeltEngine

/// `require`: a script's own modules beside it and the host's structures, nothing else.
@Suite struct ModuleTests {
    static func session(_ main: String, modules: [String: String] = [:], people: Int = 3) throws -> Session {
        let library = modules.sorted { $0.key < $1.key }.map { ExerciseSource(fileName: $0.key, text: $0.value) }
        let definition = SessionDefinition(
            main: ExerciseSource(fileName: "x.lua", text: main), library: library, seed: 1)
        let session = try Session(definition: definition)
        try session.submit(definition.startEvent(exercise: "x"))
        for i in 0..<people where session.state == .running {
            try session.submit(.join(Participant(id: "p\(i + 1)", name: "P\(i + 1)", area: "A\(i % 2)"), at: 0))
        }
        if session.state == .running { try session.submit(.trainer(.advance, at: 0)) }
        return session
    }

    static func exercise(requiring line: String, _ body: String = "") -> String {
        """
        \(line)
        return kf.exercise { id = "x", title = { da = "X", en = "X" }, minutes = 5,
          run = function(s)
        \(body)
          end }
        """
    }

    @Test func aModuleBesideTheScriptRunsOnceAndIsShared() throws {
        let helpers = """
            print("loading helpers")
            local M = { count = 0 }
            function M.greet(s, name) M.count = M.count + 1; s:show("hello " .. name) end
            return M
            """
        let main = Self.exercise(
            requiring: "local a = require 'helpers'; local b = require 'helpers'",
            "a.greet(s, 'Anne'); b.greet(s, 'Bo'); print(a == b, a.count)")
        let session = try Self.session(main, modules: ["helpers.lua": helpers])
        #expect(session.state == .finished, "\(session.failure ?? "")")
        let lines = session.transcript.lines
        #expect(lines.filter { $0.contains("print: loading helpers") }.count == 1)
        #expect(lines.contains("[00:00] show: hello Bo"))
        #expect(lines.contains("[00:00] print: true\t2"), "\(lines)")
    }

    @Test func oneTwoFourAllIsOneCall() throws {
        let main = Self.exercise(
            requiring: "local structures = require 'kraftfelt.structures'",
            "return structures.one_two_four_all(s, { bot_answers = { 'x' } })")
        let definition = SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: main), seed: 3)
        let rehearsal = try Rehearsal(definition: definition, participants: 11, areas: 3)
        let session = try rehearsal.run(exercise: "x")
        #expect(session.state == .finished, "\(session.failure ?? "")")
        #expect(
            session.transcript.lines.contains { $0.hasSuffix("merged 5 groups into 3") }, "\(session.transcript.lines)")
        #expect(session.transcript.lines.contains { $0.contains("ask everyone (vote, 2m)") })
        let typo = try Self.session(
            Self.exercise(
                requiring: "local structures = require 'kraftfelt.structures'",
                "structures.one_two_four_all(s, { fuors = '5m' })"))
        #expect(
            typo.failure
                == "x.lua:4: one_two_four_all: 'fuors' is not an option (the options are alone, bot_answers, fours, pairs, prompt, vote)"
        )
    }

    /// Nine Whys: the same question until an answer says stop, or the count is reached.
    @Test func askUntilRepeatsUntilAnAnswerSaysStop() throws {
        let main = Self.exercise(
            requiring: "local structures = require 'kraftfelt.structures'",
            """
              local rounds = structures.ask_until(s, s:participants()[1], { da = "Hvorfor?", en = "Why?" }, { times = 4 })
              local _, deepest = structures.ask_until(s, s:participants()[3], { da = "Hvorfor?" }, { times = 3, stop = { "nok" } })
              print(#rounds .. " rounds; deepest: " .. deepest[1].value)
              local counted = structures.ask_until(s, s:participants()[2], function(round, previous)
                return { da = "Hvorfor " .. round .. "?", en = "Why " .. round .. "?" }
              end, { times = 2 })
              print(#counted .. " rounds")
            """)
        let session = try Self.session(main)
        for answer in ["Fordi", " STOP ", "Dybt", "Nok", "x", "y"] {
            let ask = try #require(session.openAsks.first)
            try session.submit(.answer(ask: ask.id, participant: ask.audience[0], value: .text(answer), at: 1000))
        }
        #expect(session.state == .finished, "\(session.failure ?? "")")
        let lines = session.transcript.lines
        #expect(lines.contains("[00:00] ask P1 (text): Hvorfor? (1/4)"), "\(lines)")
        #expect(lines.contains("[00:01] ask P1 (text): Hvorfor? (2/4)"))
        #expect(lines.contains("[00:01] print: 2 rounds; deepest: Dybt"), "\(lines)")
        #expect(lines.contains("[00:01] ask P2 (text): Hvorfor 2? (2/2)"))
        #expect(lines.contains("[00:01] print: 2 rounds"))
        let wrong: [(String, String)] = [
            (
                "structures.ask_until(s, s.everyone, { da = 'x' }, { times = 0 })",
                "x.lua:4: ask_until: 'times' must be a whole number from 1 to 50, got 0"
            ),
            (
                "structures.ask_until(s, s.everyone, 'why?')",
                "x.lua:4: ask_until: 'question' must be a question table or a function(round, previous), got a string"
            ),
            (
                "structures.ask_until(s, s.everyone, { da = 'x' }, { tiems = 3 })",
                "x.lua:4: ask_until: 'tiems' is not an option (the options are stop, times)"
            ),
            (
                "structures.ask_until(s, s.everyone, function() return 5 end)",
                "x.lua:4: ask_until: the question function must return a question table or nil, got a number"
            ),
        ]
        for (body, message) in wrong {
            let failed = try Self.session(
                Self.exercise(requiring: "local structures = require 'kraftfelt.structures'", body))
            #expect(failed.failure == message)
        }
    }

    static let refused: [(String, String)] = [
        (
            "require '../secret'",
            "x.lua:1: require: \"../secret\" is not a module name: a module is a file beside the script, like require \"helpers\" for helpers.lua"
        ),
        (
            "require '/etc/passwd'",
            "x.lua:1: require: \"/etc/passwd\" is not a module name: a module is a file beside the script, like require \"helpers\" for helpers.lua"
        ),
        (
            "require 'helper'",
            "x.lua:1: require: there is no module \"helper\": put helper.lua beside the script (did you mean \"helpers\"?)"
        ),
        ("require 'x'", "x.lua:1: require: there is no module \"x\": put x.lua beside the script"),
        ("require(42)", "x.lua:1: require: a module's name must be a text, like require \"helpers\", got number"),
        ("require 'loop'", "x.lua:1: require: loop requires itself (a loop of modules)"),
        ("require 'broken'", "broken.lua:2: attempt to perform arithmetic on a nil value (global 'undefined')"),
        ("require 'syntax'", "x.lua:1: require: syntax.lua:1: unexpected symbol near '='"),
    ]

    @Test(arguments: refused)
    func aBadRequireFailsWithItsCause(_ line: String, _ expected: String) throws {
        let modules = [
            "helpers.lua": "return {}", "loop.lua": "return require 'loop'",
            "broken.lua": "local M = {}\nM.x = undefined + 1\nreturn M", "syntax.lua": "= nope",
        ]
        let session = try Self.session(Self.exercise(requiring: line), modules: modules)
        #expect(session.failure == expected)
    }
}
