import Foundation
import HTTPTypes
import Hummingbird
import KraftfeltHost

/// What the API answers when it refuses a request: an HTTP status and a body
/// `{"error": {"code": "…", "message": "…"}}` (see `docs/openapi.yaml`).
public struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Seconds to wait, for a rate limit.
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    static func invalid(_ message: String) -> APIError { APIError(.badRequest, "invalid", message) }
    static let unauthorised = APIError(
        .unauthorized, "unauthorised", "this needs a valid token (Authorization: Bearer …)")
    static func unknownSession(_ id: String) -> APIError {
        APIError(.notFound, "unknown_session", "no session \(shown(id)) here")
    }
    static let unknownCode = APIError(.notFound, "unknown_code", "no open session has that code")
    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "too_large", "the request body has more than \(limit) bytes")
    }

    /// A host's error, with the status that tells a client what to do about it.
    init(_ error: KraftfeltError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .invalid, .outOfOrder: .badRequest
            case .unknownSession: .notFound
            case .notInSession: .forbidden
            case .notStarted, .ended, .notOpen, .alreadyAnswered, .alreadyHere, .nothingToUndo, .conflict,
                .logMismatch:
                .conflict
            case .storageUnavailable, .shuttingDown, .noWorker: .serviceUnavailable
            case .broken: .internalServerError
            }
        self.init(status, error.code.rawValue, error.message)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(["error": ["code": code, "message": message]])
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Text from a client, quoted and clipped for a message.
    static func shown(_ text: String) -> String {
        let clipped = text.unicodeScalars.count > 40 ? String(text.unicodeScalars.prefix(40)) + "…" : text
        let printable = clipped.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : String($0)
        }.joined()
        return "\"\(printable)\""
    }
}
