import Foundation
import HTTPTypes
import Hummingbird
import KraftfeltEngine
import KraftfeltHost
import KraftfeltStore
import NIOCore

/// A follow-up code as a participant's phone shows it when their session ends.
struct FollowUpOffer: Codable, Sendable, Equatable {
    /// `7K2M-…`, as it is shown.
    var code: String
    var url: String
    /// The last second the code answers (seconds since 1970).
    var expiresAt: Int64
    var answered: Bool
}

/// The follow-up: a code for each participant when a session that asked for one ends
/// (`s:follow_up`), and weeks later the page where they answer with it.
///
/// - `GET /f` asks for a code; `GET /f/{code}` shows the goal they wrote and their earlier
///   answers, and the follow-up's questions; `POST /f/{code}` (a form) answers them, once.
/// - `GET /api/follow-up/{code}` and `POST /api/follow-up/{code}` (`{"answers": {…}}`) do
///   the same as JSON.
///
/// The code is the only key: the page shows no name, and nobody else's answers. A wrong
/// code counts against the client's allowance of failures.
extension WebServer {
    /// The follow-up code of one participant of a finished session, issued the first time
    /// it is asked for; nil when the session asked for no follow-up (or the store fails:
    /// the phone then shows none, and the next view tries again).
    func followUpOffer(_ runtime: SessionRuntime, participant: String) async -> FollowUpOffer? {
        guard let request = await runtime.followUpRequest() else { return nil }
        let code = credentials.followUpCode(session: runtime.id, participant: participant)
        let hash = Credentials.followUpHash(code.replacingOccurrences(of: "-", with: ""))
        do {
            var followUp = try host.store.followUp(codeHash: hash)
            if followUp == nil {
                let now = host.clock.wall() / 1000
                try host.store.issueFollowUps([
                    hash: FollowUp(
                        session: runtime.id, participant: participant, indicators: request.indicators,
                        issuedAt: now, expiresAt: now + Int64(request.days) * 86_400 - 1)
                ])
                followUp = try host.store.followUp(codeHash: hash)
            }
            guard let followUp else { return nil }
            return FollowUpOffer(
                code: code, url: configuration.baseURL + "/f/" + code, expiresAt: followUp.expiresAt,
                answered: followUp.usedAt != nil)
        } catch {
            logger.error("cannot issue a follow-up code in session \(runtime.id): \(error)")
            return nil
        }
    }

    func addFollowUpRoutes(to router: Router<ServerContext>) {
        router.get("f") { request, _ in
            let language = Self.language(request)
            if let typed = request.uri.queryParameters["code"].map(String.init), !typed.isEmpty {
                let digits = Credentials.normalisedFollowUpCode(typed) ?? "unknown"
                return Response(status: .seeOther, headers: [.location: "/f/\(digits)?lang=\(language)"])
            }
            return self.page("follow-up", ["page": "follow-up", "t": Labels.of(language), "entry": true])
        }
        router.get("f/:code") { request, context in
            let language = Self.language(request)
            let (status, page) = self.followUpPage(
                context.parameters.get("code") ?? "", language: language, client: context.clientKey)
            var response = self.page("follow-up", page)
            response.status = status
            return response
        }
        router.post("f/:code") { request, context in
            let language = Self.language(request)
            let typed = context.parameters.get("code") ?? ""
            let failure: String
            do {
                let found = try self.followUp(typed, client: context.clientKey)
                let body: ByteBuffer
                do { body = try await request.body.collect(upTo: self.configuration.maxBody) } catch {
                    throw APIError.tooLarge(self.configuration.maxBody)
                }
                let fields = FollowUpAnswers.formFields(String(buffer: body))
                let values = try FollowUpAnswers.values(fromForm: fields, asking: found.followUp.indicators)
                try self.answer(found, values)
                return Response(status: .seeOther, headers: [.location: "/f/\(found.digits)?lang=\(language)"])
            } catch let error as APIError {
                failure = Labels.of(language)["error." + error.code] ?? error.message
                var (status, page) = self.followUpPage(typed, language: language, client: nil)
                page["error"] = failure
                var response = self.page("follow-up", page)
                response.status =
                    error.status == .tooManyRequests ? error.status : status == .ok ? error.status : status
                return response
            }
        }
        let api = router.group("api")
        // A participant's own code, once their session has ended (the phone shows it too).
        api.get("sessions/:id/follow-up") { request, context in
            let id = try Self.id(context)
            let who = try self.participant(request, context, session: id)
            guard let runtime = try? self.host.runtime(id) else { throw APIError.unknownSession(id) }
            guard await runtime.followUpRequest() != nil else {
                throw APIError(.notFound, "no_follow_up", "this session has asked for no follow-up")
            }
            guard await runtime.sessionState() == .finished else {
                throw APIError(.conflict, "not_ended", "the follow-up code comes when the session has ended")
            }
            guard let offer = await self.followUpOffer(runtime, participant: who) else {
                throw APIError(.serviceUnavailable, "storage_unavailable", "the follow-up code cannot be issued now")
            }
            return try Self.json(offer)
        }
        api.get("follow-up/:code") { _, context in
            let found = try self.followUp(context.parameters.get("code") ?? "", client: context.clientKey)
            return try Self.json(try self.state(of: found))
        }
        api.post("follow-up/:code") { request, context in
            let found = try self.followUp(context.parameters.get("code") ?? "", client: context.clientKey)
            let body = try await self.decode(FollowUpAnswers.Body.self, request)
            try self.answer(found, body.answers)
            return try Self.json(try self.state(of: self.followUp(found.digits, client: nil)))
        }
    }

    // MARK: Finding and answering

    struct FoundFollowUp {
        var digits: String
        var hash: String
        var followUp: FollowUp
        var record: SessionRecord
    }

    /// The follow-up of a code as typed; a code that is no one's is 404 and counts as a
    /// failed attempt of `client` (429 after too many).
    func followUp(_ typed: String, client: String?) throws(APIError) -> FoundFollowUp {
        let unknown = APIError(
            .notFound, "unknown_follow_up",
            "this follow-up code is not known: check it, or ask your trainer for a new one")
        guard let digits = Credentials.normalisedFollowUpCode(typed) else {
            throw client.map { failed(client: $0, otherwise: unknown) } ?? unknown
        }
        let hash = Credentials.followUpHash(digits)
        do {
            guard let followUp = try host.store.followUp(codeHash: hash) else {
                throw client.map { failed(client: $0, otherwise: unknown) } ?? unknown
            }
            return FoundFollowUp(
                digits: digits, hash: hash, followUp: followUp, record: try host.store.session(followUp.session))
        } catch let error as APIError {
            throw error
        } catch let error as StoreError {
            throw APIError(KraftfeltError(error))
        } catch {
            throw APIError(.internalServerError, "broken", "\(error)")
        }
    }

    /// A failed attempt: 429 when the client has used up its allowance, else `error`.
    func failed(client: String, otherwise error: APIError) -> APIError {
        if let wait = failures.take(client) {
            return APIError(
                .tooManyRequests, "rate_limited", "too many failed attempts; wait \(wait) s", retryAfter: wait)
        }
        return error
    }

    /// Stores the answers of a follow-up, or refuses them all with the store's reason.
    func answer(_ found: FoundFollowUp, _ values: [String: FollowUpAnswers.Value]) throws(APIError) {
        if let wait = answers.take("follow-up/" + found.hash) {
            throw APIError(.tooManyRequests, "rate_limited", "too many answers; wait \(wait) s", retryAfter: wait)
        }
        let now = host.clock.wall()
        do {
            let mine = try host.store.measures(of: found.record.id).filter {
                $0.subject == .participant(found.followUp.participant)
            }
            let measures = FollowUpAnswers.measures(
                values, for: found.followUp, exercise: found.record.exercise, area: mine.lazy.compactMap(\.area).first,
                at: max(0, now - found.record.startedAt * 1000))
            try host.store.answerFollowUp(codeHash: found.hash, measures: measures, now: now / 1000)
        } catch {
            throw Self.refusal(error)
        }
    }

    static func refusal(_ error: StoreError) -> APIError {
        switch error.code {
        case .followUpUnknown:
            APIError(.notFound, "unknown_follow_up", error.message)
        case .followUpUsed:
            APIError(.conflict, "follow_up_used", error.message)
        case .followUpExpired:
            APIError(.gone, "follow_up_expired", error.message)
        case .invalid:
            APIError.invalid(error.message)
        default:
            APIError(KraftfeltError(error))
        }
    }

    // MARK: What the page and the API show

    /// A follow-up as the API shows it to the person with its code.
    struct FollowUpState: Encodable {
        var session: String
        var startedAt: Int64
        /// `open`, `answered` or `expired`.
        var status: String
        var expiresAt: Int64
        var answeredAt: Int64?
        var questions: [Indicator]
        /// What they answered in the session and at the follow-up, about themselves.
        var yours: [Yours]

        struct Yours: Encodable {
            var indicator: String
            var phase: String?
            var value: Double
            var text: String?
        }
    }

    func state(of found: FoundFollowUp) throws(APIError) -> FollowUpState {
        let followUp = found.followUp
        let status =
            followUp.usedAt != nil ? "answered" : host.clock.wall() / 1000 > followUp.expiresAt ? "expired" : "open"
        return FollowUpState(
            session: followUp.session, startedAt: found.record.startedAt, status: status,
            expiresAt: followUp.expiresAt, answeredAt: followUp.usedAt, questions: followUp.indicators,
            yours: try yours(found).map {
                FollowUpState.Yours(indicator: $0.name, phase: $0.phase?.rawValue, value: $0.value, text: $0.text)
            })
    }

    /// The measures about the code's participant, in the session and at its follow-up
    /// (ties are about two people, and left out).
    func yours(_ found: FoundFollowUp) throws(APIError) -> [Measure] {
        let who = MeasureSubject.participant(found.followUp.participant)
        do {
            let during = try host.store.measures(of: found.record.id)
            let after = try host.store.followUpMeasures(of: found.record.id)
            return (during + after).filter { $0.subject == who && $0.other == nil }
        } catch {
            throw APIError(KraftfeltError(error))
        }
    }

    /// The page of a code: its status, and the context of the `follow-up` template.
    func followUpPage(_ typed: String, language: String, client: String?) -> (HTTPResponse.Status, [String: Any]) {
        let words = Labels.of(language)
        var context: [String: Any] = ["page": "follow-up", "t": words, "other": language == "da" ? "en" : "da"]
        let found: FoundFollowUp
        let mine: [Measure]
        do {
            found = try followUp(typed, client: client)
            mine = try yours(found)
        } catch {
            context["entry"] = true
            context["error"] = words["error." + error.code] ?? error.message
            return (error.status, context)
        }
        let page = FollowUpPage(found: found, mine: mine, language: language, now: host.clock.wall() / 1000)
        let titles = Catalog.titles(in: found.record.definition.main.text)
        context.merge(page.context(title: titles[language] ?? titles["da"])) { $1 }
        context["action"] = "/f/\(found.digits)?lang=\(language)"
        context["code"] = Self.grouped(found.digits)
        return (page.expired ? .gone : .ok, context)
    }

    /// `7K2MQ…` as `7K2M-Q…`, in groups of four.
    static func grouped(_ digits: String) -> String {
        let characters = Array(digits)
        return stride(from: 0, to: characters.count, by: 4).map {
            String(characters[$0..<min($0 + 4, characters.count)])
        }.joined(separator: "-")
    }
}
