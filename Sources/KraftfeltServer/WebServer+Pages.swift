import Foundation
import HTTPTypes
import Hummingbird
import KraftfeltEngine
import KraftfeltHost
import KraftfeltStore
import NIOCore

extension WebServer {
    func addPageRoutes(to router: Router<ServerContext>) {
        router.get("/") { request, _ in
            let language = Self.language(request)
            let code = request.uri.queryParameters["code"].map(String.init) ?? ""
            return self.page(
                "home",
                [
                    "page": "home", "t": Labels.of(language), "other": language == "da" ? "en" : "da",
                    "unknown": request.uri.queryParameters["unknown"] != nil, "code": String(code.prefix(12)),
                ])
        }
        router.get("j") { request, _ in
            let code = request.uri.queryParameters["code"].map(String.init) ?? ""
            let cleaned = code.uppercased().filter { $0.isLetter || $0.isNumber }.prefix(12)
            return Response(status: .seeOther, headers: [.location: "/j/\(cleaned)"])
        }
        router.get("j/:code") { request, context in
            let language = Self.language(request)
            let code = context.parameters.get("code") ?? ""
            guard let id = self.session(forCode: code), let runtime = try? self.host.runtime(id),
                case .screen(let screen)? = await runtime.view(.screen)
            else {
                var response = self.page(
                    "home",
                    [
                        "page": "home", "t": Labels.of(language), "other": language == "da" ? "en" : "da",
                        "unknown": true, "code": String(code.prefix(12)),
                    ])
                response.status = .notFound
                return response
            }
            let areas = self.areas(of: id)
            return self.page(
                "join",
                [
                    "page": "join", "t": Labels.of(language), "title": screen.title, "code": screen.joinCode,
                    "session": id, "areas": areas, "hasAreas": !areas.isEmpty, language: true,
                    "anonymous": self.isAnonymous(id), "errorWords": Labels.phoneErrorWords(language),
                ])
        }
        router.get("p/:id") { request, context in
            let id = try Self.id(context)
            let language = Self.language(request)
            return self.page(
                "participant-page",
                [
                    "page": "participant", "session": id, "t": Labels.of(language),
                    "errorWords": Labels.phoneErrorWords(language),
                ])
        }
        router.get("console") { request, _ in
            let language = Self.language(request)
            let exercises = self.catalog.entries.map {
                [
                    "id": $0.id,
                    "title": ($0.title[language] ?? $0.title["da"] ?? $0.id) + ($0.pack.map { " (\($0))" } ?? ""),
                    "selected": $0.id == "netvaerksorganisering",
                ] as [String: Any]
            }
            return self.page(
                "console-home",
                [
                    "page": "console-home", "t": Labels.of(language), "exercises": exercises,
                    "errorWords": Labels.consoleErrors(language),
                ])
        }
        router.get("console/sessions") { request, context in
            let organisation = try self.trainer(request, context)
            let language = Self.language(request)
            let sessions = try await self.summaries(of: organisation).map {
                let (state, why) = Labels.state($0.state, language)
                let entry = self.catalog.entries.first { [exercise = $0.exercise] in $0.id == exercise }
                var row: [String: Any] = [
                    "id": $0.id, "exercise": entry.flatMap { $0.title[language] ?? $0.title["da"] } ?? $0.exercise,
                    "state": state, "live": $0.live, "joinCode": $0.joinCode ?? "",
                ]
                if let why { row["why"] = why }  // Mustache shows a section for an empty text too
                if let status = self.followUpStatus($0.id, language) { row["followUp"] = status }
                return row
            }
            return self.page("console-sessions", ["sessions": sessions, "t": Labels.of(language)])
        }
        for (path, name) in [("console/:id", "console"), ("screen/:id", "screen")] {
            router.get(RouterPath(path)) { request, context in
                let id = try Self.id(context)
                return self.page(
                    name + "-page", ["page": name, "session": id, "t": Labels.of(Self.language(request))])
            }
        }
        router.get("static/kraftfelt.css") { _, _ in
            Self.asset(self.pages.styles, type: "text/css; charset=utf-8")
        }
        router.get("static/kraftfelt.js") { _, _ in
            Self.asset(self.pages.script, type: "text/javascript; charset=utf-8")
        }
    }

    /// How a session's follow-up goes, for the console's list: how many codes were given and
    /// how many have answered, and until when the codes answer (nil without a follow-up).
    func followUpStatus(_ session: String, _ language: String) -> String? {
        guard let codes = try? host.store.followUps(of: session), let last = codes.map(\.expiresAt).max() else {
            return nil
        }
        let day = Days.text(last, language: language)
        let words = Labels.of(language)["followUpStatus"] ?? ""
        return words.replacingOccurrences(of: "%a", with: String(codes.filter { $0.usedAt != nil }.count))
            .replacingOccurrences(of: "%n", with: String(codes.count)).replacingOccurrences(of: "%day", with: day)
    }

    func summaries(of organisation: String) async throws -> [API.SessionSummary] {
        var summaries: [API.SessionSummary] = []
        for summary in try host.list() where summary.organisation == organisation {
            var code: String?
            if summary.live, let runtime = try? host.runtime(summary.id),
                case .screen(let screen)? = await runtime.view(.screen)
            {
                code = screen.joinCode
            }
            summaries.append(
                API.SessionSummary(
                    id: summary.id, exercise: summary.exercise, state: summary.state, live: summary.live,
                    joinCode: code))
        }
        return summaries
    }

    func page(_ template: String, _ context: [String: Any]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: pages.render(template, context))))
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `?lang=en`, else the browser's first choice of da and en, else Danish.
    static func language(_ request: Request) -> String {
        if let lang = request.uri.queryParameters["lang"], ["da", "en"].contains(String(lang)) { return String(lang) }
        let accepted = request.headers[.acceptLanguage]?.lowercased() ?? ""
        guard let en = accepted.range(of: "en") else { return "da" }
        guard let da = accepted.range(of: "da") else { return "en" }
        return en.lowerBound < da.lowerBound ? "en" : "da"
    }
}
