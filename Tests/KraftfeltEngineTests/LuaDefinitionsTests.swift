import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

struct LuaDefinitionsTests {
    static let committed = LanguageServer.repository.appendingPathComponent("docs/kraftfelt.d.lua")

    /// docs/kraftfelt.d.lua is what `kraftfelt reference --luals` prints: it cannot drift.
    @Test func theCommittedDefinitionsAreTheGeneratedOnes() throws {
        let file = try String(contentsOf: Self.committed, encoding: .utf8)
        #expect(file == (try Session.luaDefinitions()), "docs/kraftfelt.d.lua is stale: run scripts/update-docs.sh")
    }

    /// Every function of `kf` and `s`, with its parameters, and every option table, come from the registries.
    @Test func everyFunctionAndOptionTableIsDefined() throws {
        let definitions = try Session.luaDefinitions()
        #expect(definitions.contains("\nkf = {}\n"), "kf is a global")
        for module in try Session.hostModules() {
            let owner = module.isGlobal ? "kf." : "Session:"
            for function in module.functions {
                let names =
                    function.parameters.map(\.name).filter { $0 != "self" } + (function.isVariadic ? ["..."] : [])
                #expect(definitions.contains("function \(owner)\(function.name)(\(names.joined(separator: ", "))) end"))
            }
        }
        for table in HostOptions.all {
            #expect(definitions.contains("---@class \(table.typeName)\n"))
            for option in table.options { #expect(definitions.contains("---@field \(option.name)? ")) }
        }
        #expect(definitions.contains("---@param options? GroupOptions "))
        #expect(definitions.contains("---@param question Question "))
        #expect(definitions.contains("---@param definition Exercise "))
        #expect(definitions.contains("---@return Answer[] # list of { who, value }"))
        #expect(definitions.contains("---@return Group[][] # list of rounds, each a list of { index, members, min }"))
    }

    /// Each option table names a function and an argument that takes a table.
    @Test(arguments: HostOptions.all.filter { !$0.functions.isEmpty })
    func optionTablesNameRealArguments(_ table: HostOptionTable) throws {
        let functions = try Session.hostModules().flatMap(\.functions)
        for name in table.functions {
            let function = try #require(functions.first { $0.name == name }, "\(table.typeName): no function \(name)")
            let parameters = function.parameters.filter { $0.name != "self" }
            try #require(table.argument >= 1 && table.argument <= parameters.count, "\(table.typeName): \(name)")
            #expect([.table, .any].contains(parameters[table.argument - 1].type), "\(table.typeName): \(name)")
        }
    }

    @Test(
        "Return descriptions become types",
        arguments: [
            ("nothing", nil), ("integer", "integer"), ("number (0 for an empty list)", "number"),
            ("list of people", "Person[]"), ("list of { asker, helper, question, score, across }", "Pair[]"),
            ("list of rounds, each { role = list of people }", "{ [string]: Person[] }[]"),
            ("list of what each flow returned", "any[]"), ("the value, or nil", "any"),
        ] as [(String, String?)])
    func returnTypes(_ description: String, _ type: String?) {
        #expect(LuaDefinitions.returnType(description) == type)
    }
}

/// The shipped exercises checked by a real lua-language-server against the definitions:
/// undefined globals and fields (`s:bogus`, `p.nam`), calls with too many arguments.
@Suite(.enabled(if: LanguageServer.path != nil, Comment(rawValue: LanguageServer.missing)))
struct LanguageServerTests {
    @Test func theShippedExercisesHaveNoWarnings() throws {
        var scripts: [String: String] = [:]
        for folder in ["Exercises", "Examples"] {
            let url = LanguageServer.repository.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path) where name.hasSuffix(".lua") {
                scripts[name] = try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
            }
        }
        try #require(scripts.count >= 10)
        let problems = try LanguageServer.check(scripts, definitions: try Session.luaDefinitions())
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
    }

    /// A script with a mistake gets a warning: the check above can fail.
    @Test(
        arguments: [
            ("s:bogus()", "undefined-field"),
            ("local p = s:participants()[1]\nprint(p.nam)", "undefined-field"),
            ("local g = s:groups { size = 3 }\nprint(g[1].member)", "undefined-field"),
            ("s:each_group(s:groups(), function(g) g:tiemr('1m') end)", "undefined-field"),
            ("io.write('x')", "undefined-global"),
            ("s:timer('1m', 'x', 'y')", "redundant-parameter"),
            ("local rounds = s:roles(s:groups()[1], { 'client' })\nprint(rounds[1].client[1].nme)", "undefined-field"),
            ("print(s:participants()[1].attributes.role.x)", "undefined-field"),
        ])
    func aMistakeGetsAWarning(_ line: String, _ code: String) throws {
        let script = """
            return kf.exercise {
              id = "bad", title = { da = "Dårlig", en = "Bad" }, minutes = 1,
              run = function(s)
                \(line)
              end,
            }
            """
        let problems = try LanguageServer.check(["bad.lua": script], definitions: try Session.luaDefinitions())
        #expect(problems.map(\.code) == [code], "\(problems)")
    }
}
