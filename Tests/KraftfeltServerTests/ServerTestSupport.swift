import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import KraftfeltEngine
import KraftfeltHost
import KraftfeltServer
import KraftfeltStore
import NIOCore
import Testing
import WSClient

/// A server on an in-memory store, with a trainer token of the default organisation.
struct Fixture: Sendable {
    let store: SQLiteStore
    let host: SessionHost
    let server: WebServer
    let token: String
    /// The sessions' clock: it moves only when a test moves it.
    let clock: ManualClock

    static let configuration = ServerConfiguration(host: "127.0.0.1", port: 0)

    init(configuration: ServerConfiguration = Fixture.configuration) throws {
        let store = try SQLiteStore.inMemory()
        self.store = store
        clock = ManualClock()
        host = SessionHost(store: store, clock: clock)
        server = try WebServer(host: host, configuration: configuration, catalog: try Catalog.load())
        token = try server.credentials.issueTrainerToken(for: "default")
    }

    /// Runs `body` with a client of the server's application, then shuts the host down.
    func run(_ setup: TestingSetup = .router, _ body: @Sendable (ServerClient) async throws -> Void) async throws {
        do {
            try await server.application().test(setup) { client in
                try await body(ServerClient(client: client, trainer: token))
            }
        } catch {
            await host.shutdown()
            throw error
        }
        await host.shutdown()
    }

    /// How many inputs the session's log holds.
    func events(_ id: String) throws -> Int { try store.events(of: id).count }
}

/// A response, its body as text.
struct Reply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    var contentType: String? { headers[.contentType] }
}

/// `{"error": {"code": …, "message": …}}`.
struct ErrorBody: Decodable, Equatable {
    struct Detail: Decodable, Equatable {
        var code: String
        var message: String
    }
    var error: Detail
}

struct Created: Decodable {
    var id: String
    var exercise: String
    var state: String
    var live: Bool
    var joinCode: String?
}

struct Joined: Decodable {
    var session: String
    var participant: String
    var token: String
}

struct JoinInfo: Decodable, Equatable {
    var session: String
    var code: String
    var title: String
    var areas: [String]
    var languages: [String]
    var phase: String
}

struct Receipt: Decodable {
    var event: Int
    var revision: Int
}

struct ActionResult: Decodable, Equatable {
    var action: String
    var revision: Int?
    var undone: String?
    var kept: Int?
    var dropped: [String]?
}

/// Checks a refusal: its status, its code and its message, in the API's error body.
func expectRefusal(
    _ reply: Reply, _ status: HTTPResponse.Status, _ code: String, _ message: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.contentType == "application/json; charset=utf-8", sourceLocation: sourceLocation)
    let body = try? reply.decode(ErrorBody.self)
    #expect(
        body == ErrorBody(error: .init(code: code, message: message)), "\(reply.text)", sourceLocation: sourceLocation)
}

/// JSON text of a value, for a request body.
func json(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
}

/// The test client with the API's requests spelled out.
struct ServerClient: Sendable {
    let client: any TestClientProtocol
    /// The default organisation's trainer token.
    let trainer: String

    func request(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil,
        contentType: String? = "application/json", headers: HTTPFields = [:]
    ) async throws -> Reply {
        var fields = headers
        if let token { fields[.authorization] = "Bearer " + token }
        if body != nil, let contentType { fields[.contentType] = contentType }
        let response = try await client.execute(
            uri: uri, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) })
        return Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    func get(_ uri: String, token: String? = nil, headers: HTTPFields = [:]) async throws -> Reply {
        try await request(.get, uri, token: token, headers: headers)
    }

    func post(_ uri: String, token: String? = nil, _ body: String, contentType: String? = "application/json")
        async throws -> Reply
    {
        try await request(.post, uri, token: token, body: body, contentType: contentType)
    }

    // MARK: The API's steps

    /// Creates a session as the default organisation's trainer.
    func create(
        _ exercise: String = "maaling", areas: [String] = ["Sundhed", "Skole"], language: String = "da",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (id: String, code: String) {
        struct Body: Encodable {
            var exercise: String
            var areas: [String]
            var language: String
        }
        let reply = try await post(
            "/api/sessions", token: trainer, json(Body(exercise: exercise, areas: areas, language: language)))
        #expect(reply.status == .created, "\(reply.text)", sourceLocation: sourceLocation)
        let created = try reply.decode(Created.self)
        return (created.id, try #require(created.joinCode, sourceLocation: sourceLocation))
    }

    func joinRequest(code: String, name: String, area: String = "Sundhed", language: String? = "da")
        async throws -> Reply
    {
        struct Body: Encodable {
            var code: String
            var name: String
            var area: String
            var language: String?
        }
        return try await post("/api/join", json(Body(code: code, name: name, area: area, language: language)))
    }

    func join(
        code: String, name: String, area: String = "Sundhed", sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Joined {
        let reply = try await joinRequest(code: code, name: name, area: area)
        #expect(reply.status == .created, "\(reply.text)", sourceLocation: sourceLocation)
        return try reply.decode(Joined.self)
    }

    func act(_ id: String, _ body: String, token: String? = nil) async throws -> Reply {
        try await post("/api/sessions/\(id)/actions", token: token ?? trainer, body)
    }

    func advance(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let reply = try await act(id, #"{"action":"advance"}"#)
        #expect(reply.status == .ok, "\(reply.text)", sourceLocation: sourceLocation)
    }

    func answer(_ id: String, token: String?, ask: Int, value: String) async throws -> Reply {
        try await post("/api/sessions/\(id)/answers", token: token, #"{"ask":\#(ask),"value":\#(value)}"#)
    }

    func participantView(_ id: String, token: String) async throws -> ParticipantView {
        let reply = try await get("/api/sessions/\(id)/participant", token: token)
        #expect(reply.status == .ok, "\(reply.text)")
        return try reply.decode(ParticipantView.self)
    }

    func console(_ id: String, token: String? = nil) async throws -> ConsoleView {
        let reply = try await get("/api/sessions/\(id)/console", token: token ?? trainer)
        #expect(reply.status == .ok, "\(reply.text)")
        return try reply.decode(ConsoleView.self)
    }

    /// The id of the first question open to a participant.
    func openQuestion(_ id: String, token: String, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> Int
    {
        try #require(try await participantView(id, token: token).questions.first?.id, sourceLocation: sourceLocation)
    }

    // MARK: WebSockets

    /// Opens a WebSocket to `path` on the live server and runs `body` with what arrives on
    /// it; when `body` returns, the socket is closed. Returns the server's close frame.
    @discardableResult
    func socket(
        _ path: String, origin: String? = nil, _ body: @escaping @Sendable (Inbox, SocketWriter) async throws -> Void
    ) async throws -> SocketClose? {
        try await RawWebSocket.run(port: try #require(client.port), path: path, origin: origin, body)
    }
}

struct Timeout: Error, CustomStringConvertible {
    var description: String { "no WebSocket message in time" }
}

/// What a WebSocket client received, in order, with bounded waits for the next.
actor Inbox {
    private var texts: [String] = []
    private var finished = false

    func add(_ text: String) { texts.append(text) }
    func finish() { finished = true }

    /// The next message, waiting at most `seconds`; nil when the socket closed first.
    func next(within seconds: Int = 10) async throws -> String? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while texts.isEmpty {
            if finished { return nil }
            guard ContinuousClock.now < deadline else { throw Timeout() }
            try await Task.sleep(for: .milliseconds(5))
        }
        return texts.removeFirst()
    }

    /// The next message as a JSON object.
    nonisolated func nextObject(within seconds: Int = 10) async throws -> [String: Any]? {
        guard let text = try await next(within: seconds) else { return nil }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    /// Messages until one of type "view" whose revision is above `revision`, waiting at
    /// most `seconds` in all; the views skipped on the way are returned before it.
    nonisolated func view(after revision: Int, within seconds: Int = 10) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            guard let message = try await nextObject(within: seconds) else { break }
            if message["type"] as? String == "view", let got = message["revision"] as? Int, got > revision {
                return message
            }
        }
        throw Timeout()
    }
}

/// Values a test's closures hand back, by name.
actor Collected<Value: Sendable> {
    private(set) var values: [String: Value] = [:]
    func set(_ name: String, _ value: Value) { values[name] = value }
}
