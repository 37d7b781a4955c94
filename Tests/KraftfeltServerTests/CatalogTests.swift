import Foundation
import KraftfeltEngine
import Testing

@testable import KraftfeltServer

/// What the console offers from an `--exercises` folder.
@Suite struct CatalogTests {
    /// A module that exercises `require` is there for them, but is not an exercise of its own.
    @Test func aModuleIsNotOfferedAsAnExercise() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("local M = {}\nfunction M.twice(x) return 2 * x end\nreturn M\n".utf8)
            .write(to: folder.appendingPathComponent("helpers.lua"))
        try Data(
            """
            local helpers = require "helpers"
            return kf.exercise { id = "mine", title = { da = "Min", en = "Mine" }, run = function(s) end }

            """.utf8
        ).write(to: folder.appendingPathComponent("mine.lua"))

        let catalog = try Catalog.load(extra: folder.path)
        let ids = catalog.entries.map(\.id)
        #expect(ids.contains("mine") && ids.contains("summegrupper"), "\(ids)")
        #expect(!ids.contains("helpers"), "\(ids)")
        #expect(catalog.source("mine")?.fileName == "mine.lua")
        #expect(catalog.source("helpers") == nil)
        // The module is still there for `require`.
        #expect(catalog.library.contains { $0.fileName == "helpers.lua" })
        #expect(catalog.entries.first { $0.id == "mine" }?.source == "installed")
    }
}
