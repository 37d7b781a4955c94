import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `kraftfelt pack install | list | remove | trust | test`, a pack's exercise rehearsed, and
/// a feed between two servers, run as a trainer and an IT department run them.
@Suite(.serialized) struct PackInstallCommandTests {
    static let plugins = PackCommandTests.plugins

    /// The real binary with `--packs` in a new folder.
    static func kraftfelt(_ arguments: [String], packs: String, timeout: Double = 60, in folder: String? = nil) throws
        -> Kraftfelt.Result
    {
        try Kraftfelt.run(arguments + ["--packs", packs], timeout: timeout, in: folder)
    }

    @Test func theShippedPacksInstallAndTheirExercisesRehearse() throws {
        let packs = TestFiles.folder("kraftfelt-packs")
        // The organisation's pack needs Liberating Structures, which is not installed yet.
        let early = try Self.kraftfelt(["pack", "install", Self.plugins + "/eksempel-kommune"], packs: packs)
        #expect(early.status == 1)
        #expect(
            early.stderr
                == "error: dk.eksempel.netvaerk 1.0.0 needs org.liberatingstructures.core ^1.0, which is not installed "
                + "(install it first, or give it to kraftfelt pack install too) (nothing was installed)\n")
        let installed = try Self.kraftfelt(["pack", "install", Self.plugins + "/liberating-structures"], packs: packs)
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(
            installed.stdout == """
                installed org.liberatingstructures.core 1.0.0 (trusted: shipped with Kraftfelt)
                  exercises: org.liberatingstructures.core/1-2-4-all, org.liberatingstructures.core/troika-consulting
                  asks for: nothing beyond running exercises
                in \(packs)

                """)
        let rehearsed = try Self.kraftfelt(
            ["rehearse", "org.liberatingstructures.core/1-2-4-all", "--participants", "8", "--language", "en"],
            packs: packs)
        #expect(rehearsed.status == 0, "\(rehearsed.stderr)")
        #expect(rehearsed.stdout.contains("Which idea do you want to take forward?"), "\(rehearsed.stdout)")
        #expect(rehearsed.stdout.contains("session finished"), "\(rehearsed.stdout)")

        let organisation = try Self.kraftfelt(["pack", "install", Self.plugins + "/eksempel-kommune"], packs: packs)
        #expect(organisation.status == 0, "\(organisation.stderr)")
        #expect(organisation.stdout.contains("  uses: org.liberatingstructures.core 1.0.0\n"), "\(organisation.stdout)")
        #expect(organisation.stdout.contains("  asks for: measures\n"))
        // Its exercise requires the dependency's exported module and records its indicator.
        let theirs = try Self.kraftfelt(
            ["rehearse", "dk.eksempel.netvaerk/ideer-paa-tvaers", "--participants", "12"], packs: packs)
        #expect(theirs.status == 0, "\(theirs.stderr)")
        #expect(theirs.stdout.contains("ideer-paa-tvaers.ties_across_areas = "), "\(theirs.stdout)")
        #expect(theirs.stdout.contains("Hvilken idé prøver vi først?"))

        let listed = try Self.kraftfelt(["pack", "list"], packs: packs)
        #expect(
            listed.stdout.contains(
                "dk.eksempel.netvaerk 1.0.0: Networks across areas (Example Municipality) (trusted: shipped with Kraftfelt)\n"
                    + "  exercises: dk.eksempel.netvaerk/ideer-paa-tvaers\n  asks for: measures\n"
                    + "  needs: org.liberatingstructures.core ^1.0\n"), "\(listed.stdout)")
        let needed = try Self.kraftfelt(["pack", "remove", "org.liberatingstructures.core"], packs: packs)
        #expect(
            needed.stderr
                == "error: org.liberatingstructures.core 1.0.0 is needed by dk.eksempel.netvaerk 1.0.0 "
                + "(org.liberatingstructures.core ^1.0): remove that first\n")
        let unknown = try Self.kraftfelt(["rehearse", "org.liberatingstructure.core/1-2-4-all"], packs: packs)
        #expect(
            unknown.stderr
                == "error: no pack \"org.liberatingstructure.core\" is installed (did you mean org.liberatingstructures.core?)\n"
        )
        #expect(
            try Self.kraftfelt(["pack", "remove", "dk.eksempel.netvaerk"], packs: packs).stdout
                == "removed dk.eksempel.netvaerk 1.0.0\n")
    }

    /// A pack of one's own, unsigned: refused by default, installed untrusted when allowed
    /// (and recorded); signed with a trusted key: installed trusted.
    @Test func anUnsignedPackIsRefusedAndASignedOneFromATrustedKeyInstalls() throws {
        let folder = TestFiles.folder("kraftfelt-pack-trust")
        let packs = folder + "/packs"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(try Kraftfelt.run(["pack", "new", "dk.kommune.hr"], in: folder).status == 0)
        let refused = try Self.kraftfelt(["pack", "install", "hr"], packs: packs, in: folder)
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "error: dk.kommune.hr 0.1.0 is not signed: install packs signed by a key you trust, or say "
                + "--allow-unsigned to install it untrusted (its scripts then run in a supervised worker process) "
                + "(nothing was installed)\n")
        #expect(
            try Self.kraftfelt(["pack", "list"], packs: packs, in: folder).stdout.hasPrefix("no packs are installed"))

        #expect(try Kraftfelt.run(["pack", "build", "hr"], timeout: 60, in: folder).status == 0)
        #expect(try Kraftfelt.run(["pack", "keygen", "hr-kommune"], in: folder).status == 0)
        #expect(
            try Kraftfelt.run(["pack", "sign", "dk.kommune.hr-0.1.0.kfpack", "--key", "hr-kommune.key"], in: folder)
                .status == 0)
        let untrusted = try Self.kraftfelt(["pack", "install", "dk.kommune.hr-0.1.0.kfpack"], packs: packs, in: folder)
        #expect(untrusted.stderr.hasPrefix("error: dk.kommune.hr 0.1.0 is signed by a key you do not trust ("))
        let trust = try Self.kraftfelt(["pack", "trust", "add", "hr-kommune.pub"], packs: packs, in: folder)
        #expect(trust.stdout == "trusted hr-kommune: packs it signs now install\n", "\(trust.stderr)")
        let signed = try Self.kraftfelt(["pack", "install", "dk.kommune.hr-0.1.0.kfpack"], packs: packs, in: folder)
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdout.hasPrefix("installed dk.kommune.hr 0.1.0 (trusted: signed by hr-kommune)\n"))
        #expect(try Self.kraftfelt(["pack", "remove", "dk.kommune.hr"], packs: packs, in: folder).status == 0)

        let allowed = try Self.kraftfelt(["pack", "install", "hr", "--allow-unsigned"], packs: packs, in: folder)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(
            allowed.stdout.hasPrefix(
                "installed dk.kommune.hr 0.1.0 (untrusted: unsigned, installed by "), "\(allowed.stdout)")
        #expect(allowed.stdout.contains(" with --allow-unsigned; runs in a supervised worker process)\n"))
        let record = try String(contentsOfFile: packs + "/dk.kommune.hr/0.1.0/installed.json", encoding: .utf8)
        #expect(record.contains("\"trust\" : \"allowed-unsigned\""), "\(record)")
    }

    /// Each bad pack is refused with its exact error, and what was installed stays.
    @Test func badPacksAreRefusedAndNothingIsInstalled() throws {
        let packs = TestFiles.folder("kraftfelt-packs-bad")
        #expect(
            try Self.kraftfelt(["pack", "install", Self.plugins + "/liberating-structures"], packs: packs).status == 0)
        let manifest = """
            id = "dk.kommune.bad"
            version = "1.0.0"
            name = { da = "B", en = "B" }
            authors = ["HR"]
            licence = "CC0-1.0"
            api = "^1.0"
            exercises = ["exercises/a.lua"]

            """
        let good = "return kf.exercise { id = \"a\", title = { da = \"A\", en = \"A\" }, run = function(s) end }\n"
        let cases: [(String, [String: String], String)] = [
            (
                "syntax", ["kraftfelt-pack.toml": manifest + "permissions = [\"measures\"\n", "exercises/a.lua": good],
                "error: kraftfelt-pack.toml:8:27: Error while parsing array: encountered end-of-file"
            ),
            (
                "permission",
                ["kraftfelt-pack.toml": manifest + "permissions = [\"network\"]\n", "exercises/a.lua": good],
                "error: kraftfelt-pack.toml: \"network\" is not a permission (the permissions are organisation-storage, measures, follow-up)"
            ),
            (
                "missing",
                [
                    "kraftfelt-pack.toml": manifest + "[dependencies]\n\"dk.kommune.none\" = \"^1.0\"\n",
                    "exercises/a.lua": good,
                ],
                "error: dk.kommune.bad 1.0.0 needs dk.kommune.none ^1.0, which is not installed (install it first, or give it to kraftfelt pack install too) (nothing was installed)"
            ),
            (
                "clash",
                [
                    "kraftfelt-pack.toml": manifest.replacingOccurrences(
                        of: "dk.kommune.bad", with: "org.liberatingstructures.core"),
                    "exercises/a.lua": good,
                ],
                "error: org.liberatingstructures.core 1.0.0 is installed already with other files: a changed pack needs a new version (or kraftfelt pack remove org.liberatingstructures.core@1.0.0 first) (nothing was installed)"
            ),
            (
                "lua",
                ["kraftfelt-pack.toml": manifest, "exercises/a.lua": "return kf.exercise { id = \"a\" run = 1 }\n"],
                "error: dk.kommune.bad 1.0.0: exercises/a.lua:1:"
            ),
        ]
        for (name, files, message) in cases {
            let folder = TestFiles.folder("bad-\(name)")
            for (path, text) in files {
                let file = folder + "/" + path
                try FileManager.default.createDirectory(
                    atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            }
            let result = try Self.kraftfelt(["pack", "install", folder, "--allow-unsigned"], packs: packs)
            #expect(result.status == 1, "\(name)")
            #expect(result.stderr.hasPrefix(message), "\(name): \(result.stderr)")
            let left = try FileManager.default.contentsOfDirectory(atPath: packs).sorted()
            #expect(left == ["org.liberatingstructures.core"], "\(name)")
        }
        #expect(try Self.kraftfelt(["rehearse", "org.liberatingstructures.core/1-2-4-all"], packs: packs).status == 0)
    }

    @Test func packTestCountsWhatPassed() throws {
        let result = try Kraftfelt.run(["pack", "test", Self.plugins + "/liberating-structures"], timeout: 600)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("passed: pack check\n"))
        #expect(result.stdout.contains("passed: 1-2-4-all with 30 people, seeds 1, 2, 3\n"))
        #expect(result.stdout.contains("passed: tests/rounds.lua\n"))
        #expect(result.stdout.hasSuffix("8 passed, 0 failed\n"), "\(result.stdout)")
        // A failing assert fails its test, with its message and line.
        let folder = TestFiles.folder("kraftfelt-pack-failing")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(try Kraftfelt.run(["pack", "new", "dk.kommune.fail"], in: folder).status == 0)
        try FileManager.default.createDirectory(atPath: folder + "/fail/tests", withIntermediateDirectories: true)
        try Data(
            """
            assert(1 + 1 == 3, "arithmetic is broken")
            return kf.exercise { id = "t", title = { da = "T", en = "T" }, run = function(s) end }

            """.utf8
        ).write(to: URL(fileURLWithPath: folder + "/fail/tests/broken.lua"))
        let failing = try Kraftfelt.run(["pack", "test", "fail"], timeout: 600, in: folder)
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("FAILED: tests/broken.lua: "), "\(failing.stdout)")
        #expect(failing.stdout.contains("arithmetic is broken"))
        #expect(failing.stdout.hasSuffix("4 passed, 1 failed\n"), "\(failing.stdout)")
    }

    // MARK: A feed between two organisations

    /// Starts `kraftfelt serve` on a free port and waits for it to listen.
    static func serve(data: String, packs: String, publish: Bool) throws -> (Kraftfelt.Running, String) {
        for _ in 0..<5 {
            let port = Int.random(in: 30000..<60000)
            let running = try Kraftfelt.start(
                ["serve", "--data", data, "--packs", packs, "--port", "\(port)", "--no-ready-session"]
                    + (publish ? ["--publish-packs"] : []))
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline && running.process.isRunning {
                if running.stdout.soFar().contains("Kraftfelt is running on") {
                    return (running, "http://127.0.0.1:\(port)")
                }
                usleep(50_000)
            }
            kill(running.pid, SIGKILL)
            _ = running.wait(timeout: 5)
        }
        throw PackFeedTestError.notStarted
    }

    enum PackFeedTestError: Error {
        case notStarted
        case notFound(String)
    }

    /// A GET's body; an answer other than 200 is an error.
    static func get(_ url: String) async throws -> String {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: 20)
        request.httpMethod = "GET"
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw PackFeedTestError.notFound(url) }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func oneServerPublishesAndAnotherInstallsFromItsFeed() async throws {
        let folder = TestFiles.folder("kraftfelt-feed")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let theirs = folder + "/theirs-packs"
        let ours = folder + "/our-packs"
        // The publishing organisation signs its packs, and one of its own, with its key, which it trusts.
        for pack in ["liberating-structures", "eksempel-kommune"] {
            #expect(
                try Kraftfelt.run(["pack", "build", Self.plugins + "/" + pack], timeout: 60, in: folder).status == 0)
        }
        #expect(try Kraftfelt.run(["pack", "new", "dk.kommune.hr"], in: folder).status == 0)
        #expect(try Kraftfelt.run(["pack", "build", "hr"], timeout: 60, in: folder).status == 0)
        #expect(try Kraftfelt.run(["pack", "keygen", "eksempel"], in: folder).status == 0)
        let archives = [
            "org.liberatingstructures.core-1.0.0.kfpack", "dk.eksempel.netvaerk-1.0.0.kfpack",
            "dk.kommune.hr-0.1.0.kfpack",
        ]
        for archive in archives {
            #expect(try Kraftfelt.run(["pack", "sign", archive, "--key", "eksempel.key"], in: folder).status == 0)
        }
        #expect(try Self.kraftfelt(["pack", "trust", "add", "eksempel.pub"], packs: theirs, in: folder).status == 0)
        let published = try Self.kraftfelt(
            ["pack", "install"] + archives, packs: theirs, in: folder)
        #expect(published.status == 0, "\(published.stderr)")

        let (publisher, base) = try Self.serve(data: folder + "/theirs-data", packs: theirs, publish: true)
        defer {
            kill(publisher.pid, SIGTERM)
            _ = publisher.wait(timeout: 10)
        }
        let index = try await Self.get(base + "/packs/index.json")
        #expect(index.contains("\"id\":\"dk.eksempel.netvaerk\""), "\(index)")

        // Without their key, ours refuses their own pack; with it, packs and dependencies install.
        let refused = try Self.kraftfelt(["pack", "install", "--from", base, "dk.kommune.hr"], packs: ours, in: folder)
        #expect(refused.status == 1)
        #expect(
            refused.stderr.hasPrefix("error: dk.kommune.hr 0.1.0 is signed by a key you do not trust ("),
            "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ours + "/dk.kommune.hr"))
        let missing = try Self.kraftfelt(["pack", "install", "--from", base, "dk.eksempel.netvaerk@^2.0"], packs: ours)
        #expect(
            missing.stderr == "error: \(base) has no dk.eksempel.netvaerk ^2.0 (it has 1.0.0) (nothing was installed)\n"
        )
        #expect(try Self.kraftfelt(["pack", "trust", "add", "eksempel.pub"], packs: ours, in: folder).status == 0)
        let installed = try Self.kraftfelt(
            ["pack", "install", "--from", base, "dk.eksempel.netvaerk@^1.0"], packs: ours, in: folder)
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains("installed dk.eksempel.netvaerk 1.0.0 (trusted: signed by eksempel)\n"))
        #expect(
            installed.stdout.contains("installed org.liberatingstructures.core 1.0.0 (trusted: signed by eksempel)\n"))

        // Our server's console offers the installed packs' exercises.
        let (server, ourBase) = try Self.serve(data: folder + "/our-data", packs: ours, publish: false)
        defer {
            kill(server.pid, SIGTERM)
            _ = server.wait(timeout: 10)
        }
        let console = try await Self.get(ourBase + "/console")
        #expect(console.contains("value=\"dk.eksempel.netvaerk/ideer-paa-tvaers\""), "\(console)")
        #expect(console.contains("value=\"org.liberatingstructures.core/1-2-4-all\""))
        #expect(console.contains(">Ideas across areas (dk.eksempel.netvaerk 1.0.0)<"))
        // Ours publishes nothing.
        await #expect(throws: (any Error).self) { try await Self.get(ourBase + "/packs/index.json") }
    }
}
