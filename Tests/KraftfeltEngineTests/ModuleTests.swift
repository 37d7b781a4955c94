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
