import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import KraftfeltEngine
import KraftfeltHost
import KraftfeltStore
import NIOCore
import Synchronization

extension WebServer {
    /// `GET /ws/sessions/{id}?view=participant|console|screen`: the client's first message
    /// is `{"token": "…", "revision": n, "data": true}`; then every new view of its screen
    /// arrives as `{"type": "view", "revision": …, "at": …, "html": "…"}`, with the view as
    /// data in `"view"` too when the client asked for it (`data`; the pages do not). A wrong token
    /// gets `{"type": "error", …}` and the socket closes.
    func addSocketRoute(to router: Router<ServerContext>) {
        router.ws("ws/sessions/:id") { request, context in
            let id = try Self.id(context)
            guard (try? self.host.runtime(id)) != nil else { throw APIError.unknownSession(id) }
            guard let view = request.uri.queryParameters["view"], ["participant", "console", "screen"].contains(view)
            else { throw APIError.invalid("'view' must be participant, console or screen") }
            if let origin = request.headers[.origin], !Self.sameOrigin(origin, request) {
                throw APIError(.forbidden, "forbidden", "a WebSocket from another site is refused")
            }
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                throw APIError(.upgradeRequired, "upgrade_required", "this address takes WebSocket connections only")
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let id = context.requestContext.parameters.get("id") ?? ""
            let view = context.request.uri.queryParameters["view"].map(String.init) ?? ""
            let client = context.requestContext.clientKey
            let push = Mutex<Task<Void, Never>?>(nil)
            // A client that does not say who it is within 10 seconds is let go.
            let deadline = Task {
                try? await Task.sleep(for: .seconds(10))
                if push.withLock({ $0 == nil }) && !Task.isCancelled {
                    try? await outbound.close(.policyViolation, reason: "no token")
                }
            }
            defer {
                deadline.cancel()
                push.withLock { $0?.cancel() }
            }
            for try await message in inbound.messages(maxSize: self.configuration.maxMessage) {
                guard push.withLock({ $0 == nil }) else { continue }
                let hello: API.Hello
                do {
                    guard case .text(let text) = message else {
                        throw APIError.invalid("the first message must be text")
                    }
                    hello = try JSONDecoder().decode(API.Hello.self, from: Data(text.utf8))
                } catch {
                    try await self.refuse(outbound, APIError.invalid("the first message must be {\"token\": \"…\"}"))
                    return
                }
                let subscription: (SessionRuntime, ViewKind)
                do {
                    subscription = try self.subscription(id: id, view: view, token: hello.token, client: client)
                } catch {
                    try await self.refuse(outbound, error as? APIError ?? .unauthorised)
                    return
                }
                let task = Task {
                    await self.send(
                        subscription.0, subscription.1, after: hello.revision, withData: hello.data ?? false,
                        to: outbound)
                }
                push.withLock { $0 = task }
            }
        }
    }

    private func subscription(id: String, view: String, token: String, client: String) throws(APIError)
        -> (SessionRuntime, ViewKind)
    {
        guard let runtime = try? host.runtime(id) else { throw APIError.unknownSession(id) }
        switch view {
        case "participant":
            guard let who = credentials.participant(ofToken: token, session: id) else { throw failed(client) }
            return (runtime, .participant(who))
        default:
            guard let organisation = try? credentials.organisation(ofTrainerToken: token) else { throw failed(client) }
            guard runtime.record.organisation == organisation else { throw APIError.unknownSession(id) }
            return (runtime, view == "console" ? .console : .screen)
        }
    }

    private func failed(_ client: String) -> APIError {
        if let wait = failures.take(client) {
            return APIError(
                .tooManyRequests, "rate_limited", "too many failed attempts; wait \(wait) s", retryAfter: wait)
        }
        return .unauthorised
    }

    private func refuse(_ outbound: WebSocketOutboundWriter, _ error: APIError) async throws {
        let body = try JSONEncoder().encode(["type": "error", "code": error.code, "message": error.message])
        try await outbound.write(.text(String(decoding: body, as: UTF8.self)))
        try await outbound.close(.policyViolation, reason: error.code)
    }

    /// Sends every new view of one screen, rendered, until the client goes or the session
    /// closes.
    private func send(
        _ runtime: SessionRuntime, _ kind: ViewKind, after revision: Int?, withData: Bool,
        to outbound: WebSocketOutboundWriter
    ) async {
        let language = runtime.record.definition.language
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let people = Pages.PeopleCache()
        for await view in runtime.updates(of: kind, after: revision) {
            let html: String
            let at: Int64
            switch view {
            case .participant(let participant):
                // The follow-up code is the person's own: it is added outside the cached page.
                let offer =
                    participant.phase == .finished
                    ? await followUpOffer(runtime, participant: participant.you.id) : nil
                html = pages.participant(participant, followUp: offer)
                at = participant.at
            case .screen(let screen):
                html = pages.screen(screen, language: language, joinURL: joinURL(screen.joinCode))
                at = screen.at
            case .console(let console):
                html = pages.console(
                    console, language: language, joinURL: joinURL(console.joinCode), session: runtime.id, cache: people)
                at = console.at
            }
            let push = API.Push(revision: view.revision, at: at, view: withData ? ViewBody(view) : nil, html: html)
            guard let data = try? encoder.encode(push) else { continue }
            do {
                try await outbound.writeTextMessage(String(decoding: data, as: UTF8.self))
            } catch {
                return
            }
        }
        try? await outbound.close(.normalClosure, reason: "the session is closed")
    }

    func joinURL(_ code: String) -> String { configuration.baseURL + "/j/" + code }

    /// True when a WebSocket's `Origin` is this server's: the same host and port (an
    /// origin without a port, as some non-browser clients send it, names the same host).
    static func sameOrigin(_ origin: String, _ request: Request) -> Bool {
        guard let host = request.head.authority else { return false }
        if origin == "http://" + host || origin == "https://" + host { return true }
        let hostname = host.split(separator: ":").first.map(String.init) ?? host
        return origin == "http://" + hostname || origin == "ws://" + hostname
    }
}
