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
        #expect(example.stdout.hasSuffix("org.liberatingstructures.core: ok (2 exercises, 1 module)\n"))
    }

    /// Build, make a key, sign, and read who signed it.
    @Test func aBuiltPackIsSignedAndItsSignerShown() throws {
        let folder = TestFiles.folder("kraftfelt-pack-sign")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let built = try Kraftfelt.run(["pack", "build", Self.plugins + "/liberating-structures"], in: folder)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(
            built.stdout
                == "built org.liberatingstructures.core-1.0.0.kfpack: 5 files, unsigned (sign it with kraftfelt pack sign)\n"
        )
        let archive = "org.liberatingstructures.core-1.0.0.kfpack"
        let unsigned = try Kraftfelt.run(["pack", "info", archive], in: folder)
        #expect(unsigned.stdout.hasSuffix("  unsigned\n"), "\(unsigned.stdout)")
        #expect(try Kraftfelt.run(["pack", "keygen", "hr"], in: folder).status == 0)
        #expect(try Kraftfelt.run(["pack", "keygen", "other"], in: folder).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/hr.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let wrongKey = try Kraftfelt.run(["pack", "sign", archive, "--key", "hr.pub"], in: folder)
        #expect(wrongKey.stderr == "error: hr.pub: a public key; signing takes the private key (NAME.key)\n")
        let signed = try Kraftfelt.run(["pack", "sign", archive, "--key", "hr.key"], in: folder)
        #expect(signed.stdout == "signed \(archive) (org.liberatingstructures.core 1.0.0)\n", "\(signed.stderr)")
        let trusted = try Kraftfelt.run(
            ["pack", "info", archive, "--trust", "other.pub", "--trust", "hr.pub"], in: folder)
        #expect(trusted.stdout.hasSuffix(", a key you trust (hr.pub)\n"), "\(trusted.stdout)")
        let untrusted = try Kraftfelt.run(["pack", "info", archive, "--trust", "other.pub"], in: folder)
        #expect(untrusted.stdout.hasSuffix(", a key you do not trust\n"))
        let again = try Kraftfelt.run(["pack", "keygen", "hr"], in: folder)
        #expect(again.stderr == "error: hr.key is there already; a key is never overwritten\n")
        // One byte changed in a file: refused, whoever signed it.
        var text = try String(contentsOfFile: folder + "/" + archive, encoding: .utf8)
        let content = try #require(text.range(of: "\"exercises/1-2-4-all.lua\":\""))
        text.replaceSubrange(content.upperBound..<text.index(content.upperBound, offsetBy: 4), with: "AAAA")
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + archive))
        let tampered = try Kraftfelt.run(["pack", "info", archive], in: folder)
        #expect(tampered.status == 1)
        #expect(
            tampered.stderr
                == "error: \(archive): exercises/1-2-4-all.lua does not match its hash in the index (the archive was changed after it was built)\n"
        )
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
