import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A pack the server publishes in its feed: another organisation's
/// `kraftfelt pack install --from URL ID` reads it, and verifies it as it would a file.
public struct PublishedPack: Sendable {
    /// What the feed's index says of it.
    public struct Entry: Codable, Hashable, Sendable {
        public var id: String
        public var version: String
        /// The SHA-256 of the pack's index, as `kraftfelt pack list` shows it.
        public var sha256: String
        /// The signer's public key (base64).
        public var signer: String
        public var bytes: Int
        /// Where the archive is, relative to the server: `/packs/ID/VERSION.kfpack`.
        public var url: String
    }

    public var entry: Entry
    public var archive: Data

    public init(id: String, version: String, sha256: String, signer: String, archive: Data) {
        entry = Entry(
            id: id, version: version, sha256: sha256, signer: signer, bytes: archive.count,
            url: "/packs/\(id)/\(version).kfpack")
        self.archive = archive
    }
}

/// The feed's index: `GET /packs/index.json`.
public struct PackFeedIndex: Codable, Hashable, Sendable {
    public var kraftfeltFeed: Int
    public var packs: [PublishedPack.Entry]

    enum CodingKeys: String, CodingKey {
        case kraftfeltFeed = "kraftfelt-feed"
        case packs
    }

    public init(packs: [PublishedPack.Entry]) {
        kraftfeltFeed = 1
        self.packs = packs
    }
}

extension WebServer {
    /// `GET /packs/index.json` and `GET /packs/ID/VERSION.kfpack`, when the server publishes
    /// packs (`kraftfelt serve --publish-packs`); the packs are read at each request, so one
    /// installed while the server runs is published at once.
    func addFeedRoutes(to router: Router<ServerContext>) {
        guard let published = feed else { return }
        router.get("packs/index.json") { _, _ in
            try Self.json(PackFeedIndex(packs: published().map(\.entry)))
        }
        router.get("packs/:id/:file") { _, context in
            let id = context.parameters.get("id") ?? ""
            let file = context.parameters.get("file") ?? ""
            guard let pack = published().first(where: { $0.entry.url == "/packs/\(id)/\(file)" }) else {
                throw APIError(.notFound, "unknown_pack", "this server publishes no pack at /packs/\(id)/\(file)")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/vnd.kraftfelt.pack+json"],
                body: .init(byteBuffer: ByteBuffer(bytes: pack.archive)))
        }
    }
}
