import Foundation
import Testing

struct ReferenceCommandTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs")

    /// `kraftfelt reference --luals` prints the committed editor definitions, `kraftfelt
    /// reference` the generated part of docs/lua-api.md.
    @Test func referencePrintsTheCommittedFiles() throws {
        let luals = try Kraftfelt.run(["reference", "--luals"])
        #expect(luals.status == 0)
        let definitions = try String(contentsOf: Self.docs.appendingPathComponent("kraftfelt.d.lua"), encoding: .utf8)
        #expect(luals.stdout == definitions, "docs/kraftfelt.d.lua is stale: run scripts/update-docs.sh")
        #expect(luals.stdout.hasPrefix("---@meta\n"))
        let markdown = try Kraftfelt.run(["reference"])
        #expect(markdown.status == 0)
        let doc = try String(contentsOf: Self.docs.appendingPathComponent("lua-api.md"), encoding: .utf8)
        #expect(doc.contains(markdown.stdout), "docs/lua-api.md is stale: run scripts/update-docs.sh")
    }
}
