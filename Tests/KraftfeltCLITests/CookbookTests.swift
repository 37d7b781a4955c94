import Foundation
import Testing

/// Every script in the guide (docs/guide.md, docs/kom-i-gang.md) and the cookbook
/// (docs/cookbook.md) is a whole exercise that `kraftfelt check` finds clean and
/// rehearses with rooms of 1 to 200 people; the cookbook's named structures stay short.
struct CookbookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path

    /// The scripts of a page: each ```lua block that starts with `-- file: NAME.lua`.
    static func recipes(in pages: [String] = ["cookbook.md", "guide.md", "kom-i-gang.md"]) throws -> [(
        name: String, text: String
    )] {
        var recipes: [(String, String)] = []
        for page in pages {
            let text = try String(contentsOfFile: root + "/docs/" + page, encoding: .utf8)
            for block in text.components(separatedBy: "```lua\n").dropFirst() {
                guard let end = block.range(of: "\n```") else { continue }
                let script = String(block[..<end.lowerBound]) + "\n"
                guard script.hasPrefix("-- file: ") else { continue }
                let name = String(script.dropFirst("-- file: ".count).prefix { $0 != "\n" }.dropLast(4))
                recipes.append((name, script))
            }
        }
        return recipes
    }

    static let short = [
        "1-2-4-all", "troika-consulting", "impromptu-networking", "wise-crowds", "what-so-what-now-what",
    ]

    @Test func theNamedStructuresAreShortScriptsWithoutHelperFunctions() throws {
        let recipes = try Self.recipes(in: ["cookbook.md"])
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
        #expect(recipes.count >= 12)
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
