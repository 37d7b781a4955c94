import Foundation
import Testing

/// Every recipe in docs/cookbook.md is a whole exercise that `kraftfelt check` finds
/// clean and rehearses with rooms of 1 to 200 people; the named structures stay short.
struct CookbookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path

    /// The recipes: each ```lua block that starts with `-- cookbook: NAME`.
    static func recipes() throws -> [(name: String, text: String)] {
        let page = try String(contentsOfFile: root + "/docs/cookbook.md", encoding: .utf8)
        var recipes: [(String, String)] = []
        for block in page.components(separatedBy: "```lua\n").dropFirst() {
            guard let end = block.range(of: "\n```") else { continue }
            let text = String(block[..<end.lowerBound]) + "\n"
            guard text.hasPrefix("-- cookbook: ") else { continue }
            let name = String(text.dropFirst("-- cookbook: ".count).prefix { $0 != "\n" })
            recipes.append((name, text))
        }
        return recipes
    }

    static let short = [
        "1-2-4-all", "troika-consulting", "impromptu-networking", "wise-crowds", "what-so-what-now-what",
    ]

    @Test func theNamedStructuresAreShortScriptsWithoutHelperFunctions() throws {
        let recipes = try Self.recipes()
        #expect(Set(recipes.map(\.name)).isSuperset(of: Self.short), "\(recipes.map(\.name))")
        for recipe in recipes where Self.short.contains(recipe.name) {
            let lines = recipe.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count < 40, "\(recipe.name) has \(lines.count) lines")
            // Only the functions the host calls: run = function(s) and the flows passed inline.
            let named = try Regex(#"function\s+[A-Za-z_]|local\s+function|=\s*function\s*\((?!s\))"#)
            #expect(recipe.text.firstMatch(of: named) == nil, "\(recipe.name) defines a function of its own")
        }
    }

    @Test func everyRecipeChecksCleanAndRehearsesInEveryRoom() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cookbook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let recipes = try Self.recipes()
        #expect(recipes.count >= 7)
        for recipe in recipes {
            try recipe.text.write(
                to: folder.appendingPathComponent(recipe.name + ".lua"), atomically: true, encoding: .utf8)
        }
        let result = try Kraftfelt.run(["check", "."], timeout: 900, in: folder.path)
        #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
        for recipe in recipes {
            let line =
                "./\(recipe.name).lua: ok (rehearsed with 1, 2, 3, 5, 23, 200 people; 1 and 4 areas; with people leaving)"
            #expect(result.stdout.contains(line), "\(recipe.name): \(result.stdout)")
        }
    }
}
