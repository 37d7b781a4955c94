import Crypto
import Foundation
import KraftfeltEngine
import KraftfeltPacks
import Testing

/// Installing packs: trust, dependencies, conflicts, side-by-side versions, atomic failure.
@Suite struct PackStoreTests {
    static func store() -> PackStore {
        PackStore(
            root: FileManager.default.temporaryDirectory.appendingPathComponent("packs-\(UUID().uuidString)").path)
    }

    /// A pack's archive, made from a folder with this manifest and one exercise.
    static func pack(
        _ id: String, _ version: String = "1.0.0", extra: String = "", exercise: String = "a",
        files: [String: String] = [:]
    ) throws -> PackArchive {
        let manifest = """
            id = "\(id)"
            version = "\(version)"
            name = { da = "P", en = "P" }
            authors = ["HR"]
            licence = "CC0-1.0"
            api = "^1.0"
            exercises = ["exercises/\(exercise).lua"]
            \(extra)
            """
        var all = files
        all[PackManifest.fileName] = manifest
        all["exercises/\(exercise).lua"] =
            all["exercises/\(exercise).lua"]
            ?? "return kf.exercise { id = \"\(exercise)\", title = { da = \"A\", en = \"A\" }, run = function(s) end }\n"
        return try PackArchive.build(try PackFolder.load(try PackFolderTests.folder(all)))
    }

    static func signed(_ archive: PackArchive, _ key: Curve25519.Signing.PrivateKey) throws -> PackArchive {
        var copy = archive
        try copy.sign(with: key)
        return copy
    }

    /// What is installed, as `ID VERSION` lines.
    static func names(_ store: PackStore) -> [String] { store.installed().packs.map(\.named) }

    @Test func anUnsignedPackIsRefusedUnlessAllowedAndTheDecisionIsKept() throws {
        let store = Self.store()
        let pack = try Self.pack("dk.kommune.a")
        #expect(
            throws: PackError(
                "dk.kommune.a 1.0.0 is not signed: install packs signed by a key you trust, or say --allow-unsigned "
                    + "to install it untrusted (its scripts then run in a supervised worker process)")
        ) { try store.install([pack], from: "a", allowUnsigned: false) }
        #expect(Self.names(store).isEmpty)
        let done = try store.install([pack], from: "a", allowUnsigned: true, user: "trainer")
        #expect(done.installed.map(\.trust) == [.allowedUnsigned])
        let installed = try #require(store.installed().packs.first)
        #expect(installed.record.installedBy == "trainer")
        #expect(installed.record.source == "a")
        #expect(!installed.trusted)
        #expect(installed.provenance.trusted == false)
        #expect(installed.provenance.hash == pack.hash)
    }

    @Test func aPackSignedByATrustedKeyInstallsAndAnotherKeyIsRefused() throws {
        let store = Self.store()
        let key = Curve25519.Signing.PrivateKey()
        let stranger = Curve25519.Signing.PrivateKey()
        let publicText = "kraftfelt-pack-public-key " + key.publicKey.rawRepresentation.base64EncodedString()
        try store.trust(publicText, file: "hr.pub", as: "hr")
        #expect(throws: PackError("hr.pub: that key is trusted already, as hr")) {
            try store.trust(publicText, file: "hr.pub", as: "hr2")
        }
        let strangers = try Self.signed(try Self.pack("dk.kommune.b"), stranger)
        let shown = stranger.publicKey.rawRepresentation.base64EncodedString()
        #expect(
            throws: PackError(
                "dk.kommune.b 1.0.0 is signed by a key you do not trust (\(shown)): trust its public key with "
                    + "kraftfelt pack trust add KEY.pub, or say --allow-unsigned to install it untrusted (its scripts "
                    + "then run in a supervised worker process)")
        ) { try store.install([strangers], from: "b", allowUnsigned: false) }
        let ours = try Self.signed(try Self.pack("dk.kommune.b"), key)
        let done = try store.install([ours], from: "b", allowUnsigned: false)
        #expect(done.installed.map(\.trust) == [.signed])
        #expect(done.installed.first?.trustedKey == "hr")
        #expect(store.installed().packs.first?.trusted == true)
        // A wrong signature is refused, and what was installed stays.
        var forged = try Self.pack("dk.kommune.c")
        try forged.sign(with: key)
        let other = try Self.pack("dk.kommune.c", extra: "summary = { da = \"x\", en = \"x\" }")
        var swapped = other
        swapped.signature = forged.signature
        #expect(
            throws: PackError(
                "dk.kommune.c 1.0.0: the signature does not match the pack (it was changed after it was signed)")
        ) { try store.install([swapped], from: "c", allowUnsigned: true) }
        #expect(Self.names(store) == ["dk.kommune.b 1.0.0"])
    }

    @Test func dependenciesResolveAndConflictsAreOneSentence() throws {
        let store = Self.store()
        let base = try Self.pack("org.ls.core", "1.2.0")
        let user = try Self.pack("dk.kommune.net", extra: "[dependencies]\n\"org.ls.core\" = \"^1.0\"")
        #expect(
            throws: PackError(
                "dk.kommune.net 1.0.0 needs org.ls.core ^1.0, which is not installed (install it first, or give it to "
                    + "kraftfelt pack install too)")
        ) { try store.install([user], from: "x", allowUnsigned: true) }
        #expect(Self.names(store).isEmpty)
        try store.install([user, base], from: "x", allowUnsigned: true)
        #expect(Self.names(store) == ["dk.kommune.net 1.0.0", "org.ls.core 1.2.0"])
        // Too new a dependency.
        let wantsTwo = try Self.pack("dk.kommune.two", extra: "[dependencies]\n\"org.ls.core\" = \"^2.0\"")
        #expect(
            throws: PackError("dk.kommune.two 1.0.0 needs org.ls.core ^2.0, but only org.ls.core 1.2.0 is installed")
        ) { try store.install([wantsTwo], from: "x", allowUnsigned: true) }
        // Incompatible, both ways.
        let enemy = try Self.pack("dk.kommune.enemy", extra: "[incompatible]\n\"org.ls.core\" = \"<2.0\"")
        #expect(
            throws: PackError(
                "dk.kommune.enemy 1.0.0 cannot be installed with org.ls.core 1.2.0: it says it is incompatible with "
                    + "org.ls.core <2.0")
        ) { try store.install([enemy], from: "x", allowUnsigned: true) }
        // A cycle.
        let a = try Self.pack("dk.cycle.a", extra: "[dependencies]\n\"dk.cycle.b\" = \"^1.0\"")
        let b = try Self.pack("dk.cycle.b", extra: "[dependencies]\n\"dk.cycle.a\" = \"^1.0\"")
        #expect(
            throws: PackError(
                "the packs depend on each other in a circle: dk.cycle.a 1.0.0 → dk.cycle.b 1.0.0 → dk.cycle.a 1.0.0")
        ) { try store.install([a, b], from: "x", allowUnsigned: true) }
        #expect(Self.names(store) == ["dk.kommune.net 1.0.0", "org.ls.core 1.2.0"])
        // Removing a needed pack is refused; its dependant first, then it.
        #expect(
            throws: PackError(
                "org.ls.core 1.2.0 is needed by dk.kommune.net 1.0.0 (org.ls.core ^1.0): remove that first")
        ) { try store.remove("org.ls.core", version: nil) }
        #expect(try store.remove("dk.kommune.net", version: nil) == "dk.kommune.net 1.0.0")
        #expect(try store.remove("org.ls.core", version: nil) == "org.ls.core 1.2.0")
        #expect(Self.names(store).isEmpty)
    }

    @Test func versionsSitSideBySideAndAChangedPackNeedsANewVersion() throws {
        let store = Self.store()
        try store.install([try Self.pack("org.ls.core", "1.0.0")], from: "x", allowUnsigned: true)
        try store.install([try Self.pack("org.ls.core", "1.1.0")], from: "x", allowUnsigned: true)
        #expect(Self.names(store) == ["org.ls.core 1.0.0", "org.ls.core 1.1.0"])
        let again = try store.install([try Self.pack("org.ls.core", "1.0.0")], from: "x", allowUnsigned: true)
        #expect(again.already == ["org.ls.core 1.0.0"])
        let clash = try Self.pack("org.ls.core", "1.0.0", extra: "summary = { da = \"ny\", en = \"new\" }")
        #expect(
            throws: PackError(
                "org.ls.core 1.0.0 is installed already with other files: a changed pack needs a new version (or "
                    + "kraftfelt pack remove org.ls.core@1.0.0 first)")
        ) { try store.install([clash], from: "x", allowUnsigned: true) }
        // The newest runs by default; an exact version when asked for.
        #expect(try store.exercise("org.ls.core/a").provenance.version == "1.1.0")
        #expect(try store.exercise("org.ls.core@1.0.0/a").provenance.version == "1.0.0")
        #expect(throws: PackError("org.ls.core 2.0.0 is not installed (installed: 1.0.0, 1.1.0)")) {
            try store.exercise("org.ls.core@2.0.0/a")
        }
        #expect(throws: PackError("org.ls.core 1.1.0 has no exercise \"b\" (its exercises are a)")) {
            try store.exercise("org.ls.core/b")
        }
        #expect(
            throws: PackError(
                "org.ls.core has 2 versions installed (1.0.0, 1.1.0): say which, like org.ls.core@1.0.0")
        ) { try store.remove("org.ls.core", version: nil) }
        #expect(try store.remove("org.ls.core", version: SemanticVersion(1, 0, 0)) == "org.ls.core 1.0.0")
        #expect(Self.names(store) == ["org.ls.core 1.1.0"])
    }

    /// A failure part-way (the second pack cannot be put in place) leaves what was there.
    @Test func aFailedInstallLeavesWhatWasInstalledBefore() throws {
        let store = Self.store()
        try store.install([try Self.pack("dk.kommune.old")], from: "x", allowUnsigned: true)
        // A file where the second pack's folder must go.
        try Data("in the way".utf8).write(to: URL(fileURLWithPath: store.root + "/dk.kommune.zzz"))
        let first = try Self.pack("dk.kommune.aaa")
        let second = try Self.pack("dk.kommune.zzz")
        #expect(throws: PackError.self) { try store.install([first, second], from: "x", allowUnsigned: true) }
        #expect(Self.names(store) == ["dk.kommune.old 1.0.0"])
        // Nothing of the failed install is left: no pack's folder, no staging folder.
        let left = try FileManager.default.contentsOfDirectory(atPath: store.root).sorted()
        #expect(left == ["dk.kommune.old", "dk.kommune.zzz"])
    }

    /// A file changed after install: the pack is not offered, and named.
    @Test func aPackChangedAfterInstallIsNotOffered() throws {
        let store = Self.store()
        try store.install([try Self.pack("dk.kommune.a")], from: "x", allowUnsigned: true)
        let file = store.root + "/dk.kommune.a/1.0.0/pack.kfpack"
        var text = try String(contentsOfFile: file, encoding: .utf8)
        let manifestKey = try #require(text.range(of: "\"kraftfelt-pack.toml\":\""))
        text.replaceSubrange(manifestKey.upperBound..<text.index(manifestKey.upperBound, offsetBy: 4), with: "AAAA")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let (packs, problems) = store.installed()
        #expect(packs.isEmpty)
        #expect(
            problems == [
                "dk.kommune.a 1.0.0: kraftfelt-pack.toml does not match its hash in the index (the archive was changed "
                    + "after it was built)"
            ])
    }

    /// `require` reaches the pack's own modules and what its dependencies export, by the
    /// dependency's id; nothing else.
    @Test func aPackRequiresItsModulesAndItsDependenciesExports() throws {
        let store = Self.store()
        let base = try Self.pack(
            "org.ls.core", extra: "exports = [\"rounds\"]",
            files: ["modules/rounds.lua": "return { n = 1 }", "modules/secret.lua": "return { n = 2 }"])
        let user = try Self.pack(
            "dk.kommune.net", extra: "[dependencies]\n\"org.ls.core\" = \"^1.0\"",
            files: ["helpers.lua": "return {}"])
        try store.install([base, user], from: "x", allowUnsigned: true)
        let exercise = try store.exercise("dk.kommune.net/a")
        #expect(exercise.library.map(\.fileName) == ["a.lua", "helpers.lua", "org.ls.core.rounds.lua"])
        #expect(exercise.reference == "dk.kommune.net/a")
        #expect(exercise.provenance.id == "dk.kommune.net")
        #expect(
            throws: PackError(
                "kraftfelt-pack.toml: 'exports' names nothing, but the pack has no module nothing.lua (only modules "
                    + "can be exported, not exercises)")
        ) { try Self.pack("dk.kommune.bad", extra: "exports = [\"nothing\"]") }
    }

    @Test func theShippedPacksAreTrustedAsShipped() throws {
        for folder in ["liberating-structures", "eksempel-kommune"] {
            let archive = try PackArchive.build(try PackFolder.load(PackFolderTests.plugins + "/" + folder))
            let named = "\(archive.index.id) \(archive.index.version)"
            #expect(
                ShippedPacks.hashes[named] == archive.hash,
                "Plugins/\(folder) changed: write \"\(named)\": \"\(archive.hash)\" in Sources/KraftfeltPacks/ShippedPacks.swift"
            )
        }
    }
}
