import Foundation
import Testing

/// `kraftfelt pack new` and `kraftfelt pack check`, run as a trainer runs them.
@Suite(.serialized) struct PackCommandTests {
    static let plugins = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Plugins").standardizedFileURL.path

    @Test func aNewPackChecksCleanAndTheExamplePackToo() throws {
        let folder = TestFiles.folder("kraftfelt-pack")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let made = try Kraftfelt.run(["pack", "new", "dk.kommune.netvaerk"], in: folder)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(
            made.stdout
                == "made netvaerk/kraftfelt-pack.toml and netvaerk/exercises/first.lua\nnext: kraftfelt pack check netvaerk\n"
        )
        let checked = try Kraftfelt.run(["pack", "check", "netvaerk"], timeout: 120, in: folder)
        #expect(checked.status == 0, "\(checked.stdout) \(checked.stderr)")
        #expect(checked.stdout.hasSuffix("dk.kommune.netvaerk: ok (1 exercise, 0 modules)\n"), "\(checked.stdout)")
        let again = try Kraftfelt.run(["pack", "new", "dk.kommune.netvaerk"], in: folder)
        #expect(again.status == 1)
        #expect(again.stderr == "error: netvaerk is there already; give another --folder\n")
        let example = try Kraftfelt.run(["pack", "check", Self.plugins + "/liberating-structures"], timeout: 300)
        #expect(example.status == 0, "\(example.stdout) \(example.stderr)")
        #expect(example.stdout.hasSuffix("org.liberatingstructures.core: ok (2 exercises, 0 modules)\n"))
    }

    @Test func aBrokenPackIsNamedWithItsLine() throws {
        let folder = TestFiles.folder("kraftfelt-pack-broken")
        try FileManager.default.createDirectory(atPath: folder + "/p/exercises", withIntermediateDirectories: true)
        try Data(
            """
            id = "dk.kommune.p"
            version = "0.1.0"
            name = { da = "P", en = "P" }
            authors = ["HR"]
            licence = "CC0-1.0"
            api = "^1.0"
            exercises = ["exercises/a.lua"]
            """.utf8
        ).write(to: URL(fileURLWithPath: folder + "/p/kraftfelt-pack.toml"))
        try Data("return kf.exercise { id = \"a\",\n  run = function(s) s:ask(s.everyone, { da = 'x' ) end }\n".utf8)
            .write(to: URL(fileURLWithPath: folder + "/p/exercises/a.lua"))
        let broken = try Kraftfelt.run(["pack", "check", "p"], timeout: 60, in: folder)
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("p/exercises/a.lua:2:"), "\(broken.stdout)")
        #expect(broken.stdout.hasSuffix("dk.kommune.p: 1 error\n"), "\(broken.stdout)")
        try Data("id = \"dk.kommune.p\"\nversion = 1.0\n".utf8)
            .write(to: URL(fileURLWithPath: folder + "/p/kraftfelt-pack.toml"))
        let manifest = try Kraftfelt.run(["pack", "check", "p"], in: folder)
        #expect(manifest.status == 1)
        #expect(manifest.stderr == "error: kraftfelt-pack.toml: 'version' must be a text\n")
        let badID = try Kraftfelt.run(["pack", "new", "Netværk"], in: folder)
        #expect(badID.status == 64)
        #expect(
            badID.stderr.hasPrefix(
                "Error: the pack id must be two or more parts of lowercase letters, digits and '-', joined by dots, "
                    + "like dk.kommune.netvaerk; got \"Netværk\""), "\(badID.stderr)")
    }
}
