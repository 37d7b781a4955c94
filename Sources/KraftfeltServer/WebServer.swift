import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import KraftfeltEngine
import KraftfeltHost
import KraftfeltStore
import Logging
import NIOCore
import Synchronization

/// `kraftfelt serve`: the participant page, the trainer console and the beamer screen,
/// and the JSON API behind them, on a ``SessionHost``. Pages are rendered here from
/// Mustache templates; a WebSocket per screen carries each new view as data and as HTML.
public final class WebServer: Sendable {
    public let host: SessionHost
    public let configuration: ServerConfiguration
    public let credentials: Credentials
    public let catalog: Catalog
    /// The packs the server publishes as a feed, read at each request (nil: no feed).
    let feed: (@Sendable () -> [PublishedPack])?
    let pages: Pages
    /// Join codes of the sessions this server runs.
    private let codes = Mutex<[String: String]>([:])
    /// The last pseudonym number of each anonymous session.
    private let pseudonyms = Mutex<[String: Int]>([:])
    let joins: RateLimiter
    let answers: RateLimiter
    let failures: RateLimiter
    let logger: Logger

    public init(
        host: SessionHost, configuration: ServerConfiguration = .init(), catalog: Catalog,
        feed: (@Sendable () -> [PublishedPack])? = nil
    ) throws {
        self.host = host
        self.configuration = configuration
        self.catalog = catalog
        self.feed = feed
        credentials = try Credentials(store: host.store)
        pages = try Pages()
        joins = RateLimiter(burst: configuration.joinBurst, perSecond: configuration.joinsPerSecond)
        answers = RateLimiter(burst: configuration.answerBurst, perSecond: configuration.answersPerSecond)
        failures = RateLimiter(burst: configuration.failureBurst, perSecond: configuration.failuresPerSecond)
        var logger = Logger(label: "kraftfelt")
        logger.logLevel = .notice
        self.logger = logger
    }

    // MARK: Sessions and codes

    /// Resumes the sessions that were live when the server last stopped, and learns their
    /// join codes.
    public func resumeSessions() async -> (resumed: [String], failed: [(id: String, error: KraftfeltError)]) {
        let result = host.resumeLive()
        for id in result.resumed { await learnCode(of: id) }
        return result
    }

    func learnCode(of id: String) async {
        guard let runtime = try? host.runtime(id), case .screen(let view)? = await runtime.view(.screen) else { return }
        codes.withLock { $0[view.joinCode] = id }
    }

    func session(forCode code: String) -> String? {
        codes.withLock { $0[code.uppercased().filter { !$0.isWhitespace && $0 != "-" }] }
    }

    /// Whether a session is anonymous: it takes no names (see ``pseudonym(in:joined:language:)``).
    func isAnonymous(_ id: String) -> Bool {
        (try? host.store.serverValue("anonymous:" + id)) == "1"
    }

    /// The name an anonymous session gives the next person: "Deltager 4", "Participant 4",
    /// numbered in the order they joined (never twice in this server, even at once).
    func pseudonym(in id: String, joined: Int, language: String) -> String {
        let number = pseudonyms.withLock { numbers -> Int in
            let next = max(numbers[id] ?? 0, joined) + 1
            numbers[id] = next
            return next
        }
        return (language == "en" ? "Participant " : "Deltager ") + String(number)
    }

    /// The areas people choose from when they join a session.
    func areas(of id: String) -> [String] {
        guard let text = try? host.store.serverValue("areas:" + id), let data = text.data(using: .utf8) else {
            return []
        }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }

    /// A session this organisation's trainer may see, running here.
    func runtime(_ id: String, organisation: String) throws(APIError) -> SessionRuntime {
        guard let runtime = try? host.runtime(id), runtime.record.organisation == organisation else {
            throw APIError.unknownSession(id)
        }
        return runtime
    }

    /// Creates and starts a session for a trainer.
    func create(_ request: API.CreateSession, organisation: String) async throws(APIError) -> SessionRuntime {
        let main: ExerciseSource
        let name: String
        var library = catalog.library
        var pack: PackProvenance? = nil
        switch (request.exercise, request.script) {
        case (let id?, nil) where catalog.pack(id) != nil:
            let offer = catalog.pack(id)!
            (main, library, pack, name) = (offer.main, offer.library, offer.pack, id)
        case (let id?, nil):
            guard let source = catalog.source(id) else {
                let known = catalog.entries.map(\.id).joined(separator: ", ")
                throw APIError.invalid("no exercise \(APIError.shown(id)); there are: \(known)")
            }
            main = source
            name = id
        case (nil, let script?):
            // Its size is bounded by the body's (`maxBody`, 64 KB by default).
            main = ExerciseSource(fileName: "script.lua", text: script)
            name = "script"
        case (nil, nil):
            throw APIError.invalid("give 'exercise' (an id) or 'script' (a Lua text)")
        default:
            throw APIError.invalid("give 'exercise' (an id) or 'script' (a Lua text), not both")
        }
        let language = request.language ?? "da"
        guard ["da", "en"].contains(language) else {
            throw APIError.invalid("'language' must be da or en, got \(APIError.shown(language))")
        }
        let areas = try Self.checkAreas(request.areas ?? [])
        let parameters = request.parameters ?? [:]
        guard parameters.count <= 64,
            parameters.allSatisfy({ Self.isName($0.key) && $0.value.utf8.count <= 4096 })
        else {
            throw APIError.invalid(
                "'parameters' maps at most 64 names (letters, digits, '_') to texts of at most 4096 bytes")
        }
        let id = SessionHost.newID()
        if !areas.isEmpty, let data = try? JSONEncoder().encode(areas) {
            do { try host.store.setServerValue("areas:" + id, String(decoding: data, as: UTF8.self)) } catch {
                throw APIError(KraftfeltError(error))
            }
        }
        if request.anonymous == true {
            do { try host.store.setServerValue("anonymous:" + id, "1") } catch {
                try? host.store.setServerValue("areas:" + id, nil)
                throw APIError(KraftfeltError(error))
            }
        }
        let runtime: SessionRuntime
        do {
            let definition = SessionDefinition(
                main: main, library: library, seed: request.seed ?? UInt64.random(in: 1...UInt64.max),
                startedAt: host.clock.wall() / 1000, language: language, pack: pack)
            runtime = try await host.create(
                SessionRecord(id: id, exercise: name, definition: definition, organisation: organisation),
                parameters: parameters)
        } catch {
            try? host.store.setServerValue("areas:" + id, nil)
            try? host.store.setServerValue("anonymous:" + id, nil)
            throw APIError(error)
        }
        // A script that does not load, or a parameter it refuses, ends the session at its
        // start: the trainer is told why, and no failed session is left behind.
        if case .failed(let error) = await runtime.sessionState() {
            await host.stop(id)
            try? host.store.deleteSession(id)
            try? host.store.setServerValue("areas:" + id, nil)
            try? host.store.setServerValue("anonymous:" + id, nil)
            throw APIError.invalid("the session could not start: \(error.message)")
        }
        await learnCode(of: id)
        return runtime
    }

    static func checkAreas(_ areas: [String]) throws(APIError) -> [String] {
        let cleaned = areas.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        guard cleaned.count <= 50, cleaned.allSatisfy({ isPlainText($0, max: 60) }) else {
            throw APIError.invalid("'areas' lists at most 50 areas of 1 to 60 characters without control characters")
        }
        guard Set(cleaned).count == cleaned.count else { throw APIError.invalid("'areas' lists an area twice") }
        return cleaned
    }

    static func isPlainText(_ text: String, max: Int) -> Bool {
        (1...max).contains(text.count) && text.utf8.count <= max * 4
            && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first), name.utf8.count <= 64 else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
    }

    // MARK: The application

    /// The HTTP and WebSocket application, for `serve` and for tests.
    public func application(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: ServerContext.self)
        router.add(middleware: SecurityHeaders())
        addAPIRoutes(to: router)
        addPageRoutes(to: router)
        addSocketRoute(to: router)
        addFeedRoutes(to: router)
        addFollowUpRoutes(to: router)
        addReportRoutes(to: router)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: .init(ws: .init(maxFrameSize: configuration.maxMessage))),
            // A room of phones that scan the QR code at once connects in a burst: a long
            // queue of pending connections (the kernel caps it at net.core.somaxconn).
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "kraftfelt",
                backlog: 4096),
            onServerRunning: onServerRunning,
            logger: logger)
    }

    // MARK: Authentication

    /// The organisation of the trainer token in the request; a wrong or missing one is
    /// 401 (and counts against the client's allowance of failures).
    func trainer(_ request: Request, _ context: ServerContext) throws(APIError) -> String {
        guard let token = Self.bearer(request), let organisation = try? credentials.organisation(ofTrainerToken: token)
        else { throw failed(context) }
        return organisation
    }

    /// The participant of the token in the request, in session `id`.
    func participant(_ request: Request, _ context: ServerContext, session id: String) throws(APIError) -> String {
        guard let token = Self.bearer(request), let who = credentials.participant(ofToken: token, session: id) else {
            throw failed(context)
        }
        return who
    }

    func failed(_ context: ServerContext) -> APIError {
        if let wait = failures.take(context.clientKey) {
            return APIError(
                .tooManyRequests, "rate_limited", "too many failed attempts; wait \(wait) s", retryAfter: wait)
        }
        return .unauthorised
    }

    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }
}

extension WebServer {
    /// The session `serve` has ready on start: the organisation's live session of the seed's
    /// workshop, or a new one (nil when the catalog lacks it).
    public func readySession(for organisation: String, areas: [String]) async throws -> (id: String, code: String)? {
        for summary in try await summaries(of: organisation)
        where summary.live && summary.exercise == "netvaerksorganisering" {
            if let code = summary.joinCode { return (summary.id, code) }
        }
        guard catalog.source("netvaerksorganisering") != nil else { return nil }
        let runtime = try await create(
            API.CreateSession(exercise: "netvaerksorganisering", areas: areas), organisation: organisation)
        guard case .screen(let screen)? = await runtime.view(.screen) else { return nil }
        return (runtime.id, screen.joinCode)
    }
}
