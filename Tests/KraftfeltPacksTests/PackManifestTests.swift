import Foundation
import KraftfeltEngine
import Testing

@testable import KraftfeltPacks

/// Versions and ranges as packs write them.
@Suite struct VersionTests {
    @Test func versionsParseAndSortAsSemverSays() throws {
        let ordered = [
            "0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0", "1.2.0", "1.10.0", "2.0.0",
        ]
        let versions = try ordered.map { try #require(SemanticVersion($0), "\($0)") }
        #expect(versions == versions.sorted())
        #expect(versions.map(\.description) == ordered)
        #expect(SemanticVersion("1.2.3+build.5") == SemanticVersion(1, 2, 3))
        for bad in [
            "1.2", "v1.2.0", "01.2.0", "1.2.3.4", "", "1.2.x", "1.2.3-", "1..3", "1.2.3-a..b",
            String(repeating: "9", count: 70), "1.2.9999999999",
        ] {
            #expect(SemanticVersion(bad) == nil, "\(bad)")
        }
    }

    @Test func rangesHoldWhatTheyShould() throws {
        let cases: [(String, [String], [String])] = [
            ("^1.2", ["1.2.0", "1.9.3"], ["1.1.9", "2.0.0", "1.3.0-beta"]),
            ("^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0", "0.2.2"]),
            ("~1.2", ["1.2.0", "1.2.7"], ["1.3.0"]),
            (">=1.0, <2.0", ["1.0.0", "1.99.0"], ["2.0.0", "0.9.9"]),
            ("1.2.3", ["1.2.3"], ["1.2.4"]),
            ("=1.2.3-beta.1", ["1.2.3-beta.1"], ["1.2.3"]),
            ("*", ["0.0.1", "9.9.9"], ["1.0.0-rc.1"]),
        ]
        for (text, inside, outside) in cases {
            let range = try VersionRange(text)
            for v in inside { #expect(range.contains(SemanticVersion(v)!), "\(v) in \(text)") }
            for v in outside { #expect(!range.contains(SemanticVersion(v)!), "\(v) not in \(text)") }
        }
        for bad in [
            "", "^", ">=", "1.x", ">= 1.0 <2.0", "^1.2.3.4", "latest", "1.0,", String(repeating: "1", count: 300),
        ] {
            #expect(throws: PackError.self, "\(bad)") { try VersionRange(bad) }
        }
        #expect(
            throws: PackError(
                "\"1.x\" is not a version range: write one like \"^1.2\", \"~1.2.0\", \">=1.0, <2.0\", \"1.2.3\" or \"*\""
            )
        ) {
            try VersionRange("1.x")
        }
    }
}

/// `kraftfelt-pack.toml`: each mistake gets one exact message.
@Suite struct PackManifestTests {
    static let good = """
        id = "dk.kommune.netvaerk"
        version = "1.2.0"
        name = { da = "Netværk", en = "Networks" }
        authors = ["HR"]
        licence = "CC-BY-4.0"
        api = "^1.0"
        exercises = ["exercises/a.lua"]
        permissions = ["measures"]

        [[indicators]]
        id = "network_energy"
        name = { da = "Energi i netværket", en = "Energy in the network" }
        kind = "scale"
        max = 7

        [dependencies]
        "org.liberatingstructures.core" = "^1.0"

        [limits]
        memory_mib = 32
        seconds = 1.5
        """

    @Test func aGoodManifestReadsWhole() throws {
        let manifest = try PackManifest.parse(Self.good)
        #expect(manifest.id == "dk.kommune.netvaerk")
        #expect(manifest.version == SemanticVersion(1, 2, 0))
        #expect(manifest.name == ["da": "Netværk", "en": "Networks"])
        #expect(manifest.permissions == [.measures])
        #expect(
            manifest.indicators == [
                PackIndicator(
                    id: "network_energy", name: ["da": "Energi i netværket", "en": "Energy in the network"],
                    kind: .scale, min: 1, max: 7, low: ["da": "Lidt", "en": "Little"],
                    high: ["da": "Meget", "en": "Much"])
            ])
        #expect(manifest.dependencies["org.liberatingstructures.core"]?.contains(SemanticVersion(1, 4, 0)) == true)
        #expect(manifest.limits == PackLimits(memoryMiB: 32, seconds: 1.5, instructions: nil))
    }

    /// Each line of `good` replaced (or a line added) gives the error.
    static let mistakes: [(String, String, String)] = [
        ("id = \"dk.kommune.netvaerk\"", "id = \"dk.kommune.netvaerk", "kraftfelt-pack.toml:1:"),
        (
            "id = \"dk.kommune.netvaerk\"", "id = \"Netvaerk\"",
            "kraftfelt-pack.toml: 'id' must be a pack id like \"dk.kommune.netvaerk\" (two or more parts of lowercase letters, digits and '-', joined by dots), got \"Netvaerk\""
        ),
        (
            "id = \"dk.kommune.netvaerk\"", "",
            "kraftfelt-pack.toml: 'id' must be a pack id like \"dk.kommune.netvaerk\""
        ),
        (
            "version = \"1.2.0\"", "version = \"1.2\"",
            "kraftfelt-pack.toml: 'version' must be a semantic version like \"1.0.0\", got \"1.2\""
        ),
        ("version = \"1.2.0\"", "version = 1", "kraftfelt-pack.toml: 'version' must be a text"),
        (
            "licence = \"CC-BY-4.0\"", "license = \"CC-BY-4.0\"",
            "kraftfelt-pack.toml: 'license' is not a manifest field: did you mean 'licence'? (the fields are id, version, name, summary, authors, licence, api, exercises, exports, indicators, permissions, dependencies, optional-dependencies, incompatible, limits)"
        ),
        (
            "name = { da = \"Netværk\", en = \"Networks\" }", "name = { da = \"Netværk\" }",
            "kraftfelt-pack.toml: 'name.en' must be a text of 1 to 200 bytes"
        ),
        (
            "name = { da = \"Netværk\", en = \"Networks\" }", "name = { da = \"N\", en = \"N\", de = \"N\" }",
            "kraftfelt-pack.toml: 'name.de' is not a language of 'name': did you mean 'da'? (the languages are da, en)"
        ),
        ("authors = [\"HR\"]", "authors = []", "kraftfelt-pack.toml: 'authors' must name at least one author"),
        (
            "api = \"^1.0\"", "api = \"^2.0\"",
            "kraftfelt-pack.toml: the pack needs the host API ^2.0; this Kraftfelt offers 1.0.0"
        ),
        (
            "api = \"^1.0\"", "api = \"newest\"",
            "kraftfelt-pack.toml: 'api': \"newest\" is not a version range: write one like \"^1.2\", \"~1.2.0\", \">=1.0, <2.0\", \"1.2.3\" or \"*\""
        ),
        (
            "exercises = [\"exercises/a.lua\"]", "exercises = [\"../a.lua\"]",
            "kraftfelt-pack.toml: 'exercises' must name files inside the pack, like \"exercises/1-2-4-all.lua\", got \"../a.lua\""
        ),
        (
            "exercises = [\"exercises/a.lua\"]", "exercises = [\"/etc/passwd.lua\"]",
            "kraftfelt-pack.toml: 'exercises' must name files inside the pack, like \"exercises/1-2-4-all.lua\", got \"/etc/passwd.lua\""
        ),
        (
            "exercises = [\"exercises/a.lua\"]", "exercises = [\"a.lua\", \"a.lua\"]",
            "kraftfelt-pack.toml: 'exercises' names \"a.lua\" twice"
        ),
        (
            "permissions = [\"measures\"]", "permissions = [\"measure\"]",
            "kraftfelt-pack.toml: \"measure\" is not a permission: did you mean 'measures'? (the permissions are organisation-storage, measures, follow-up)"
        ),
        (
            "permissions = [\"measures\"]", "permissions = [\"network\"]",
            "kraftfelt-pack.toml: \"network\" is not a permission (the permissions are organisation-storage, measures, follow-up)"
        ),
        (
            "\"org.liberatingstructures.core\" = \"^1.0\"", "\"dk.kommune.netvaerk\" = \"^1.0\"",
            "kraftfelt-pack.toml: the pack names itself in 'dependencies'"
        ),
        (
            "\"org.liberatingstructures.core\" = \"^1.0\"", "\"Liberating\" = \"^1.0\"",
            "kraftfelt-pack.toml: \"Liberating\" in 'dependencies' is not a pack id like \"dk.kommune.netvaerk\""
        ),
        (
            "\"org.liberatingstructures.core\" = \"^1.0\"", "\"org.liberatingstructures.core\" = \"1.x\"",
            "kraftfelt-pack.toml: 'dependencies.org.liberatingstructures.core': \"1.x\" is not a version range: write one like \"^1.2\", \"~1.2.0\", \">=1.0, <2.0\", \"1.2.3\" or \"*\""
        ),
        (
            "memory_mib = 32", "memory_mib = 4096",
            "kraftfelt-pack.toml: 'limits.memory_mib' must be a whole number from 1 to 1024"
        ),
        (
            "seconds = 1.5", "secnds = 1.5",
            "kraftfelt-pack.toml: 'limits.secnds' is not a limit: did you mean 'seconds'? (the limits are memory_mib, seconds, instructions)"
        ),
        (
            "id = \"network_energy\"", "id = \"Cross Area\"",
            "kraftfelt-pack.toml: indicator 1's 'id' must be lowercase letters, digits and '_', like \"area_bridges\""
        ),
        (
            "id = \"network_energy\"", "id = \"experienced_effect\"",
            "kraftfelt-pack.toml: the indicator \"experienced_effect\" is one of the host's: measure it without declaring it, or choose another id"
        ),
        (
            "kind = \"scale\"", "kind = \"stars\"",
            "kraftfelt-pack.toml: indicator network_energy's 'kind' must be one of scale, count, number, yes-no, text, tie"
        ),
        (
            "max = 7", "max = 70",
            "kraftfelt-pack.toml: indicator network_energy's 'min' and 'max' must be whole numbers from 0 to 10, min below max"
        ),
        (
            "kind = \"scale\"", "kind = \"count\"",
            "kraftfelt-pack.toml: indicator network_energy's 'max' belongs to a scale"
        ),
    ]

    @Test(arguments: mistakes)
    func eachMistakeHasItsMessage(_ line: String, _ replacement: String, _ message: String) throws {
        #expect(Self.good.contains(line), "the test's line is not in the manifest")
        let text = Self.good.replacingOccurrences(of: line, with: replacement)
        let error = #expect(throws: PackError.self) { try PackManifest.parse(text) }
        if message.hasSuffix(":") {
            #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
        } else {
            #expect(error?.message == message)
        }
    }

    @Test func hostileManifestsAreRefused() throws {
        let huge = String(repeating: "# padding\n", count: 30_000)
        #expect(throws: PackError("kraftfelt-pack.toml: the manifest has 300000 bytes; at most 262144")) {
            try PackManifest.parse(huge)
        }
        let deep = "x = " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(throws: PackError.self) { try PackManifest.parse(deep) }
        let both = Self.good + "\n[incompatible]\n\"org.liberatingstructures.core\" = \"<1.0\"\n"
        #expect(
            throws: PackError(
                "kraftfelt-pack.toml: org.liberatingstructures.core is both a dependency and incompatible")
        ) {
            try PackManifest.parse(both)
        }
    }
}

/// A pack's folder: the manifest and the files it names.
@Suite struct PackFolderTests {
    static let plugins = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Plugins").standardizedFileURL.path

    static func folder(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pack-\(UUID().uuidString)").path
        for (name, text) in files {
            let file = (path as NSString).appendingPathComponent(name)
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        }
        return path
    }

    static let manifest = """
        id = "dk.kommune.test"
        version = "0.1.0"
        name = { da = "Test", en = "Test" }
        authors = ["HR"]
        licence = "CC0-1.0"
        api = "^1.0"
        exercises = ["exercises/a.lua"]
        """

    @Test func theLiberatingStructuresPackHoldsTheCookbooksScripts() throws {
        let pack = try PackFolder.load(Self.plugins + "/liberating-structures")
        #expect(pack.manifest.id == "org.liberatingstructures.core")
        #expect(pack.exercises.map(\.fileName) == ["1-2-4-all.lua", "troika-consulting.lua"])
        // The same scripts as the cookbook's, so the two cannot drift apart.
        let cookbook = try String(contentsOfFile: Self.plugins + "/../docs/cookbook.md", encoding: .utf8)
        for exercise in pack.exercises {
            #expect(cookbook.contains("-- file: \(exercise.fileName)\n" + exercise.text), "\(exercise.fileName)")
        }
    }

    @Test func aMissingFileALinkAndBadTextAreNamed() throws {
        let missing = try Self.folder([PackManifest.fileName: Self.manifest])
        #expect(throws: PackError("kraftfelt-pack.toml: 'exercises' names exercises/a.lua, which is not in the pack")) {
            try PackFolder.load(missing)
        }
        let notPack = try Self.folder(["a.lua": "return 1"])
        #expect(throws: PackError("\(notPack): the folder has no kraftfelt-pack.toml, so it is not a pack")) {
            try PackFolder.load(notPack)
        }
        let linked = try Self.folder([PackManifest.fileName: Self.manifest])
        try FileManager.default.createDirectory(atPath: linked + "/exercises", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: linked + "/exercises/a.lua", withDestinationPath: "/etc/passwd")
        #expect(throws: PackError("exercises/a.lua: a pack cannot hold links; copy the file into the pack instead")) {
            try PackFolder.load(linked)
        }
        let latin = try Self.folder([PackManifest.fileName: Self.manifest])
        try FileManager.default.createDirectory(atPath: latin + "/exercises", withIntermediateDirectories: true)
        try Data([0x72, 0xE6, 0x0A]).write(to: URL(fileURLWithPath: latin + "/exercises/a.lua"))
        #expect(throws: PackError("exercises/a.lua: the file is not UTF-8 text")) { try PackFolder.load(latin) }
    }
}

/// `.kfpack` archives: every file hashed, the index signed, nothing trusted that changed.
@Suite struct PackArchiveTests {
    static func built() throws -> PackArchive {
        try PackArchive.build(try PackFolder.load(PackFolderTests.plugins + "/liberating-structures"))
    }

    /// The archive's JSON, changed by `edit`, read again.
    static func reread(_ archive: PackArchive, _ edit: (inout [String: Any]) -> Void) throws -> PackError? {
        var object = try #require(try JSONSerialization.jsonObject(with: archive.data()) as? [String: Any])
        edit(&object)
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try PackArchive.read(data, name: "x.kfpack")
            return nil
        } catch { return error }
    }

    @Test func anArchiveReadsBackTheSameAndIsTheSameEachTime() throws {
        let archive = try Self.built()
        #expect(archive.data() == (try Self.built()).data())
        let read = try PackArchive.read(archive.data(), name: "x.kfpack")
        #expect(read.index == archive.index)
        #expect(read.files == archive.files)
        #expect(
            read.index.files.map(\.path) == [
                "exercises/1-2-4-all.lua", "exercises/troika-consulting.lua", "kraftfelt-pack.toml",
                "modules/rounds.lua", "tests/rounds.lua",
            ])
        #expect(read.manifest.id == "org.liberatingstructures.core")
    }

    @Test func aChangedOrEscapingFileIsRefused() throws {
        let archive = try Self.built()
        let tampered = try Self.reread(archive) { object in
            var files = object["files"] as! [String: String]
            files["exercises/1-2-4-all.lua"] = Data("os.exit()".utf8).base64EncodedString()
            object["files"] = files
        }
        #expect(
            tampered?.message
                == "x.kfpack: exercises/1-2-4-all.lua does not match its hash in the index (the archive was changed after it was built)"
        )
        for path in ["../evil.lua", "/etc/passwd", "a/../../b", "a\\b", "./a"] {
            let escaping = try Self.reread(archive) { object in
                var index = object["index"] as! [String: Any]
                var entries = index["files"] as! [[String: Any]]
                entries.append(["path": path, "sha256": "00", "bytes": 0])
                index["files"] = entries
                object["index"] = index
                var files = object["files"] as! [String: String]
                files[path] = ""
                object["files"] = files
            }
            #expect(
                escaping?.message.hasPrefix("x.kfpack: \"\(path)\" is not a path inside a pack") == true,
                "\(path): \(escaping?.message ?? "read")")
        }
        let extra = try Self.reread(archive) { object in
            var files = object["files"] as! [String: String]
            files["hidden.lua"] = ""
            object["files"] = files
        }
        #expect(extra?.message == "x.kfpack: \"hidden.lua\" is in the archive but not in its index")
        #expect(throws: PackError("big.kfpack: the archive has 50331649 bytes; at most 50331648")) {
            try PackArchive.read(Data(count: PackArchive.limit + 1), name: "big.kfpack")
        }
        #expect(throws: PackError("x.kfpack: not a Kraftfelt pack archive (kraftfelt pack build makes them)")) {
            try PackArchive.read(Data("PK\u{3}\u{4}".utf8), name: "x.kfpack")
        }
    }

    @Test func aSignatureIsCheckedAgainstTheIndex() throws {
        var archive = try Self.built()
        #expect(try archive.verifiedSigner(name: "x.kfpack") == nil, "unsigned")
        let keys = PackKeys.generate()
        try archive.sign(with: try PackKeys.privateKey(keys.private, file: "k.key"))
        let read = try PackArchive.read(archive.data(), name: "x.kfpack")
        let signer = try #require(try read.verifiedSigner(name: "x.kfpack"))
        #expect(signer.rawRepresentation == (try PackKeys.publicKey(keys.public, file: "k.pub")).rawRepresentation)
        // A file and its hash changed together: the hashes agree, the signature does not.
        let content = Data("return 1".utf8)
        var object = try #require(try JSONSerialization.jsonObject(with: archive.data()) as? [String: Any])
        var index = object["index"] as! [String: Any]
        var entries = index["files"] as! [[String: Any]]
        entries[0]["sha256"] = PackArchive.hash(content)
        entries[0]["bytes"] = content.count
        index["files"] = entries
        object["index"] = index
        var files = object["files"] as! [String: String]
        files["exercises/1-2-4-all.lua"] = content.base64EncodedString()
        object["files"] = files
        let changed = try PackArchive.read(try JSONSerialization.data(withJSONObject: object), name: "x.kfpack")
        #expect(
            throws: PackError("x.kfpack: the signature does not match the pack (it was changed after it was signed)")
        ) {
            try changed.verifiedSigner(name: "x.kfpack")
        }
        #expect(throws: PackError("k.key: not a private key (kraftfelt pack keygen makes them)")) {
            try PackKeys.privateKey("not a key", file: "k.key")
        }
    }
}

@Suite struct PackKeyTests {
    @Test func aKeyFileSaysWhichKeyItIs() throws {
        let keys = PackKeys.generate()
        #expect(keys.private.hasPrefix("kraftfelt-pack-private-key "))
        #expect(keys.public.hasPrefix("kraftfelt-pack-public-key "))
        #expect(throws: PackError("hr.pub: a public key; signing takes the private key (NAME.key)")) {
            try PackKeys.privateKey(keys.public, file: "hr.pub")
        }
        #expect(throws: PackError("hr.key: a private key, which must stay secret; trust the public key (NAME.pub)")) {
            try PackKeys.publicKey(keys.private, file: "hr.key")
        }
        #expect(throws: PackError("x.pub: not a public key (kraftfelt pack keygen makes them)")) {
            try PackKeys.publicKey("kraftfelt-pack-public-key AAAA", file: "x.pub")
        }
    }
}
