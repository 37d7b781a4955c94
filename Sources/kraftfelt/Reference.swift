import ArgumentParser
import KraftfeltEngine

/// `kraftfelt reference`: prints the Lua API reference (the generated part of docs/lua-api.md).
struct Reference: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the Lua API reference for exercises, generated from the registered functions.")

    func run() throws {
        Terminal.print(try Session.apiReference(), terminator: "")
    }
}
