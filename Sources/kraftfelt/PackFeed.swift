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
    static func archives(
        from base: String, for requests: [String], installed: [PackManifest], seconds: Double = Self.seconds
    ) throws(PackError) -> [PackArchive] {
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard let url = URL(string: root + "/packs/index.json"), ["http", "https"].contains(url.scheme ?? "") else {
            throw PackError("\(SessionID.shown(base)) is not a feed's address: give http://HOST:PORT or https://…")
        }
        let index: PackFeedIndex
        do {
            index = try JSONDecoder().decode(
                PackFeedIndex.self, from: try get(url, limit: indexLimit, seconds: seconds))
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
            let archive = try PackArchive.read(
                try get(archiveURL, limit: PackArchive.limit, seconds: seconds), name: name)
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

    /// The longest one GET may take, from asking to its last byte.
    static let seconds = 120.0

    /// One GET of at most `limit` bytes within `seconds`. The answer is counted as it comes
    /// and the GET is given up as soon as it has more (a server that says its size is refused
    /// before any of it comes), so a hostile feed can neither fill the memory nor hold the
    /// install by sending slowly.
    static func get(_ url: URL, limit: Int, seconds: Double = Self.seconds) throws(PackError) -> Data {
        var request = URLRequest(url: url, timeoutInterval: min(30, seconds))
        request.setValue("kraftfelt", forHTTPHeaderField: "User-Agent")
        let download = LimitedDownload(limit: limit)
        let session = URLSession(configuration: .ephemeral, delegate: download, delegateQueue: nil)
        // Not waited for: a transfer given up may still have callbacks queued behind it.
        defer { DispatchQueue.global().async { session.invalidateAndCancel() } }
        let task = session.dataTask(with: request)
        task.resume()
        guard download.done.wait(timeout: .now() + seconds) == .success else {
            task.cancel()
            throw PackError("\(url): no whole answer within \(Int(seconds)) seconds")
        }
        let (data, response, failure) = download.outcome
        if let failure {
            switch failure {
            case .tooLarge: throw PackError("\(url): the answer has more than \(limit) bytes, the most it may have")
            case .failed(let message): throw PackError("\(url): cannot fetch it: \(message)")
            }
        }
        guard let http = response as? HTTPURLResponse else { throw PackError("\(url): not an HTTP answer") }
        guard http.statusCode == 200 else { throw PackError("\(url): the server answered \(http.statusCode)") }
        return data
    }
}

/// A GET's answer, taken as it comes and given up past its limit.
///
/// `@unchecked Sendable` is safe: URLSession calls the delegate methods one at a time on
/// its own queue, every field is read and written under `lock`, and `outcome` is read
/// after `done` is signalled.
private final class LimitedDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum Failure {
        case tooLarge
        case failed(String)
    }

    let limit: Int
    /// Signalled once: when the answer is whole, failed, or given up. A GET given up returns
    /// at once, however long the transfer takes to wind down after its cancel.
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var data = Data()
    private var response: URLResponse?
    private var failure: Failure?
    private var finished = false

    init(limit: Int) { self.limit = limit }

    var outcome: (Data, URLResponse?, Failure?) { lock.withLock { (data, response, failure) } }

    /// Ends the GET (once) with `failure`, if it has none yet.
    private func finish(_ failure: Failure? = nil) {
        let first = lock.withLock { () -> Bool in
            if self.failure == nil, let failure { self.failure = failure }
            defer { finished = true }
            return !finished
        }
        if first { done.signal() }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        lock.withLock { self.response = response }
        guard response.expectedContentLength <= Int64(limit) else {
            finish(.tooLarge)
            completionHandler(.cancel)
            dataTask.cancel()
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = lock.withLock { () -> Bool in
            guard !finished else { return true }
            guard self.data.count + data.count <= limit else { return true }
            self.data.append(data)
            return false
        }
        if over {
            finish(.tooLarge)
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        finish(error.map { .failed($0.localizedDescription) })
    }
}
