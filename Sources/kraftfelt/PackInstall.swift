import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltPacks
import KraftfeltStore

/// Where installed packs are: `--packs DIR`, else `$KRAFTFELT_PACKS`, else `packs/` in the
/// data directory (`$KRAFTFELT_DATA` or ~/.local/share/kraftfelt).
struct PackLocation: ParsableArguments {
    @Option(
        name: .customLong("packs"),
        help: "The folder of installed packs (default: $KRAFTFELT_PACKS, or packs/ in the data directory).")
    var folder: String?

    func validate() throws {
        if let folder { try Inputs.path(folder, option: "--packs") }
    }

    /// The folder, with `dataDirectory` as the default's base (serve's `--data`).
    func resolved(dataDirectory: String? = nil) -> String {
        if let folder { return folder }
        if dataDirectory == nil, let given = ProcessInfo.processInfo.environment["KRAFTFELT_PACKS"], !given.isEmpty {
            return given
        }
        let data = dataDirectory ?? DataOptions.defaultDirectory
        return (data as NSString).appendingPathComponent("packs")
    }

    func store(dataDirectory: String? = nil) -> PackStore { PackStore(root: resolved(dataDirectory: dataDirectory)) }
}

/// Reads what `pack install` is given: a pack's folder or a `.kfpack` archive.
enum PackSource {
    static func archive(_ path: String) throws(PackError) -> PackArchive {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw PackError("\(path): no such folder or archive")
        }
        if isFolder.boolValue { return try PackArchive.build(try PackFolder.load(path)) }
        return try PackArchive.read(try PackSign.contents(path), name: path)
    }

    /// What an installed pack's trust is, in words.
    static func trust(_ record: InstallRecord) -> String {
        switch record.trust {
        case .signed: "trusted: signed by \(record.trustedKey ?? "a trusted key")"
        case .shipped: "trusted: shipped with Kraftfelt"
        case .allowedUnsigned:
            "untrusted: " + (record.signer == nil ? "unsigned" : "signed by a key you do not trust")
                + ", installed by \(record.installedBy) with --allow-unsigned; runs in a supervised worker process"
        }
    }

    static func permissions(_ manifest: PackManifest) -> String {
        let asked = manifest.permissions.map(\.rawValue).sorted()
        return asked.isEmpty ? "nothing beyond running exercises" : asked.joined(separator: ", ")
    }
}

/// `kraftfelt pack install FOLDER|FILE…`: verifies and installs packs, with their trust
/// decided and their dependencies resolved.
struct PackInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install packs from their folders or archives: verified, with their dependencies resolved.",
        discussion: """
            A pack installs when a key you trust signed it (kraftfelt pack trust add KEY.pub) or it \
            was shipped with Kraftfelt (Plugins/). Other packs are refused unless you say \
            --allow-unsigned, which is recorded; their scripts then always run in a supervised \
            worker process. Several versions of a pack can be installed side by side.
            """
    )

    @Argument(
        help: """
            The packs: folders with kraftfelt-pack.toml or .kfpack archives (dependencies too); \
            with --from, ID or ID@RANGE.
            """)
    var packs: [String] = []

    @Option(help: "Another organisation's feed (http://HOST:PORT of its kraftfelt serve --publish-packs).")
    var from: String?

    @Option(help: "With --from: the most seconds each GET of the feed may take, from asking to its last byte.")
    var timeout: Double = PackFeedClient.seconds

    @Flag(help: "Install packs that are unsigned or signed by a key you do not trust, as untrusted.")
    var allowUnsigned = false

    @OptionGroup var location: PackLocation

    func validate() throws {
        guard !packs.isEmpty else { throw ValidationError("name a pack's folder or archive to install") }
        for pack in packs { try Inputs.path(pack, option: "a pack") }
        guard timeout >= 1 && timeout <= 3600 else {
            throw ValidationError("--timeout must be from 1 to 3600 seconds, got \(timeout)")
        }
    }

    func run() throws {
        let store = location.store()
        do throws(PackError) {
            var archives: [PackArchive] = []
            if let from {
                archives = try PackFeedClient.archives(
                    from: from, for: packs, installed: store.installed().packs.map(\.manifest), seconds: timeout)
            } else {
                for path in packs { archives.append(try PackSource.archive(path)) }
            }
            let done = try store.install(
                archives, from: from ?? packs.joined(separator: ", "), allowUnsigned: allowUnsigned)
            for named in done.already { Terminal.print("\(named) is installed already, with the same files") }
            try PackInstall.report(done.installed, in: store)
        } catch {
            throw CLIError(error.message + " (nothing was installed)")
        }
    }

    /// What was installed: trust, exercises to run, what they may do.
    static func report(_ records: [InstallRecord], in store: PackStore) throws(PackError) {
        let exercises = store.exercises()
        // Read (and verified) once: each read checks every archive's hashes.
        let installed = store.installed().packs
        for record in records {
            guard let pack = installed.first(where: { $0.record == record }) else { continue }
            Terminal.print("installed \(pack.named) (\(PackSource.trust(record)))")
            let mine = exercises.filter { $0.pack.record == record }.map(\.reference)
            if !mine.isEmpty { Terminal.print("  exercises: \(mine.joined(separator: ", "))") }
            Terminal.print("  asks for: \(PackSource.permissions(pack.manifest))")
            let needs = try PackResolver.dependencies(of: pack.manifest, among: installed.map(\.manifest))
            if !needs.isEmpty {
                Terminal.print("  uses: \(needs.map { "\($0.id) \($0.version)" }.joined(separator: ", "))")
            }
        }
        Terminal.print("in \(store.root)")
    }
}

/// `kraftfelt pack list`: the installed packs, their trust and exercises.
struct PackList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the installed packs: versions, trust, exercises and what they ask for."
    )

    @OptionGroup var location: PackLocation

    func run() throws {
        let store = location.store()
        let (packs, problems) = store.installed()
        for problem in problems { Terminal.line("warning: \(problem)") }
        guard !packs.isEmpty else {
            Terminal.print("no packs are installed in \(store.root) (kraftfelt pack install FOLDER installs one)")
            return
        }
        for pack in packs {
            Terminal.print("\(pack.named): \(pack.manifest.name["en"] ?? "") (\(PackSource.trust(pack.record)))")
            let names = pack.manifest.exercises.map {
                (($0 as NSString).lastPathComponent as NSString).deletingPathExtension
            }
            Terminal.print("  exercises: \(names.map { "\(pack.manifest.id)/\($0)" }.joined(separator: ", "))")
            Terminal.print("  asks for: \(PackSource.permissions(pack.manifest))")
            if !pack.manifest.dependencies.isEmpty {
                let needs = pack.manifest.dependencies.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                Terminal.print("  needs: \(needs.joined(separator: ", "))")
            }
            Terminal.print("  sha256 \(pack.record.hash), from \(pack.record.source)")
        }
    }
}

/// `kraftfelt pack remove ID[@VERSION]`.
struct PackRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove an installed pack (ID, or ID@VERSION when several are installed).",
        discussion: "Sessions that ran it keep their scripts: they replay as they ran."
    )

    @Argument(help: "The pack: ID or ID@VERSION.")
    var pack: String

    @OptionGroup var location: PackLocation

    func run() throws {
        let parts = pack.split(separator: "@", maxSplits: 1).map(String.init)
        var version: SemanticVersion? = nil
        if parts.count == 2 {
            guard let given = SemanticVersion(parts[1]) else {
                throw CLIError("\(SessionID.shown(parts[1])) is not a version, like 1.0.0")
            }
            version = given
        }
        do throws(PackError) {
            let removed = try location.store().remove(parts.first ?? pack, version: version)
            Terminal.print("removed \(removed)")
        } catch {
            throw CLIError(error.message)
        }
    }
}

/// `kraftfelt pack trust add|list|remove`: the organisation's trusted signing keys.
struct PackTrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "The keys whose signed packs install: add KEY.pub, list them, remove one.",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trust packs signed with this public key.")
        @Argument(help: "The public key (NAME.pub from kraftfelt pack keygen).") var key: String
        @Option(help: "What to call it (default: the file's name without .pub).") var name: String?
        @OptionGroup var location: PackLocation

        func validate() throws { try Inputs.path(key, option: "the key") }

        func run() throws {
            let called = name ?? ((key as NSString).lastPathComponent as NSString).deletingPathExtension
            do throws(PackError) {
                let text = String(decoding: try PackSign.contents(key), as: UTF8.self)
                try location.store().trust(text, file: key, as: called)
            } catch {
                throw CLIError(error.message)
            }
            Terminal.print("trusted \(called): packs it signs now install")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the trusted keys.")
        @OptionGroup var location: PackLocation

        func run() throws {
            let keys: [(name: String, key: String)]
            do throws(PackError) {
                keys = try location.store().trustedKeys().map {
                    ($0.name, $0.key.rawRepresentation.base64EncodedString())
                }
            } catch {
                throw CLIError(error.message)
            }
            if keys.isEmpty { Terminal.print("no keys are trusted (kraftfelt pack trust add KEY.pub trusts one)") }
            for (name, key) in keys { Terminal.print("\(name): \(key)") }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop trusting a key (packs it signed stay installed).")
        @Argument(help: "The key's name, as pack trust list shows it.") var name: String
        @OptionGroup var location: PackLocation

        func run() throws {
            do throws(PackError) { try location.store().untrust(name) } catch { throw CLIError(error.message) }
            Terminal.print("no longer trusted: \(name)")
        }
    }
}
