import Crypto
import Foundation
import KraftfeltEngine
import KraftfeltLua

/// Why an installed pack is trusted, or not: decided when it was installed, and kept.
public enum PackTrust: String, Codable, Hashable, Sendable {
    /// Signed by a key in the organisation's list of trusted keys.
    case signed
    /// The same files as a pack shipped with this Kraftfelt (`Plugins/`).
    case shipped
    /// Unsigned, or signed by a key nobody trusts, and installed because the trainer said
    /// `--allow-unsigned`: its scripts always run in a supervised worker process.
    case allowedUnsigned = "allowed-unsigned"
}

/// What `install` recorded about an installed pack: where it came from, who signed it, and
/// the decision to trust it or not.
public struct InstallRecord: Codable, Hashable, Sendable {
    public var id: String
    public var version: String
    /// The SHA-256 of the pack's index (which holds every file's SHA-256).
    public var hash: String
    public var trust: PackTrust
    /// The signer's public key (base64), when signed.
    public var signer: String?
    /// The name of the trusted key that matched the signer.
    public var trustedKey: String?
    /// The folder, archive or feed it was installed from.
    public var source: String
    /// When, and by which user (for `--allow-unsigned`: who decided).
    public var installedAt: String
    public var installedBy: String
}

/// A pack as installed: its archive (verified again when read) and its install record.
public struct InstalledPack: Sendable {
    public let archive: PackArchive
    public let record: InstallRecord

    public var manifest: PackManifest { archive.manifest }
    public var trusted: Bool { record.trust != .allowedUnsigned }
    /// `org.liberatingstructures.core 1.0.0`.
    public var named: String { "\(manifest.id) \(manifest.version)" }

    /// What a session of one of its exercises records.
    public var provenance: PackProvenance {
        PackProvenance(
            id: manifest.id, version: manifest.version.description, hash: record.hash, trusted: trusted,
            permissions: manifest.permissions, limits: limits,
            indicators: manifest.indicators.isEmpty ? nil : manifest.indicators.map(\.indicator))
    }

    /// The manifest's `[limits]`, each at most the host's own (nil when it sets none).
    public var limits: SandboxLimits? {
        let asked = manifest.limits
        guard asked.memoryMiB != nil || asked.seconds != nil || asked.instructions != nil else { return nil }
        let host = SandboxLimits.standard
        func lower<T: Comparable>(_ a: T?, _ b: T?) -> T? { [a, b].compactMap { $0 }.min() }
        return SandboxLimits(
            memoryBytes: lower(asked.memoryMiB.map { $0 << 20 }, host.memoryBytes),
            instructionsPerRun: lower(asked.instructions, host.instructionsPerRun),
            secondsPerRun: lower(asked.seconds, host.secondsPerRun))
    }
}

/// One exercise of an installed pack, ready for a session: the script, what it may
/// `require` (the pack's own scripts, and the modules its dependencies export under their
/// pack's id), and the pack it came from.
public struct PackExercise: Sendable {
    /// `org.liberatingstructures.core/1-2-4-all`.
    public let reference: String
    public let main: ExerciseSource
    public let library: [ExerciseSource]
    public let pack: InstalledPack

    public var provenance: PackProvenance { pack.provenance }
}

/// The packs installed in a folder (`packs/` in the data directory): each version in
/// `ID/VERSION/` as its archive and its install record, and the organisation's trusted keys
/// in `trusted-keys/NAME.pub`. Installs and removals are atomic: a pack's folder is made
/// beside the others and renamed into place, so a failure part-way leaves what was there.
public struct PackStore: Sendable {
    public let root: String

    static let archiveName = "pack.kfpack"
    static let recordName = "installed.json"
    static let keysFolder = "trusted-keys"

    public init(root: String) { self.root = root }

    // MARK: Reading

    /// Every installed pack, by id then version; a pack whose files were changed or lost
    /// since it was installed is a problem, named, and not offered.
    public func installed() -> (packs: [InstalledPack], problems: [String]) {
        var packs: [InstalledPack] = []
        var problems: [String] = []
        for id in entries(root).filter(PackManifest.isPackID) {
            let folder = path(id)
            let versions = entries(folder).compactMap(SemanticVersion.init).sorted()
            for version in versions {
                do throws(PackError) {
                    packs.append(try read(id: id, version: version.description))
                } catch {
                    problems.append(error.message)
                }
            }
        }
        return (packs, problems)
    }

    func read(id: String, version: String) throws(PackError) -> InstalledPack {
        let folder = path(id, version)
        let shown = "\(id) \(version)"
        guard let data = FileManager.default.contents(atPath: path(id, version, Self.archiveName)),
            let recordData = FileManager.default.contents(atPath: path(id, version, Self.recordName)),
            let record = try? JSONDecoder().decode(InstallRecord.self, from: recordData)
        else { throw PackError("\(shown): \(folder) is not a whole installed pack (install it again)") }
        let archive = try PackArchive.read(data, name: shown)
        guard archive.hash == record.hash, archive.index.id == id, archive.index.version == version else {
            throw PackError("\(shown): its files were changed after it was installed (install it again)")
        }
        return InstalledPack(archive: archive, record: record)
    }

    /// The installed pack an exercise reference names: `ID/EXERCISE` (the newest version of
    /// the pack) or `ID@VERSION/EXERCISE`.
    public func exercise(_ reference: String) throws(PackError) -> PackExercise {
        guard let slash = reference.firstIndex(of: "/") else {
            throw PackError(
                "\(VersionRange.quoted(reference)) does not name a pack's exercise, like "
                    + "org.liberatingstructures.core/1-2-4-all")
        }
        var id = String(reference[..<slash])
        let name = String(reference[reference.index(after: slash)...])
        var wanted: SemanticVersion? = nil
        if let at = id.firstIndex(of: "@") {
            let text = String(id[id.index(after: at)...])
            guard let version = SemanticVersion(text) else {
                throw PackError("\(VersionRange.quoted(text)) is not a version, like 1.0.0")
            }
            wanted = version
            id = String(id[..<at])
        }
        let packs = installed().packs
        let versions = packs.filter { $0.manifest.id == id }
        guard !versions.isEmpty else {
            let guess = HostOptions.nearest(id, in: Array(Set(packs.map(\.manifest.id))))
            throw PackError(
                "no pack \(VersionRange.quoted(id)) is installed"
                    + (guess.map { " (did you mean \($0)?)" } ?? " (kraftfelt pack list shows what is)"))
        }
        let chosen: InstalledPack
        if let wanted {
            guard let pack = versions.first(where: { $0.manifest.version == wanted }) else {
                let shown = versions.map(\.manifest.version.description).joined(separator: ", ")
                throw PackError("\(id) \(wanted) is not installed (installed: \(shown))")
            }
            chosen = pack
        } else {
            chosen = versions.max { $0.manifest.version < $1.manifest.version }!
        }
        return try exercise(name, of: chosen, among: packs)
    }

    /// Every exercise of the newest installed version of each pack.
    public func exercises() -> [PackExercise] {
        let packs = installed().packs
        var newest: [String: InstalledPack] = [:]
        for pack in packs where (newest[pack.manifest.id]?.manifest.version).map({ $0 < pack.manifest.version }) ?? true
        {
            newest[pack.manifest.id] = pack
        }
        return newest.keys.sorted().flatMap { id -> [PackExercise] in
            let pack = newest[id]!
            return pack.manifest.exercises.compactMap { path in
                let name = String((path as NSString).lastPathComponent.dropLast(4))
                return try? exercise(name, of: pack, among: packs)
            }
        }
    }

    func exercise(_ name: String, of pack: InstalledPack, among packs: [InstalledPack]) throws(PackError)
        -> PackExercise
    {
        let (exercises, modules) = try pack.archive.scripts(name: pack.named)
        guard let main = exercises.first(where: { $0.fileName == name + ".lua" }) else {
            let names = exercises.map { String($0.fileName.dropLast(4)) }
            let guess = HostOptions.nearest(name, in: names).map { "did you mean \($0)? " } ?? ""
            throw PackError(
                "\(pack.named) has no exercise \(VersionRange.quoted(name)) (\(guess)its exercises are "
                    + "\(names.joined(separator: ", ")))")
        }
        var theirs: [(PackManifest, [ExerciseSource])] = []
        for other in packs where other.manifest != pack.manifest {
            theirs.append((other.manifest, try other.archive.scripts(name: other.named).modules))
        }
        let library = exercises + modules + (try Self.exported(to: pack.manifest, by: theirs))
        return PackExercise(
            reference: "\(pack.manifest.id)/\(name)", main: main, library: library, pack: pack)
    }

    /// The modules `manifest`'s dependencies export, as they resolve among `packs`, each
    /// named by its pack: `org.liberatingstructures.core.rounds.lua`, which a script
    /// requires as `require "org.liberatingstructures.core.rounds"`.
    public static func exported(to manifest: PackManifest, by packs: [(PackManifest, [ExerciseSource])])
        throws(PackError) -> [ExerciseSource]
    {
        var library: [ExerciseSource] = []
        for dependency in try PackResolver.dependencies(of: manifest, among: packs.map(\.0)) {
            guard let modules = packs.first(where: { $0.0 == dependency })?.1 else { continue }
            for module in modules where dependency.exports.contains(String(module.fileName.dropLast(4))) {
                library.append(ExerciseSource(fileName: dependency.id + "." + module.fileName, text: module.text))
            }
        }
        return library
    }

    // MARK: Trusted keys

    /// The organisation's trusted keys, by name.
    public func trustedKeys() throws(PackError) -> [(name: String, key: Curve25519.Signing.PublicKey)] {
        let folder = path(Self.keysFolder)
        return try entries(folder).filter { $0.hasSuffix(".pub") }.sorted().map { file throws(PackError) in
            let shown = (folder as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: shown) else {
                throw PackError("\(shown): cannot read the key")
            }
            return (
                String(file.dropLast(4)), try PackKeys.publicKey(String(decoding: data, as: UTF8.self), file: shown)
            )
        }
    }

    /// Adds a public key to the trusted ones, under a name (`hr-kommune`).
    public func trust(_ text: String, file: String, as name: String) throws(PackError) {
        guard PackManifest.isModuleName(name), !name.isEmpty else {
            throw PackError(
                "a trusted key's name is letters, digits, '-' and '_', like hr-kommune; got \(VersionRange.quoted(name))"
            )
        }
        let key = try PackKeys.publicKey(text, file: file)
        for (other, known) in try trustedKeys() {
            if known.rawRepresentation == key.rawRepresentation {
                throw PackError("\(file): that key is trusted already, as \(other)")
            }
            if other == name { throw PackError("a key called \(name) is trusted already; give another --name") }
        }
        let line = "kraftfelt-pack-public-key " + key.rawRepresentation.base64EncodedString() + "\n"
        try write(Data(line.utf8), to: path(Self.keysFolder, name + ".pub"))
    }

    /// Takes a key off the trusted ones. Packs it signed stay installed, as they were
    /// trusted when installed.
    public func untrust(_ name: String) throws(PackError) {
        let file = path(Self.keysFolder, name + ".pub")
        guard PackManifest.isModuleName(name), FileManager.default.fileExists(atPath: file) else {
            let names = ((try? trustedKeys()) ?? []).map(\.name)
            throw PackError(
                "no trusted key is called \(VersionRange.quoted(name))"
                    + (names.isEmpty
                        ? " (none are trusted)" : " (the trusted keys are \(names.joined(separator: ", ")))"))
        }
        do { try FileManager.default.removeItem(atPath: file) } catch {
            throw PackError("\(file): cannot remove it: \(error.localizedDescription)")
        }
    }

    // MARK: Installing

    /// Installs packs (with the packs they depend on given alongside, or installed already):
    /// every archive is verified, its trust decided, and every dependency, conflict and
    /// cycle checked before anything is written; then each is put in place. A pack that
    /// is installed already with the same files is left as it is.
    /// - Returns: the packs installed now, and those that were there already.
    @discardableResult
    public func install(
        _ archives: [PackArchive], from source: String, allowUnsigned: Bool, user: String = PackStore.user,
        now: Date = Date()
    ) throws(PackError) -> (installed: [InstallRecord], already: [String]) {
        let (present, problems) = installed()
        if let problem = problems.first { throw PackError("the installed packs are not whole: \(problem)") }
        var fresh: [PackArchive] = []
        var already: [String] = []
        for archive in archives {
            let named = "\(archive.index.id) \(archive.index.version)"
            if let there = present.first(where: {
                $0.manifest.id == archive.index.id && $0.manifest.version.description == archive.index.version
            }) {
                guard there.record.hash == archive.hash else {
                    throw PackError(
                        "\(named) is installed already with other files: a changed pack needs a new version "
                            + "(or kraftfelt pack remove \(archive.index.id)@\(archive.index.version) first)")
                }
                already.append(named)
            } else if !fresh.contains(where: { $0.hash == archive.hash }) {
                if fresh.contains(where: {
                    $0.index.id == archive.index.id && $0.index.version == archive.index.version
                }) {
                    throw PackError("\(named) is given twice, with different files")
                }
                fresh.append(archive)
            }
        }
        try PackResolver.check(fresh.map(\.manifest), installed: present.map(\.manifest))
        for archive in fresh { try Self.checkScripts(of: archive) }
        let keys = try trustedKeys()
        var records: [InstallRecord] = []
        for archive in fresh {
            let named = "\(archive.index.id) \(archive.index.version)"
            let signer = try archive.verifiedSigner(name: named)
            let trustedKey = signer.flatMap { signer in
                keys.first { $0.key.rawRepresentation == signer.rawRepresentation }?.name
            }
            let trust: PackTrust
            if trustedKey != nil {
                trust = .signed
            } else if ShippedPacks.hashes[named] == archive.hash {
                trust = .shipped
            } else if allowUnsigned {
                trust = .allowedUnsigned
            } else if let signer {
                throw PackError(
                    "\(named) is signed by a key you do not trust (\(signer.rawRepresentation.base64EncodedString())): "
                        + "trust its public key with kraftfelt pack trust add KEY.pub, or say --allow-unsigned to "
                        + "install it untrusted (its scripts then run in a supervised worker process)")
            } else {
                throw PackError(
                    "\(named) is not signed: install packs signed by a key you trust, or say --allow-unsigned to "
                        + "install it untrusted (its scripts then run in a supervised worker process)")
            }
            records.append(
                InstallRecord(
                    id: archive.index.id, version: archive.index.version, hash: archive.hash, trust: trust,
                    signer: signer?.rawRepresentation.base64EncodedString(), trustedKey: trustedKey, source: source,
                    installedAt: ISO8601DateFormatter().string(from: now), installedBy: user))
        }
        try put(Array(zip(fresh, records)))
        return (records, already)
    }

    /// Refuses a pack whose scripts do not load: the first error, with its file and line.
    static func checkScripts(of archive: PackArchive) throws(PackError) {
        let named = "\(archive.index.id) \(archive.index.version)"
        let (exercises, _) = try archive.scripts(name: named)
        let paths = archive.index.files.map(\.path)
        for source in exercises {
            let path = paths.first { ($0 as NSString).lastPathComponent == source.fileName } ?? source.fileName
            let errors = ScriptCheck.check(source.text, fileName: source.fileName).filter { $0.severity == .error }
            if let first = errors.first {
                let place = first.line.map { "\(path):\($0):\(first.column ?? 1)" } ?? path
                throw PackError("\(named): \(place): \(first.message) (kraftfelt pack check shows every mistake)")
            }
        }
    }

    /// Writes each pack into a staging folder, then renames each into place; when one
    /// cannot be put in place, those already moved are taken out again.
    private func put(_ packs: [(PackArchive, InstallRecord)]) throws(PackError) {
        guard !packs.isEmpty else { return }
        let staging = path(".staging-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for (archive, record) in packs {
            let folder = (staging as NSString).appendingPathComponent("\(record.id)@\(record.version)")
            try write(archive.data(), to: (folder as NSString).appendingPathComponent(Self.archiveName))
            try write(
                (try? encoder.encode(record)) ?? Data(),
                to: (folder as NSString).appendingPathComponent(Self.recordName))
        }
        var moved: [String] = []
        var made: [String] = []
        for (_, record) in packs {
            let from = (staging as NSString).appendingPathComponent("\(record.id)@\(record.version)")
            let to = path(record.id, record.version)
            do {
                if !FileManager.default.fileExists(atPath: path(record.id)) {
                    try FileManager.default.createDirectory(atPath: path(record.id), withIntermediateDirectories: true)
                    made.append(path(record.id))
                }
                try FileManager.default.moveItem(atPath: from, toPath: to)
                moved.append(to)
            } catch {
                for folder in moved + made { try? FileManager.default.removeItem(atPath: folder) }
                throw PackError(
                    "\(record.id) \(record.version): cannot install it in \(to): \(Self.reason(error)); nothing was "
                        + "installed")
            }
        }
    }

    // MARK: Removing

    /// Removes an installed version, or the only version of a pack; refused while another
    /// installed pack needs it and no other version would do.
    @discardableResult
    public func remove(_ id: String, version: SemanticVersion?) throws(PackError) -> String {
        let packs = installed().packs
        let versions = packs.filter { $0.manifest.id == id }
        guard !versions.isEmpty else { throw PackError("no pack \(VersionRange.quoted(id)) is installed") }
        let pack: InstalledPack
        if let version {
            guard let found = versions.first(where: { $0.manifest.version == version }) else {
                let shown = versions.map(\.manifest.version.description).joined(separator: ", ")
                throw PackError("\(id) \(version) is not installed (installed: \(shown))")
            }
            pack = found
        } else {
            guard versions.count == 1 else {
                let shown = versions.map(\.manifest.version.description).joined(separator: ", ")
                throw PackError(
                    "\(id) has \(versions.count) versions installed (\(shown)): say which, like "
                        + "\(id)@\(versions[0].manifest.version)")
            }
            pack = versions[0]
        }
        let rest = packs.filter { $0.manifest != pack.manifest }.map(\.manifest)
        for other in rest {
            guard let range = other.dependencies[id] else { continue }
            if !rest.contains(where: { $0.id == id && range.contains($0.version) }) {
                throw PackError(
                    "\(pack.named) is needed by \(other.id) \(other.version) (\(id) \(range)): remove that first")
            }
        }
        let folder = path(id, pack.manifest.version.description)
        let trash = path(".removing-" + UUID().uuidString)
        do {
            try FileManager.default.moveItem(atPath: folder, toPath: trash)
        } catch {
            throw PackError("\(pack.named): cannot remove \(folder): \(Self.reason(error))")
        }
        try? FileManager.default.removeItem(atPath: trash)
        if entries(path(id)).isEmpty { try? FileManager.default.removeItem(atPath: path(id)) }
        return pack.named
    }

    // MARK: Files

    /// The user a decision is recorded for.
    public static var user: String { ProcessInfo.processInfo.environment["USER"] ?? NSUserName() }

    func path(_ parts: String...) -> String {
        parts.reduce(root) { ($0 as NSString).appendingPathComponent($1) }
    }

    func entries(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    func write(_ data: Data, to file: String) throws(PackError) {
        do {
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw PackError("\(file): cannot write it: \(Self.reason(error))")
        }
    }

    static func reason(_ error: any Error) -> String {
        let text = (error as NSError).localizedFailureReason ?? error.localizedDescription
        return text.isEmpty ? "\(error)" : text
    }
}
