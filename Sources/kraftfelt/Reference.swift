import ArgumentParser
import KraftfeltEngine

/// `kraftfelt reference`: prints the Lua API reference (the generated part of docs/lua-api.md),
/// or with `--luals` the same API as lua-language-server definitions (docs/kraftfelt.d.lua).
struct Reference: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the Lua API reference for exercises, generated from the registered functions.")

    @Flag(help: "Print definitions for lua-language-server (a ---@meta file) instead of Markdown.")
    var luals = false

    func run() throws {
        Terminal.print(try luals ? Session.luaDefinitions() : Session.apiReference(), terminator: "")
    }
}
