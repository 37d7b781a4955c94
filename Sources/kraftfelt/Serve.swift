import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltPacks
import KraftfeltServer
import KraftfeltStore

/// `kraftfelt serve`: the web server for a workshop: phones join with a code, the beamer
/// shows the exercise, the trainer steers from the console.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the web server: participants' phones, the trainer's console and the beamer.",
        discussion: """
            Listens on 127.0.0.1:8080 (only this machine); --lan opens it to phones on the local \
            network. Prints the trainer's link, with a secret token, and has the seed's workshop \
            ready to run. Ctrl-C stops it; every session resumes at the next start.
            """
    )

    @OptionGroup var data: DataOptions

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port: Int = 8080

    @Flag(help: "Listen on every network interface, so phones on the same network can join.")
    var lan = false

    @Option(help: "The address phones use, for links and QR codes (default: this machine's).")
    var publicURL: String?

    @Option(help: "The organisation the trainer's link belongs to.")
    var organisation: String = SessionRecord.defaultOrganisation

    @Option(help: "A folder of more exercises (.lua) to offer besides the shipped ones.")
    var exercises: String?

    @OptionGroup var packs: PackLocation

    @Flag(
        help: """
            Publish the installed packs signed by a trusted key as a feed (/packs/index.json), for \
            other organisations' kraftfelt pack install --from URL.
            """)
    var publishPacks = false

    @Option(help: "The areas people choose from when they join the ready session (comma-separated).")
    var areas: String = "Sundhed,Skole,Kultur,Teknik og miljø"

    @Flag(
        help: "Run every session's scripts in a supervised worker process of its own (an untrusted pack's always are).")
    var isolate = false

    @Option(help: "Joins allowed from one address at once (then --joins-per-second).")
    var joinBurst: Double = 30

    @Option(help: "Joins allowed from one address per second.")
    var joinsPerSecond: Double = 5

    @Flag(help: "Do not create the seed's workshop on start.")
    var noReadySession = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
        try Inputs.organisation(organisation)
        if let exercises { try Inputs.path(exercises, option: "--exercises") }
        guard joinBurst >= 1, joinsPerSecond > 0 else {
            throw ValidationError("--join-burst must be at least 1 and --joins-per-second above 0")
        }
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) {
            throw ValidationError("--public-url must start with http:// or https://, got \(SessionID.shown(publicURL))")
        }
    }

    func run() throws {
        let store = try data.open(.readWrite)
        // An untrusted pack's sessions run in workers whether or not --isolate is given.
        let sessionHost = SessionHost(
            store: store,
            configuration: .init(
                modules: TestingModule.modules, workers: isolate ? .thisBinary : nil, untrustedWorkers: .thisBinary))
        let listen = lan && host == "127.0.0.1" ? "0.0.0.0" : host
        var advertised = publicURL
        if advertised == nil, lan, let address = WebServer.localNetworkAddress() {
            advertised = "http://\(address):\(port)"
        }
        let packStore = packs.store(dataDirectory: data.databaseURL == nil ? data.resolved : nil)
        let (_, problems) = packStore.installed()
        for problem in problems { Terminal.line("warning: a pack is not offered: \(problem)") }
        let offers = packStore.exercises().map {
            Catalog.PackOffer(id: $0.reference, main: $0.main, library: $0.library, pack: $0.provenance)
        }
        let catalog: Catalog
        do { catalog = try Catalog.load(extra: exercises, packs: offers) } catch {
            throw CLIError("cannot read the exercises: \(Inputs.reason(error))")
        }
        var feed: (@Sendable () -> [PublishedPack])? = nil
        if publishPacks { feed = { Self.published(in: packStore) } }
        let server = try WebServer(
            host: sessionHost,
            configuration: ServerConfiguration(
                host: listen, port: port, publicURL: advertised, joinBurst: joinBurst, joinsPerSecond: joinsPerSecond),
            catalog: catalog, feed: feed)
        let token = try server.credentials.issueTrainerToken(for: organisation)
        let organisation = organisation
        let ready = !noReadySession
        let areas = areas.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        try blocking {
            let (_, failed) = await server.resumeSessions()
            for failure in failed {
                Terminal.line("warning: session \(failure.id) was not resumed: \(failure.error.message)")
            }
            var line: String?
            if ready, let session = try await server.readySession(for: organisation, areas: areas) {
                line =
                    "the seed's workshop is ready: join code \(session.code), beamer \(server.configuration.baseURL)/screen/\(session.id)"
            }
            let readyLine = line
            try await server.run {
                let base = server.configuration.baseURL
                var lines = [
                    "Kraftfelt is running on \(base) (data: \(data.location))",
                    "trainer: \(base)/console#token=\(token)", "phones:  \(base)/",
                ]
                if let readyLine { lines.append(readyLine) }
                // Written at once, unbuffered: scripts wait for these lines.
                let text = lines.map { Terminal.safe($0) + "\n" }.joined()
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }

    /// The installed packs signed by a key the organisation trusts, as the feed publishes them.
    static func published(in store: PackStore) -> [PublishedPack] {
        store.installed().packs.compactMap { pack in
            guard pack.record.trust == .signed, let signer = pack.record.signer else { return nil }
            return PublishedPack(
                id: pack.manifest.id, version: pack.manifest.version.description, sha256: pack.record.hash,
                signer: signer, archive: pack.archive.data())
        }
    }
}
