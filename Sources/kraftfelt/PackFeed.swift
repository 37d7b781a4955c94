import Foundation
import KraftfeltPacks
import KraftfeltServer
import KraftfeltStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Reads another organisation's pack feed (`kraftfelt serve --publish-packs`): the index,
/// then the archives a request and its dependencies need. What comes over the network is
/// untrusted: every archive must match the hash the index gives, and is then verified as a
/// file would be (`PackStore.install`).
enum PackFeedClient {
    /// The most packs one install fetches, and the most an index may have.
    static let packLimit = 50
    static let indexLimit = 1 << 20

    /// `ID` or `ID@RANGE` (`org.liberatingstructures.core@^1.0`).
    static func request(_ text: String) throws(PackError) -> (id: String, range: VersionRange) {
        let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
        guard let id = parts.first, PackManifest.isPackID(id) else {
            throw PackError(
                "\(SessionID.shown(text)) does not name a pack: give ID or ID@RANGE, like "
                    + "org.liberatingstructures.core@^1.0")
        }
        return (id, try VersionRange(parts.count == 2 ? parts[1] : "*"))
    }

    /// The archives to install for `requests`: for each, the newest version in the feed
    /// that its range allows, with the dependencies that are not installed already.
    static func archives(from base: String, for requests: [String], installed: [PackManifest]) throws(PackError)
        -> [PackArchive]
    {
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard let url = URL(string: root + "/packs/index.json"), ["http", "https"].contains(url.scheme ?? "") else {
            throw PackError("\(SessionID.shown(base)) is not a feed's address: give http://HOST:PORT or https://…")
        }
        let index: PackFeedIndex
        do {
            index = try JSONDecoder().decode(PackFeedIndex.self, from: try get(url, limit: indexLimit))
        } catch let error as PackError {
            throw error
        } catch {
            throw PackError("\(url): not a Kraftfelt pack feed (kraftfelt serve --publish-packs publishes one)")
        }
        guard index.kraftfeltFeed == 1, index.packs.count <= 1000 else {
            throw PackError("\(url): a feed of format \(index.kraftfeltFeed), which this Kraftfelt does not read (1)")
        }
        var wanted = try requests.map { text throws(PackError) in try request(text) }
        var chosen: [PackArchive] = []
        while let (id, range) = wanted.first {
            wanted.removeFirst()
            if chosen.contains(where: { $0.manifest.id == id && range.contains($0.manifest.version) }) { continue }
            let offered = index.packs.filter { $0.id == id }
            guard
                let entry = offered.compactMap({ entry in SemanticVersion(entry.version).map { (entry, $0) } })
                    .filter({ range.contains($0.1) }).max(by: { $0.1 < $1.1 })?.0
            else {
                let versions = offered.map(\.version).joined(separator: ", ")
                throw PackError(
                    "\(root) has no \(id) \(range)" + (offered.isEmpty ? "" : " (it has \(versions))"))
            }
            guard chosen.count < packLimit else { throw PackError("\(root): more than \(packLimit) packs to install") }
            // The archive's address is made here, never taken from the feed.
            guard let archiveURL = URL(string: "\(root)/packs/\(entry.id)/\(entry.version).kfpack") else { continue }
            let name = "\(entry.id) \(entry.version) from \(root)"
            let archive = try PackArchive.read(try get(archiveURL, limit: PackArchive.limit), name: name)
            guard archive.hash == entry.sha256, archive.index.id == entry.id, archive.index.version == entry.version
            else {
                throw PackError("\(name): the archive does not match the feed's index (sha256 \(entry.sha256))")
            }
            chosen.append(archive)
            for (dependency, needed) in archive.manifest.dependencies.sorted(by: { $0.key < $1.key }) {
                let have = (installed + chosen.map(\.manifest)).contains {
                    $0.id == dependency && needed.contains($0.version)
                }
                if !have { wanted.append((dependency, needed)) }
            }
        }
        return chosen
    }

    /// One GET, at most `limit` bytes, within 30 seconds.
    static func get(_ url: URL, limit: Int) throws(PackError) -> Data {
        var built = URLRequest(url: url, timeoutInterval: 30)
        built.setValue("kraftfelt", forHTTPHeaderField: "User-Agent")
        let request = built
        let answer: (Data, URLResponse)
        do {
            answer = try blocking { try await URLSession.shared.data(for: request) }
        } catch {
            throw PackError("\(url): cannot fetch it: \(error.localizedDescription)")
        }
        guard let http = answer.1 as? HTTPURLResponse else { throw PackError("\(url): not an HTTP answer") }
        guard http.statusCode == 200 else { throw PackError("\(url): the server answered \(http.statusCode)") }
        guard answer.0.count <= limit else {
            throw PackError("\(url): the answer has \(answer.0.count) bytes; at most \(limit)")
        }
        return answer.0
    }
}
