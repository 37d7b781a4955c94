import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltPacks
import KraftfeltStore

/// `kraftfelt pack …`: plugin packs, folders of exercises with a manifest that
/// organisations share (docs/packs.md).
struct Pack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write and check plugin packs: exercises with a manifest, to share (see docs/packs.md).",
        subcommands: [
            PackNew.self, PackCheck.self, PackBuild.self, PackKeygen.self, PackSign.self, PackInfo.self,
            PackTest.self, PackInstall.self, PackList.self, PackRemove.self, PackTrustCommand.self,
        ]
    )
}

/// `kraftfelt pack new ID`: a pack's folder with a manifest and a first exercise that checks.
struct PackNew: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Make a new pack's folder: a manifest and a first exercise, ready for `kraftfelt pack check`."
    )

    @Argument(help: "The pack's id, reverse-domain style, like dk.kommune.netvaerk.")
    var id: String

    @Option(help: "The folder to make (default: the id's last part, in the current folder).")
    var folder: String?

    func validate() throws {
        guard PackManifest.isPackID(id) else {
            throw ValidationError(
                "the pack id must be two or more parts of lowercase letters, digits and '-', joined by dots, "
                    + "like dk.kommune.netvaerk; got \(SessionID.shown(id))")
        }
        if let folder { try Inputs.path(folder, option: "--folder") }
    }

    func run() throws {
        let path = folder ?? String(id.split(separator: ".").last!)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CLIError("\(path) is there already; give another --folder")
        }
        let manifest = """
            # A Kraftfelt pack: what it is, what it needs and what it provides (docs/packs.md).
            id = "\(id)"
            version = "0.1.0"
            name = { da = "Min pakke", en = "My pack" }
            summary = { da = "Hvad pakken er til", en = "What the pack is for" }
            authors = ["Your name <you@example.org>"]
            licence = "CC-BY-4.0"
            # The host API the scripts are written for.
            api = "^1.0"
            exercises = ["exercises/first.lua"]
            # What the scripts may do beyond running exercises: measures, organisation-storage, follow-up.
            permissions = []

            # Other packs this one needs, with the versions it works with:
            # [dependencies]
            # "org.liberatingstructures.core" = "^1.0"

            """
        let exercise = """
            return kf.exercise {
              id = "first", title = { da = "Første øvelse", en = "First exercise" }, minutes = 5,
              run = function(s)
                local answers = s:ask(s.everyone, { da = "Hvad tager du med?", en = "What do you take away?", time = "2m" })
                s:show(kf.options(answers), "screen")
              end,
            }

            """
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).appendingPathComponent("exercises"), withIntermediateDirectories: true)
            try Data(manifest.utf8).write(
                to: URL(fileURLWithPath: (path as NSString).appendingPathComponent(PackManifest.fileName)))
            try Data(exercise.utf8).write(
                to: URL(fileURLWithPath: (path as NSString).appendingPathComponent("exercises/first.lua")))
        } catch {
            throw CLIError("\(path): cannot make the pack: \(Inputs.reason(error))")
        }
        Terminal.print("made \(path)/\(PackManifest.fileName) and \(path)/exercises/first.lua")
        Terminal.print("next: kraftfelt pack check \(path)")
    }
}

/// `kraftfelt pack check DIR`: the manifest, the files it names, then `kraftfelt check` on
/// every exercise, rehearsed with the pack's own modules.
struct PackCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a pack: its manifest and files, then each exercise as `kraftfelt check` does."
    )

    @Argument(help: "The pack's folder.")
    var folder: String

    @Flag(help: "Only read the scripts; do not rehearse them.")
    var noRehearsal = false

    @Option(
        name: .customLong("with"), help: "The folder of a pack it depends on, when it is not installed (repeatable).")
    var dependencies: [String] = []

    @OptionGroup var location: PackLocation

    func validate() throws {
        try Inputs.path(folder, option: "the pack's folder")
        for folder in dependencies { try Inputs.path(folder, option: "--with") }
    }

    /// The modules the pack's dependencies export, found among the installed packs and the
    /// folders given with `--with`.
    static func exported(to manifest: PackManifest, with dependencies: [String], in location: PackLocation)
        throws(PackError) -> [ExerciseSource]
    {
        var packs: [(PackManifest, [ExerciseSource])] = []
        for folder in dependencies {
            let pack = try PackFolder.load(folder)
            packs.append((pack.manifest, pack.modules))
        }
        for pack in location.store().installed().packs
        where !packs.contains(where: { $0.0.id == pack.manifest.id && $0.0.version == pack.manifest.version }) {
            packs.append((pack.manifest, try pack.archive.scripts(name: pack.named).modules))
        }
        return try PackStore.exported(to: manifest, by: packs)
    }

    func run() throws {
        let pack: PackFolder
        do { pack = try PackFolder.load(folder) } catch { throw CLIError(error.message) }
        let manifest = pack.manifest
        Terminal.print("\(manifest.id) \(manifest.version): \(manifest.name["en"] ?? manifest.id)")
        if !manifest.permissions.isEmpty {
            let asked = manifest.permissions.map(\.rawValue).sorted().joined(separator: ", ")
            Terminal.print("  asks for: \(asked)")
        }
        var errors = 0
        let theirs: [ExerciseSource]
        do throws(PackError) { theirs = try Self.exported(to: manifest, with: dependencies, in: location) } catch {
            throw CLIError(error.message + " (give its folder with --with, or install it)")
        }
        let library = pack.exercises + pack.modules + theirs
        for (name, source) in zip(manifest.exercises, pack.exercises) {
            let shown = (folder as NSString).appendingPathComponent(name)
            let findings = ScriptCheck.check(source.text, fileName: source.fileName)
            for finding in findings { Terminal.print(finding.formatted(file: shown)) }
            var found = findings.filter { $0.severity == .error }.count
            if found == 0 && !noRehearsal {
                let rehearsed = RoomRehearsals.run(source, library: library, file: shown)
                for finding in rehearsed { Terminal.print(finding.formatted(file: shown)) }
                found += rehearsed.filter { $0.severity == .error }.count
            }
            if found == 0 {
                Terminal.print("\(shown): ok" + (noRehearsal ? "" : " (\(RoomRehearsals.summary))"))
            }
            errors += found
        }
        guard errors == 0 else {
            Terminal.print("\(manifest.id): \(errors) " + (errors == 1 ? "error" : "errors"))
            throw ExitCode.failure
        }
        let counted = [(pack.exercises.count, "exercise"), (pack.modules.count, "module")].map {
            "\($0) \($1)" + ($0 == 1 ? "" : "s")
        }
        Terminal.print("\(manifest.id): ok (\(counted.joined(separator: ", ")))")
    }
}

/// `kraftfelt pack build DIR`: the pack as one file, every file hashed, after a check.
struct PackBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Make one archive file of a pack (ID-VERSION.kfpack) with the SHA-256 of every file."
    )

    @Argument(help: "The pack's folder.")
    var folder: String

    @Option(help: "The archive to write (default: ID-VERSION.kfpack in the current folder).")
    var output: String?

    func validate() throws {
        try Inputs.path(folder, option: "the pack's folder")
        if let output { try Inputs.path(output, option: "--output") }
    }

    func run() throws {
        let archive: PackArchive
        do throws(PackError) { archive = try built() } catch { throw CLIError(error.message) }
        let path = output ?? "\(archive.index.id)-\(archive.index.version).kfpack"
        do { try archive.data().write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CLIError("\(path): cannot write the archive: \(Inputs.reason(error))")
        }
        Terminal.print("built \(path): \(archive.index.files.count) files, unsigned (sign it with kraftfelt pack sign)")
    }

    private func built() throws(PackError) -> PackArchive {
        do {
            let pack = try PackFolder.load(folder)
            for (name, source) in zip(pack.manifest.exercises, pack.exercises) {
                let errors = ScriptCheck.check(source.text, fileName: source.fileName).filter { $0.severity == .error }
                guard errors.isEmpty else {
                    for finding in errors {
                        Terminal.print(finding.formatted(file: (folder as NSString).appendingPathComponent(name)))
                    }
                    throw PackError(
                        "\(pack.manifest.id): not built: an exercise has errors (kraftfelt pack check \(folder))")
                }
            }
            return try PackArchive.build(pack)
        }
    }
}

/// `kraftfelt pack keygen NAME`: an Ed25519 key pair to sign packs with.
struct PackKeygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a key pair to sign packs: NAME.key (keep it secret) and NAME.pub (give it to who trusts you)."
    )

    @Argument(help: "The key files' name, like hr-kommune.")
    var name: String

    func validate() throws { try Inputs.path(name, option: "the key's name") }

    func run() throws {
        let keyFile = name + ".key"
        let publicFile = name + ".pub"
        for file in [keyFile, publicFile] where FileManager.default.fileExists(atPath: file) {
            throw CLIError("\(file) is there already; a key is never overwritten")
        }
        let keys = PackKeys.generate()
        guard
            FileManager.default.createFile(
                atPath: keyFile, contents: Data((keys.private + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw CLIError("\(keyFile): cannot write the key") }
        guard FileManager.default.createFile(atPath: publicFile, contents: Data((keys.public + "\n").utf8)) else {
            throw CLIError("\(publicFile): cannot write the key")
        }
        Terminal.print("made \(keyFile) (secret: only you sign with it) and \(publicFile) (give it to who trusts you)")
    }
}

/// `kraftfelt pack sign FILE --key NAME.key`: signs an archive's index.
struct PackSign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign a pack's archive with your private key."
    )

    @Argument(help: "The archive (.kfpack) that kraftfelt pack build made.")
    var archive: String

    @Option(help: "Your private key (NAME.key from kraftfelt pack keygen).")
    var key: String

    func validate() throws {
        try Inputs.path(archive, option: "the archive")
        try Inputs.path(key, option: "--key")
    }

    func run() throws {
        do throws(PackError) { try sign() } catch { throw CLIError(error.message) }
    }

    private func sign() throws(PackError) {
        do {
            var pack = try PackArchive.read(try Self.contents(archive), name: archive)
            let text = String(decoding: try Self.contents(key), as: UTF8.self)
            try pack.sign(with: try PackKeys.privateKey(text, file: key))
            do { try pack.data().write(to: URL(fileURLWithPath: archive), options: .atomic) } catch {
                throw PackError("\(archive): cannot write the archive: \(Inputs.reason(error))")
            }
            Terminal.print("signed \(archive) (\(pack.index.id) \(pack.index.version))")
        }
    }

    static func contents(_ path: String) throws(PackError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackError("\(path): cannot read the file")
        }
        return data
    }
}

/// `kraftfelt pack info FILE`: what a pack is, what it asks for, and who signed it.
struct PackInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a pack's archive: its id, version, exercises, permissions, dependencies and signature."
    )

    @Argument(help: "The archive (.kfpack).")
    var archive: String

    @Option(name: .customLong("trust"), help: "A public key you trust (NAME.pub; repeatable).")
    var trusted: [String] = []

    func validate() throws {
        try Inputs.path(archive, option: "the archive")
        for key in trusted { try Inputs.path(key, option: "--trust") }
    }

    func run() throws {
        do throws(PackError) { try show() } catch { throw CLIError(error.message) }
    }

    private func show() throws(PackError) {
        do {
            let pack = try PackArchive.read(try PackSign.contents(archive), name: archive)
            let manifest = pack.manifest
            Terminal.print(
                "\(manifest.id) \(manifest.version): \(manifest.name["en"] ?? "") / \(manifest.name["da"] ?? "")")
            Terminal.print("  by \(manifest.authors.joined(separator: ", ")); licence \(manifest.licence)")
            Terminal.print("  exercises: \(manifest.exercises.joined(separator: ", "))")
            let permissions = manifest.permissions.map(\.rawValue).sorted()
            Terminal.print(
                "  asks for: "
                    + (permissions.isEmpty ? "nothing beyond running exercises" : permissions.joined(separator: ", ")))
            if !manifest.dependencies.isEmpty {
                let needs = manifest.dependencies.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                Terminal.print("  needs: \(needs.joined(separator: ", "))")
            }
            guard let signer = try pack.verifiedSigner(name: archive) else {
                Terminal.print("  unsigned")
                return
            }
            let raw = signer.rawRepresentation
            var trustedBy: String? = nil
            for file in trusted {
                let key = try PackKeys.publicKey(
                    String(decoding: try PackSign.contents(file), as: UTF8.self), file: file)
                if key.rawRepresentation == raw { trustedBy = file }
            }
            let shown = raw.base64EncodedString()
            Terminal.print(
                "  signed by \(shown)" + (trustedBy.map { ", a key you trust (\($0))" } ?? ", a key you do not trust"))
        }
    }
}
