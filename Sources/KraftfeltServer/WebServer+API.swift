import Foundation
import HTTPTypes
import Hummingbird
import KraftfeltEngine
import KraftfeltHost
import KraftfeltStore
import NIOCore

extension WebServer {
    func addAPIRoutes(to router: Router<ServerContext>) {
        let api = router.group("api")
        api.get("health") { _, _ in
            try Self.json(API.Health(status: "ok", sessions: self.host.list().filter(\.live).count))
        }

        // Participants
        api.get("join/:code") { _, context in
            let code = context.parameters.get("code") ?? ""
            guard let id = self.session(forCode: code), let runtime = try? self.host.runtime(id),
                case .screen(let screen)? = await runtime.view(.screen)
            else { throw APIError.unknownCode }
            return try Self.json(
                API.JoinInfo(
                    session: id, code: screen.joinCode, title: screen.title, areas: self.areas(of: id),
                    languages: ["da", "en"], phase: screen.phase.rawValue, anonymous: self.isAnonymous(id)))
        }
        api.post("join") { request, context in
            if let wait = self.joins.take(context.clientKey) {
                throw APIError(
                    .tooManyRequests, "rate_limited", "too many joins from here; wait \(wait) s", retryAfter: wait)
            }
            let body = try await self.decode(API.JoinRequest.self, request)
            return try await self.join(body)
        }
        api.get("sessions/:id/participant") { request, context in
            let id = try Self.id(context)
            let who = try self.participant(request, context, session: id)
            guard let runtime = try? self.host.runtime(id), let view = await runtime.view(.participant(who)) else {
                throw APIError.unknownSession(id)
            }
            return try Self.json(ViewBody(view))
        }
        api.post("sessions/:id/answers") { request, context in
            let id = try Self.id(context)
            let who = try self.participant(request, context, session: id)
            if let wait = self.answers.take(id + "/" + who) {
                throw APIError(.tooManyRequests, "rate_limited", "too many answers; wait \(wait) s", retryAfter: wait)
            }
            let body = try await self.decode(API.AnswerRequest.self, request)
            guard let runtime = try? self.host.runtime(id) else { throw APIError.unknownSession(id) }
            do {
                let receipt = try await runtime.submit(
                    .answer(ask: body.ask, participant: who, value: body.value.answer))
                return try Self.json(API.ReceiptBody(event: receipt.event, revision: receipt.revision))
            } catch {
                throw APIError(KraftfeltError.from(error))
            }
        }
        // "We're done": the group's timer ends early once everyone of it who is here said so.
        api.post("sessions/:id/done") { request, context in
            let id = try Self.id(context)
            let who = try self.participant(request, context, session: id)
            if let wait = self.answers.take(id + "/" + who) {
                throw APIError(.tooManyRequests, "rate_limited", "too many answers; wait \(wait) s", retryAfter: wait)
            }
            guard let runtime = try? self.host.runtime(id) else { throw APIError.unknownSession(id) }
            do {
                let receipt = try await runtime.submit(.saidDone(participant: who))
                return try Self.json(API.ReceiptBody(event: receipt.event, revision: receipt.revision))
            } catch {
                throw APIError(KraftfeltError.from(error))
            }
        }

        // Trainers
        api.get("exercises") { request, context in
            _ = try self.trainer(request, context)
            return try Self.json(self.catalog.entries)
        }
        api.get("sessions") { request, context in
            try Self.json(try await self.summaries(of: try self.trainer(request, context)))
        }
        api.post("sessions") { request, context in
            let organisation = try self.trainer(request, context)
            let body = try await self.decode(API.CreateSession.self, request)
            let runtime = try await self.create(body, organisation: organisation)
            var code: String?
            if case .screen(let screen)? = await runtime.view(.screen) { code = screen.joinCode }
            return try Self.json(
                API.SessionSummary(
                    id: runtime.id, exercise: runtime.record.exercise, state: await runtime.state(), live: true,
                    joinCode: code), status: .created)
        }
        for kind in ["console", "screen"] {
            api.get("sessions/:id/\(kind)") { request, context in
                let id = try Self.id(context)
                let runtime = try self.runtime(id, organisation: try self.trainer(request, context))
                guard let view = await runtime.view(kind == "console" ? .console : .screen) else {
                    throw APIError.unknownSession(id)
                }
                return try Self.json(ViewBody(view))
            }
        }
        api.post("sessions/:id/actions") { request, context in
            let id = try Self.id(context)
            let runtime = try self.runtime(id, organisation: try self.trainer(request, context))
            let body = try await self.decode(API.ActionRequest.self, request)
            return try Self.json(try await self.act(body, on: runtime))
        }
        api.get("sessions/:id/export") { request, context in
            let id = try Self.id(context)
            let runtime = try self.runtime(id, organisation: try self.trainer(request, context))
            let record = runtime.record
            let export = API.Export(
                id: record.id, exercise: record.exercise, organisation: record.organisation,
                state: await runtime.state(), seed: String(record.definition.seed),
                language: record.definition.language,
                events: await runtime.events(), measures: await runtime.measures(),
                transcript: await runtime.transcript())
            var response = try Self.json(export)
            response.headers[.contentDisposition] = "attachment; filename=\"kraftfelt-\(id).json\""
            return response
        }
        api.get("sessions/:id/transcript") { request, context in
            let id = try Self.id(context)
            let runtime = try self.runtime(id, organisation: try self.trainer(request, context))
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/plain; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"kraftfelt-\(id).txt\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: await runtime.transcript())))
        }
    }

    /// A join: the code names a session open here; name and area are checked; the person
    /// joins it and gets their token.
    func join(_ body: API.JoinRequest) async throws(APIError) -> Response {
        guard let id = session(forCode: body.code), let runtime = try? host.runtime(id) else {
            throw APIError.unknownCode
        }
        let anonymous = isAnonymous(id)
        var name = ""
        if !anonymous {
            guard let given = body.name else { throw APIError.invalid("'name' is missing") }
            name = given.trimmingCharacters(in: .whitespacesAndNewlines)
            guard Self.isPlainText(name, max: 60) else {
                throw APIError.invalid("'name' must have 1 to 60 characters without control characters")
            }
        }
        let areas = areas(of: id)
        let area = body.area.trimmingCharacters(in: .whitespacesAndNewlines)
        if areas.isEmpty {
            guard Self.isPlainText(area, max: 60) else {
                throw APIError.invalid("'area' must have 1 to 60 characters without control characters")
            }
        } else {
            guard areas.contains(area) else {
                throw APIError.invalid(
                    "'area' must be one of the session's areas (\(areas.joined(separator: ", "))), got \(APIError.shown(area))"
                )
            }
        }
        let language = body.language ?? "da"
        guard ["da", "en"].contains(language) else {
            throw APIError.invalid("'language' must be da or en, got \(APIError.shown(language))")
        }
        if case .screen(let screen)? = await runtime.view(.screen), screen.joined >= configuration.maxParticipants {
            throw APIError(.conflict, "full", "the session has \(configuration.maxParticipants) people, its most")
        }
        if anonymous {
            var joined = 0
            if case .screen(let screen)? = await runtime.view(.screen) { joined = screen.joined }
            name = pseudonym(in: id, joined: joined, language: runtime.record.definition.language)
        }
        let participant = Credentials.newParticipantID()
        do {
            _ = try await runtime.submit(
                .join(Participant(id: participant, name: name, area: area, language: language)))
        } catch {
            throw APIError(error)
        }
        let token = credentials.participantToken(session: id, participant: participant)
        do {
            return try Self.json(API.Joined(session: id, participant: participant, token: token), status: .created)
        } catch {
            throw APIError(.internalServerError, "broken", "\(error)")
        }
    }

    /// A trainer's action on a running session.
    func act(_ body: API.ActionRequest, on runtime: SessionRuntime) async throws(APIError) -> API.ActionResult {
        let action: TrainerAction
        switch body.action {
        case "step_back":
            do {
                let step = try await runtime.stepBack()
                return API.ActionResult(
                    action: "step_back", revision: nil, undone: step.undone.name, kept: step.kept,
                    dropped: step.dropped.map(\.reason))
            } catch {
                throw APIError(KraftfeltError.from(error))
            }
        case "advance": action = .advance
        case "extend":
            guard let timer = body.timer, let seconds = body.seconds else {
                throw APIError.invalid("'extend' needs 'timer' and 'seconds'")
            }
            action = .extend(timer: timer, seconds: seconds)
        case "skip":
            guard let timer = body.timer else { throw APIError.invalid("'skip' needs 'timer'") }
            action = .skip(timer: timer)
        case "remove":
            guard let participant = body.participant else { throw APIError.invalid("'remove' needs 'participant'") }
            action = .remove(participant: participant)
        case "end": action = .end(reason: nil)
        default:
            throw APIError.invalid(
                "'action' must be advance, extend, skip, remove, end or step_back, got \(APIError.shown(body.action))")
        }
        do {
            let receipt = try await runtime.submit(.trainer(action))
            return API.ActionResult(action: body.action, revision: receipt.revision)
        } catch {
            throw APIError(error)
        }
    }

    // MARK: Bodies

    /// A JSON body of at most `maxBody` bytes, as `T`; each way it can be wrong has its message.
    func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws(APIError) -> T {
        guard let contentType = request.headers[.contentType],
            contentType.lowercased().hasPrefix("application/json")
        else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "the body must be application/json")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: configuration.maxBody)
        } catch {
            throw APIError.tooLarge(configuration.maxBody)
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIError.invalid(Self.describe(error))
        } catch {
            throw APIError.invalid("the body is not valid JSON")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, _): return "'\(key.stringValue)' is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let name = path(context)
            return name.isEmpty ? "the body must be a JSON object" : "'\(name)' has the wrong type"
        case .dataCorrupted(let context):
            let name = path(context)
            return name.isEmpty ? "the body is not valid JSON" : "'\(name)': \(context.debugDescription)"
        @unknown default: return "the body is not valid JSON"
        }
    }

    static func id(_ context: ServerContext) throws(APIError) -> String {
        guard let id = context.parameters.get("id"), SessionID.isValid(id) else {
            throw APIError.unknownSession(context.parameters.get("id") ?? "")
        }
        return id
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A view as the API returns it: the view itself, without the enum's wrapper.
struct ViewBody: Encodable, Sendable {
    let view: SessionView
    init(_ view: SessionView) { self.view = view }

    func encode(to encoder: any Encoder) throws {
        switch view {
        case .participant(let view): try view.encode(to: encoder)
        case .screen(let view): try view.encode(to: encoder)
        case .console(let view): try view.encode(to: encoder)
        }
    }
}
