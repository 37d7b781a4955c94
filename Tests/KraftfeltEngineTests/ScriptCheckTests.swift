import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// `ScriptCheck` reads the registries, not a list of its own, and answers any text.
struct ScriptCheckTests {
    /// A script that calls one function with `count` arguments (names, so no literal is judged).
    func calling(_ call: String, arguments count: Int) -> String {
        let arguments = (0..<count).map { "x\($0)" }.joined(separator: ", ")
        return "local x0, x1, x2, x3 = 1, 2, 3, 4\n\(call)(\(arguments))\n"
    }

    @Test func everyRegisteredFunctionIsKnownAndTakesItsArguments() throws {
        for module in try Session.hostModules() {
            let prefix = module.isGlobal ? "kf." : "s:"
            for function in module.functions {
                let count = function.parameters.filter { $0.name != "self" }.count
                let script = calling(prefix + function.name, arguments: count)
                #expect(ScriptCheck.check(script, fileName: "x.lua") == [], "\(prefix)\(function.name)")
            }
        }
    }

    @Test func aFunctionNotRegisteredIsNamedWithTheNearestOne() throws {
        let names = try Session.hostModules().first { !$0.isGlobal }!.functions.map(\.name)
        for name in names where name.count >= 4 {
            let misspelt = String(name.dropLast()) + "x"
            let findings = ScriptCheck.check(calling("s:" + misspelt, arguments: 0), fileName: "x.lua")
            #expect(findings.count == 1)
            #expect(findings.first?.message.hasPrefix("'s:\(misspelt)' is not a session function") ?? false)
        }
    }

    @Test func everyOptionOfEveryTableIsKnown() {
        for table in HostOptions.all where !table.functions.isEmpty {
            for function in table.functions {
                let fields = table.names.map { "\($0) = x0" }.joined(separator: ", ")
                let arguments = (1..<table.argument).map { _ in "x0" } + ["{ \(fields) }"]
                let call = table.typeName == HostOptions.exercise.typeName ? "kf." : "s:"
                let script = "local x0 = 1\n\(call)\(function)(\(arguments.joined(separator: ", ")))\n"
                let findings = ScriptCheck.check(script, fileName: "x.lua").filter { !$0.message.contains("(da)") }
                #expect(findings == [], "\(table.typeName)")
                let misspelt = script.replacingOccurrences(of: "{ \(table.names[0]) =", with: "{ \(table.names[0])x =")
                let found = ScriptCheck.check(misspelt, fileName: "x.lua").filter { $0.message.contains("x' is not") }
                #expect(found.count == 1, "\(table.typeName)")
            }
        }
    }

    /// Every prefix of every shipped exercise: broken texts of all kinds, each answered.
    @Test func anyPrefixOfAShippedExerciseGetsAnAnswerAndNoCrash() {
        for source in Shipped.library {
            let bytes = Array(source.text.utf8)
            for length in stride(from: 0, to: bytes.count, by: 41) {
                let text = String(decoding: bytes.prefix(length), as: UTF8.self)
                _ = ScriptCheck.check(text, fileName: source.fileName)
            }
        }
    }

    @Test(arguments: [
        String(repeating: "{", count: 100_000),
        String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000),
        "return " + String(repeating: "{", count: 150) + String(repeating: "}", count: 150),
        "--[==[ unclosed", "\"unclosed \\", "x = '\\u{FFFFFFFFFF}'", "\u{0}\u{1}\u{7F}", "s:", "kf.", "s:ask {",
        "local t = {" + String(repeating: "a = 1, ", count: 20_000) + "}",
        String(repeating: "s:timer(\"1m\") ", count: 20_000),
    ])
    func hostileTextGetsAnAnswer(_ text: String) {
        let findings = ScriptCheck.check(text, fileName: "x.lua")
        #expect(findings.allSatisfy { !$0.message.isEmpty && !$0.hint.isEmpty })
    }

    @Test func theTokenizerReadsLuaLiterals() {
        let tokens = LuaTokenizer.tokens(
            "a = [==[x]]y]==] .. 'it\\'s' .. \"\\65\\x42\\u{43}\\z\n   d\" -- c\n--[[\n]] 0x10 3.5e1")
        let kinds = tokens.map(\.kind)
        #expect(
            kinds == [
                .name("a"), .symbol("="), .string("x]]y"), .symbol(".."), .string("it's"), .symbol(".."),
                .string("ABCd"), .number(16, integer: true), .number(35, integer: false), .end,
            ])
        #expect(tokens[7].line == 4 && tokens[7].column == 4)
    }
}
