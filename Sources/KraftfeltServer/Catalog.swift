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
        /// "shipped" with Kraftfelt, or "installed" from the server's `--exercises` folder.
        public var source: String
    }

    public let library: [ExerciseSource]
    public let entries: [Entry]

    /// - Parameter installed: the file names that came from the `--exercises` folder.
    public init(library: [ExerciseSource], installed: Set<String> = []) {
        self.library = library.sorted { $0.fileName < $1.fileName }
        entries = self.library.map { source in
            Entry(
                id: String(source.fileName.dropLast(4)), title: Self.titles(in: source.text),
                programme: source.text.contains("kf.programme"),
                source: installed.contains(source.fileName) ? "installed" : "shipped")
        }
    }

    /// The shipped exercises, and those in `folder` (which win over shipped ones of the
    /// same name).
    public static func load(extra folder: String? = nil) throws -> Catalog {
        var byName: [String: ExerciseSource] = [:]
        for source in try read(shippedFolder) { byName[source.fileName] = source }
        var installed: Set<String> = []
        if let folder {
            for source in try read(folder) {
                byName[source.fileName] = source
                installed.insert(source.fileName)
            }
        }
        return Catalog(library: Array(byName.values), installed: installed)
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

    public func source(_ id: String) -> ExerciseSource? { library.first { $0.fileName == "\(id).lua" } }

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
