import Foundation

/// How `kraftfelt serve` runs: where it listens, the address phones use, and its limits.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The address printed and put into QR codes (`http://192.168.1.20:8080`); nil: the
    /// listening address.
    public var publicURL: String?
    /// The largest request body (bytes) and WebSocket message the server takes.
    public var maxBody: Int
    public var maxMessage: Int
    /// Joins per client address: a burst, then per second.
    public var joinBurst: Double
    public var joinsPerSecond: Double
    /// Answers per participant: a burst, then per second.
    public var answerBurst: Double
    public var answersPerSecond: Double
    /// Requests with a wrong or missing token per client address.
    public var failureBurst: Double
    public var failuresPerSecond: Double
    /// The most people one session takes.
    public var maxParticipants: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, maxBody: Int = 64 * 1024,
        maxMessage: Int = 16 * 1024, joinBurst: Double = 30, joinsPerSecond: Double = 5, answerBurst: Double = 10,
        answersPerSecond: Double = 2, failureBurst: Double = 20, failuresPerSecond: Double = 1,
        maxParticipants: Int = 10_000
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.maxBody = maxBody
        self.maxMessage = maxMessage
        self.joinBurst = joinBurst
        self.joinsPerSecond = joinsPerSecond
        self.answerBurst = answerBurst
        self.answersPerSecond = answersPerSecond
        self.failureBurst = failureBurst
        self.failuresPerSecond = failuresPerSecond
        self.maxParticipants = maxParticipants
    }

    /// The base URL for links and QR codes.
    public var baseURL: String { publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}
