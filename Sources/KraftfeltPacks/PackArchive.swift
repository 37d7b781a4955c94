import Crypto
import Foundation
import KraftfeltEngine

/// One file a pack can be shared as (`ID-VERSION.kfpack`): a JSON document with an index
/// of every file's SHA-256, the files, and optionally an Ed25519 signature of the index.
/// It is read without being unpacked anywhere, so it cannot hold links, write outside a
/// folder or expand beyond its own size.
public struct PackArchive: Sendable {
    /// What the signature covers: the pack, its version, and each file's hash and size.
    public struct Index: Codable, Hashable, Sendable {
        public struct Entry: Codable, Hashable, Sendable {
            public var path: String
            public var sha256: String
            public var bytes: Int
        }
        public var id: String
        public var version: String
        public var files: [Entry]
    }

    public struct Signature: Codable, Hashable, Sendable {
        /// The signer's public key (32 bytes, base64).
        public var key: String
        /// Ed25519 over the index as JSON with sorted keys (base64).
        public var signature: String
    }

    struct Document: Codable {
        var format: Int
        var index: Index
        var files: [String: String]
        var signature: Signature?

        enum CodingKeys: String, CodingKey {
            case format = "kraftfelt-pack", index, files, signature
        }
    }

    public var index: Index
    /// The files' contents by path.
    public var files: [String: Data]
    public var signature: Signature?
    public let manifest: PackManifest

    /// The most an archive may have.
    public static let limit = 48 << 20

    /// The archive of a pack's folder: every file, hashed.
    public static func build(_ pack: PackFolder) throws(PackError) -> PackArchive {
        var files: [String: Data] = [:]
        var entries: [Index.Entry] = []
        for path in pack.files {
            guard let data = FileManager.default.contents(atPath: (pack.path as NSString).appendingPathComponent(path))
            else { throw PackError("\(path): cannot read the file") }
            files[path] = data
            entries.append(Index.Entry(path: path, sha256: Self.hash(data), bytes: data.count))
        }
        let index = Index(id: pack.manifest.id, version: pack.manifest.version.description, files: entries)
        return PackArchive(index: index, files: files, signature: nil, manifest: pack.manifest)
    }

    /// The archive as a file's bytes: the same pack always gives the same bytes.
    public func data() -> Data {
        let document = Document(
            format: 1, index: index, files: files.mapValues { $0.base64EncodedString() }, signature: signature)
        return Self.canonical(document)
    }

    /// Reads an archive. A file that is not one, a path outside the pack, a file that does
    /// not match its hash (changed after it was built), or a manifest that does not match
    /// the index is a `PackError`; nothing is written anywhere.
    public static func read(_ data: Data, name: String) throws(PackError) -> PackArchive {
        guard data.count <= limit else {
            throw PackError("\(name): the archive has \(data.count) bytes; at most \(limit)")
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw PackError("\(name): not a Kraftfelt pack archive (kraftfelt pack build makes them)")
        }
        guard document.format == 1 else {
            throw PackError("\(name): the archive's format \(document.format) is newer than this Kraftfelt reads (1)")
        }
        var files: [String: Data] = [:]
        let listed = Set(document.index.files.map(\.path))
        guard listed.count == document.index.files.count else {
            throw PackError("\(name): the index names a file twice")
        }
        for path in document.files.keys.sorted() where !listed.contains(path) {
            throw PackError("\(name): \(VersionRange.quoted(path)) is in the archive but not in its index")
        }
        for entry in document.index.files {
            guard isInside(entry.path) else {
                throw PackError(
                    "\(name): \(VersionRange.quoted(entry.path)) is not a path inside a pack (no '..', no leading '/', "
                        + "no '\\')")
            }
            guard let text = document.files[entry.path], let content = Data(base64Encoded: text) else {
                throw PackError("\(name): \(entry.path) is in the index but not in the archive")
            }
            guard content.count == entry.bytes, hash(content) == entry.sha256 else {
                throw PackError(
                    "\(name): \(entry.path) does not match its hash in the index (the archive was changed after it "
                        + "was built)")
            }
            files[entry.path] = content
        }
        guard let manifestData = files[PackManifest.fileName],
            let manifestText = String(validating: manifestData, as: UTF8.self)
        else { throw PackError("\(name): the archive has no \(PackManifest.fileName)") }
        let manifest = try PackManifest.parse(manifestText)
        guard manifest.id == document.index.id, manifest.version.description == document.index.version else {
            throw PackError(
                "\(name): the index says \(document.index.id) \(document.index.version), the manifest "
                    + "\(manifest.id) \(manifest.version)")
        }
        return PackArchive(index: document.index, files: files, signature: document.signature, manifest: manifest)
    }

    /// The pack's exercises and modules, as `PackFolder` has them.
    public func scripts(name: String) throws(PackError) -> (exercises: [ExerciseSource], modules: [ExerciseSource]) {
        var texts: [String: String] = [:]
        for (path, data) in files where path.hasSuffix(".lua") {
            guard data.count <= PackFolder.fileLimit else {
                throw PackError("\(name): \(path) has \(data.count) bytes; at most \(PackFolder.fileLimit)")
            }
            guard let text = String(validating: data, as: UTF8.self) else {
                throw PackError("\(name): \(path) is not UTF-8 text")
            }
            texts[path] = text
        }
        return try PackFolder.scripts(of: manifest, texts: texts, shown: name)
    }

    /// The SHA-256 of the index, which holds every file's: the pack's content hash.
    public var hash: String { Self.hash(signedBytes()) }

    /// A relative path of non-empty parts, none `.` or `..`, without a backslash or a NUL.
    static func isInside(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return !path.isEmpty && path.utf8.count <= 500 && !path.hasPrefix("/") && !path.contains("\\")
            && !path.contains("\0") && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    static func hash(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// The bytes the signature covers.
    func signedBytes() -> Data {
        Self.canonical(index)
    }

    /// JSON with sorted keys: the same value always gives the same bytes.
    static func canonical(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data()
    }

    /// Signs the index with an Ed25519 key.
    public mutating func sign(with key: Curve25519.Signing.PrivateKey) throws(PackError) {
        do {
            let signature = try key.signature(for: signedBytes())
            self.signature = Signature(
                key: key.publicKey.rawRepresentation.base64EncodedString(),
                signature: signature.base64EncodedString())
        } catch {
            throw PackError("cannot sign the pack: \(error)")
        }
    }

    /// Who signed it, checked: the signer's public key when the signature is right, nil
    /// when there is none; a signature that does not match is a `PackError`.
    public func verifiedSigner(name: String) throws(PackError) -> Curve25519.Signing.PublicKey? {
        guard let signature else { return nil }
        guard let raw = Data(base64Encoded: signature.key),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
            let bytes = Data(base64Encoded: signature.signature)
        else { throw PackError("\(name): the signature is not an Ed25519 signature") }
        guard key.isValidSignature(bytes, for: signedBytes()) else {
            throw PackError("\(name): the signature does not match the pack (it was changed after it was signed)")
        }
        return key
    }
}

/// Ed25519 keys as files: a private key (`NAME.key`, kept secret) and its public key
/// (`NAME.pub`, given to the organisations that trust it), each one line: a label that
/// says which it is, then the key's 32 bytes in base64.
public enum PackKeys {
    static let privateLabel = "kraftfelt-pack-private-key "
    static let publicLabel = "kraftfelt-pack-public-key "

    /// A new key pair, as the two files' lines.
    public static func generate() -> (private: String, public: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (
            privateLabel + key.rawRepresentation.base64EncodedString(),
            publicLabel + key.publicKey.rawRepresentation.base64EncodedString()
        )
    }

    public static func privateKey(_ text: String, file: String) throws(PackError) -> Curve25519.Signing.PrivateKey {
        let raw = try decode(
            text, file: file, label: privateLabel, kind: "private",
            other: (publicLabel, "a public key; signing takes the private key (NAME.key)"))
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw PackError("\(file): not a private key (kraftfelt pack keygen makes them)")
        }
        return key
    }

    public static func publicKey(_ text: String, file: String) throws(PackError) -> Curve25519.Signing.PublicKey {
        let raw = try decode(
            text, file: file, label: publicLabel, kind: "public",
            other: (privateLabel, "a private key, which must stay secret; trust the public key (NAME.pub)"))
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw PackError("\(file): not a public key (kraftfelt pack keygen makes them)")
        }
        return key
    }

    /// The key bytes of a key file's line with `label`; the other kind's label is named.
    static func decode(_ text: String, file: String, label: String, kind: String, other: (String, String))
        throws(PackError) -> Data
    {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix(other.0) { throw PackError("\(file): \(other.1)") }
        guard line.hasPrefix(label), let raw = Data(base64Encoded: String(line.dropFirst(label.count))) else {
            throw PackError("\(file): not a \(kind) key (kraftfelt pack keygen makes them)")
        }
        return raw
    }
}
