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
        subcommands: [PackNew.self, PackCheck.self]
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

    func validate() throws { try Inputs.path(folder, option: "the pack's folder") }

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
        let library = pack.exercises + pack.modules
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
