import Foundation
import KraftfeltEngine

/// A pack as a folder: its manifest and the Lua files it names, read without running any.
public struct PackFolder: Sendable {
    public let path: String
    public let manifest: PackManifest
    /// The exercises the manifest names, and every other `.lua` file of the pack (its
    /// modules), by their path inside the pack.
    public let exercises: [ExerciseSource]
    public let modules: [ExerciseSource]
    /// Every file of the pack (the manifest, scripts, locales, assets), by path inside it.
    public let files: [String]

    /// The most a pack's Lua file may have.
    public static let fileLimit = 1 << 20
    /// The most files a pack may have, and their bytes together.
    public static let fileCount = 500
    public static let totalLimit = 32 << 20

    /// Reads a pack's folder. A missing manifest, a file the manifest names that is not
    /// there, a link, or a file that is too large or not UTF-8 is a `PackError` naming it.
    public static func load(_ path: String) throws(PackError) -> PackFolder {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw PackError("\(path): no such folder (a pack is a folder with \(PackManifest.fileName))")
        }
        let manifestPath = (path as NSString).appendingPathComponent(PackManifest.fileName)
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw PackError("\(path): the folder has no \(PackManifest.fileName), so it is not a pack")
        }
        let manifestText = try read(manifestPath, shown: PackManifest.fileName, limit: 256 * 1024)
        let manifest = try PackManifest.parse(manifestText)
        let all = try regularFiles(in: path)
        var texts: [String: String] = [:]
        for name in all where name.hasSuffix(".lua") {
            texts[name] = try read((path as NSString).appendingPathComponent(name), shown: name, limit: fileLimit)
        }
        let (exercises, modules) = try scripts(of: manifest, texts: texts, shown: path)
        return PackFolder(
            path: path, manifest: manifest, exercises: exercises, modules: modules, files: all.sorted())
    }

    /// A pack's exercises (those its manifest names) and modules (its other `.lua` files),
    /// named by their file's name; `texts` holds every `.lua` file by its path in the pack.
    static func scripts(of manifest: PackManifest, texts: [String: String], shown: String) throws(PackError)
        -> (exercises: [ExerciseSource], modules: [ExerciseSource])
    {
        var exercises: [ExerciseSource] = []
        for name in manifest.exercises {
            guard let text = texts[name] else {
                throw PackError("\(PackManifest.fileName): 'exercises' names \(name), which is not in the pack")
            }
            exercises.append(ExerciseSource(fileName: (name as NSString).lastPathComponent, text: text))
        }
        let modules = texts.keys.sorted().filter { !manifest.exercises.contains($0) && !isTest($0) }.map {
            ExerciseSource(fileName: ($0 as NSString).lastPathComponent, text: texts[$0]!)
        }
        let names = (exercises + modules).map(\.fileName)
        if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw PackError("\(shown): two Lua files are called \(twice); a script's name must be unique in its pack")
        }
        for name in manifest.exports where !modules.contains(where: { $0.fileName == name + ".lua" }) {
            throw PackError(
                "\(PackManifest.fileName): 'exports' names \(name), but the pack has no module \(name).lua "
                    + "(only modules can be exported, not exercises)")
        }
        return (exercises, modules)
    }

    /// A test file of the pack (`tests/*.lua`), which `kraftfelt pack test` runs; it is
    /// neither an exercise nor a module.
    public static func isTest(_ path: String) -> Bool { path.hasPrefix("tests/") }

    /// The pack's test files (`tests/*.lua`), by path inside it.
    public var tests: [ExerciseSource] {
        files.filter { Self.isTest($0) && $0.hasSuffix(".lua") }.compactMap { name in
            (try? Self.read((path as NSString).appendingPathComponent(name), shown: name, limit: Self.fileLimit)).map {
                ExerciseSource(fileName: name, text: $0)
            }
        }
    }

    /// The pack's files, by path inside it; links and oversized packs are refused.
    static func regularFiles(in path: String) throws(PackError) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            throw PackError("\(path): cannot read the folder")
        }
        var files: [String] = []
        var count = 0
        var total = 0
        while let name = walker.nextObject() as? String {
            let full = (path as NSString).appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: full) else {
                throw PackError("\(name): cannot read the file")
            }
            let type = attributes[.type] as? FileAttributeType
            if type == .typeSymbolicLink {
                throw PackError("\(name): a pack cannot hold links; copy the file into the pack instead")
            }
            guard type == .typeRegular else { continue }
            count += 1
            total += attributes[.size] as? Int ?? 0
            guard count <= fileCount else { throw PackError("\(path): a pack can have at most \(fileCount) files") }
            guard total <= totalLimit else {
                throw PackError("\(path): a pack's files can have at most \(totalLimit) bytes together")
            }
            files.append(name)
        }
        return files
    }

    static func read(_ path: String, shown: String, limit: Int) throws(PackError) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw PackError("\(shown): cannot read the file")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw PackError("\(shown): not a regular file (a pack cannot hold links)")
        }
        if let size = attributes[.size] as? Int, size > limit {
            throw PackError("\(shown): the file has \(size) bytes; at most \(limit)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackError("\(shown): cannot read the file")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw PackError("\(shown): the file is not UTF-8 text")
        }
        return text
    }
}
