import Foundation
import KraftfeltEngine

/// The exercises `kraftfelt serve` offers: the ones shipped with Kraftfelt (copied beside
/// the binary as its resources, so the server works from any directory), and the `.lua`
/// files of an extra folder (`--exercises`).
public struct Catalog: Sendable {
    public struct Entry: Codable, Hashable, Sendable {
        public var id: String
        public var title: [String: String]
        /// True for a programme (several exercises in one session).
        public var programme: Bool
        /// "shipped" with Kraftfelt, "installed" from the server's `--exercises` folder, or
        /// "pack": from an installed pack.
        public var source: String
        /// For a pack's exercise: the pack and its version (`org.liberatingstructures.core 1.0.0`).
        public var pack: String?
        /// For a pack's exercise: false when the pack is not trusted (its sessions run in a
        /// supervised worker process).
        public var trusted: Bool?
    }

    /// An installed pack's exercise: its id is `PACK/EXERCISE`, and its sessions get the
    /// pack's own scripts and the pack's provenance.
    public struct PackOffer: Sendable {
        public var id: String
        public var main: ExerciseSource
        public var library: [ExerciseSource]
        public var pack: PackProvenance

        public init(id: String, main: ExerciseSource, library: [ExerciseSource], pack: PackProvenance) {
            self.id = id
            self.main = main
            self.library = library
            self.pack = pack
        }
    }

    public let library: [ExerciseSource]
    public let entries: [Entry]
    public let packs: [PackOffer]

    /// - Parameters:
    ///   - installed: the file names that came from the `--exercises` folder.
    ///   - packs: the installed packs' exercises.
    public init(library: [ExerciseSource], installed: Set<String> = [], packs: [PackOffer] = []) {
        self.library = library.sorted { $0.fileName < $1.fileName }
        self.packs = packs
        entries =
            self.library.filter(\.offersAnExercise).map { source in
                Entry(
                    id: String(source.fileName.dropLast(4)), title: Self.titles(in: source.text),
                    programme: source.text.contains("kf.programme"),
                    source: installed.contains(source.fileName) ? "installed" : "shipped")
            }
            + packs.map { offer in
                Entry(
                    id: offer.id, title: Self.titles(in: offer.main.text),
                    programme: offer.main.text.contains("kf.programme"), source: "pack", pack: offer.pack.named,
                    trusted: offer.pack.trusted)
            }
    }

    /// The shipped exercises, and those in `folder` (which win over shipped ones of the
    /// same name).
    public static func load(extra folder: String? = nil, packs: [PackOffer] = []) throws -> Catalog {
        var byName: [String: ExerciseSource] = [:]
        for source in try read(shippedFolder) { byName[source.fileName] = source }
        var installed: Set<String> = []
        if let folder {
            for source in try read(folder) {
                byName[source.fileName] = source
                installed.insert(source.fileName)
            }
        }
        return Catalog(library: Array(byName.values), installed: installed, packs: packs)
    }

    /// Where the shipped exercises are: the target's resources.
    public static var shippedFolder: String { Bundle.module.bundleURL.appendingPathComponent("Exercises").path }

    static func read(_ folder: String) throws -> [ExerciseSource] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".lua") }
        return try names.map { name in
            let text = try String(contentsOfFile: (folder as NSString).appendingPathComponent(name), encoding: .utf8)
            return ExerciseSource(fileName: name, text: text)
        }
    }

    public func source(_ id: String) -> ExerciseSource? {
        guard !id.contains("/") else { return nil }
        return library.first { $0.fileName == "\(id).lua" && $0.offersAnExercise }
    }

    /// The installed pack's exercise with this id (`PACK/EXERCISE`).
    public func pack(_ id: String) -> PackOffer? { packs.first { $0.id == id } }

    /// The `title = { da = "…", en = "…" }` of a script, read without running it (for the
    /// list; the session's own title comes from the script when it runs).
    static func titles(in text: String) -> [String: String] {
        guard let range = text.range(of: #"title\s*=\s*\{[^}]*\}"#, options: .regularExpression) else { return [:] }
        var titles: [String: String] = [:]
        let table = String(text[range])
        for language in ["da", "en"] {
            if let match = table.range(of: language + #"\s*=\s*"[^"]*""#, options: .regularExpression) {
                let quoted = table[match]
                if let open = quoted.firstIndex(of: "\"") {
                    titles[language] = String(quoted[quoted.index(after: open)...].dropLast())
                }
            }
        }
        return titles
    }
}

extension ExerciseSource {
    /// True for an exercise or a programme; false for a module that others `require`
    /// (`helpers.lua`), which the console does not offer as an exercise of its own.
    var offersAnExercise: Bool { text.contains("kf.exercise") || text.contains("kf.programme") }
}
