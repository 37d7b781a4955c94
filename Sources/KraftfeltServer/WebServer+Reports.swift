import Foundation
import HTTPTypes
import Hummingbird
import KraftfeltEngine
import KraftfeltHost
import KraftfeltMeasure
import KraftfeltStore
import NIOCore

/// The console's reports, the same as `kraftfelt report` writes:
///
/// - `GET /api/sessions/{id}/report` for one session of the trainer's organisation, live or
///   ended;
/// - `GET /api/report?from=2026-01-01&to=2026-12-31` for the organisation's sessions over time.
///
/// `format` is `html` (the report with its charts, the default), `json` (its numbers) or
/// `csv` (one row per measure, anonymous: pseudonyms for participant ids, no free texts,
/// and no area with fewer people than the threshold). `lang` is `da` or `en`.
extension WebServer {
    func addReportRoutes(to router: Router<ServerContext>) {
        let api = router.group("api")
        api.get("sessions/:id/report") { request, context in
            let id = try Self.id(context)
            let organisation = try self.trainer(request, context)
            let record: SessionRecord
            do { record = try self.host.store.session(id) } catch { throw APIError.unknownSession(id) }
            guard record.organisation == organisation else { throw APIError.unknownSession(id) }
            return try self.report([record], name: id, request)
        }
        api.get("report") { request, context in
            let organisation = try self.trainer(request, context)
            let from = try Self.day(request, "from")
            let to = try Self.day(request, "to").map { $0 + 86_400 }
            if let from, let to, to <= from { throw APIError.invalid("'to' must not be before 'from'") }
            let records: [SessionRecord]
            do { records = try self.host.store.sessions(of: organisation, from: from, to: to) } catch let error
                as StoreError
            {
                throw APIError(KraftfeltError(error))
            }
            guard !records.isEmpty else {
                throw APIError(
                    .notFound, "not_found",
                    "the organisation has no sessions" + (from == nil && to == nil ? "" : " in that time"))
            }
            return try self.report(records, name: organisation, request, from: from, to: to)
        }
    }

    private func report(
        _ records: [SessionRecord], name: String, _ request: Request, from: Int64? = nil, to: Int64? = nil
    ) throws(APIError) -> Response {
        let query = request.uri.queryParameters
        let format = query["format"].map(String.init) ?? "html"
        guard ["html", "json", "csv"].contains(format) else {
            throw APIError.invalid("'format' must be html, json or csv, got \(APIError.shown(format))")
        }
        let language = query["lang"].map(String.init) ?? "da"
        guard ["da", "en"].contains(language) else {
            throw APIError.invalid("'lang' must be da or en, got \(APIError.shown(language))")
        }
        let threshold = ReportOptions().threshold
        let sessions: [MeasuredSession]
        do {
            sessions = try records.map { record throws(StoreError) in try StoredReport.session(record, in: host.store) }
        } catch {
            throw APIError(KraftfeltError(error))
        }
        let report = MeasureReport(
            sessions: sessions, options: ReportOptions(threshold: threshold, language: language, from: from, to: to))
        let body: Data
        let type: String
        switch format {
        case "json":
            do { body = try ReportJSON.data(report) } catch {
                throw APIError(.internalServerError, "broken", "the report cannot be written as JSON: \(error)")
            }
            type = "application/json; charset=utf-8"
        case "csv":
            body = Data(ReportCSV.render(sessions, threshold: threshold).utf8)
            type = "text/csv; charset=utf-8"
        default:
            body = Data(ReportHTML.render(report).utf8)
            type = "text/html; charset=utf-8"
        }
        var response = Response(
            status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        response.headers[.contentDisposition] = "attachment; filename=\"kraftfelt-report-\(name).\(format)\""
        return response
    }

    /// A query's day, like `2026-03-01`, as seconds since 1970 at its start (UTC).
    static func day(_ request: Request, _ name: String) throws(APIError) -> Int64? {
        guard let text = request.uri.queryParameters[Substring(name)].map(String.init), !text.isEmpty else {
            return nil
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
            (2000...2200).contains(year), (1...12).contains(month), (1...31).contains(day),
            let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.component(.day, from: date) == day
        else {
            throw APIError.invalid("'\(name)' must be a day like 2026-03-01, got \(APIError.shown(text))")
        }
        return Int64(date.timeIntervalSince1970)
    }
}
