import Dispatch
import Foundation
import Logging
import Synchronization
import WSClient

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// The load test of `kraftfelt serve`, on loopback: simulated phones over real WebSocket
// connections join one session (or many) and answer a question, while the trainer's
// console watches. It measures join time, answer-to-console latency, and the server's
// memory per connection, against a baseline measured in the same run (a plain HTTP round
// trip). Run: scripts/load-test.sh (release build; it raises the open-file limit).
//
// kraftfelt-load --binary PATH [--phones 2000,5000,10000] [--sessions 100x30]

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let binary = option("--binary") ?? ".build/release/kraftfelt"
let phoneCounts = (option("--phones") ?? "2000,5000,10000").split(separator: ",").compactMap { Int($0) }
let sessionShape = (option("--sessions") ?? "100x30").split(separator: "x").compactMap { Int($0) }
let answerWindow = Double(option("--window") ?? "5") ?? 5

var logger = Logger(label: "load")
logger.logLevel = .critical

/// The script every session runs: one scale question to everyone, open until all answered.
let script = """
    return kf.exercise {
      id = "load", title = { da = "Belastning", en = "Load" }, minutes = 5,
      run = function(s)
        s:ask(s.everyone, { da = "Hvor godt kender du de andre områder?", en = "How well do you know the other areas?",
                            kind = "scale", min = 1, max = 5 })
      end,
    }
    """

// MARK: The server

/// `@unchecked Sendable`: its fields are set once in `init`; `Process` is only read after.
final class Server: @unchecked Sendable {
    let process = Process()
    let base: String
    let token: String
    let port: Int
    let data: String

    init() throws {
        data = NSTemporaryDirectory() + "kraftfelt-load-\(UUID().uuidString)"
        port = Int.random(in: 20_000...60_000)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "serve", "--data", data, "--port", String(port), "--no-ready-session", "--join-burst", "1000000",
            "--joins-per-second", "1000000",
        ]
        let out = Pipe()
        process.standardOutput = out
        if let log = ProcessInfo.processInfo.environment["KRAFTFELT_LOAD_SERVER_LOG"] {
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: log)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("phones:") && Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #"console#token=\S+"#, options: .regularExpression) else {
            throw LoadError("the server printed no trainer link: \(text)")
        }
        token = String(text[range].dropFirst("console#token=".count))
        base = "http://127.0.0.1:\(port)"
    }

    /// The server's resident memory, in bytes.
    var residentBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: data)
    }
}

struct LoadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: HTTP

let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpMaximumConnectionsPerHost = 64
    configuration.timeoutIntervalForRequest = 120
    return URLSession(configuration: configuration)
}()

func request(_ method: String, _ url: String, token: String? = nil, body: Any? = nil) async throws -> (Int, Data) {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = method
    if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
    if let body {
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
    }
    let (data, response) = try await session.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
}

func json(_ data: Data) -> [String: Any] { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:] }

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

/// Runs `count` jobs, at most `width` at once.
func concurrently(_ count: Int, width: Int, _ job: @escaping @Sendable (Int) async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        while next < min(width, count) {
            let i = next
            group.addTask { try await job(i) }
            next += 1
        }
        while try await group.next() != nil {
            if next < count {
                let i = next
                group.addTask { try await job(i) }
                next += 1
            }
        }
    }
}

// MARK: One session's room

/// What the console saw, and when each answer was sent.
final class Room: Sendable {
    let id: String
    let code: String
    let phones = Mutex<[(participant: String, token: String)]>([])
    let sent = Mutex<[String: Double]>([:])
    let seen = Mutex<[String: Double]>([:])
    let ready = Atomic<Int>(0)
    let latencies = Mutex<[Double]>([])
    let consoleOpen = Atomic<Bool>(false)

    init(id: String, code: String) {
        self.id = id
        self.code = code
    }
}

func createRoom(_ server: Server) async throws -> Room {
    let (status, data) = try await request(
        "POST", server.base + "/api/sessions", token: server.token,
        body: ["script": script, "areas": ["Sundhed", "Skole", "Kultur", "Teknik"], "language": "da"])
    guard status == 201, let id = json(data)["id"] as? String, let code = json(data)["joinCode"] as? String else {
        throw LoadError("creating a session: \(status) \(String(decoding: data, as: UTF8.self))")
    }
    return Room(id: id, code: code)
}

func join(_ server: Server, _ room: Room, _ i: Int) async throws -> Double {
    let start = now()
    let areas = ["Sundhed", "Skole", "Kultur", "Teknik"]
    let (status, data) = try await request(
        "POST", server.base + "/api/join", body: ["code": room.code, "name": "Phone \(i)", "area": areas[i % 4]])
    guard status == 201, let who = json(data)["participant"] as? String, let token = json(data)["token"] as? String
    else { throw LoadError("join: \(status) \(String(decoding: data, as: UTF8.self))") }
    room.phones.withLock { $0.append((who, token)) }
    return now() - start
}

/// A phone's socket, as the phone's page reads it (HTML only): says who it is, then counts
/// as ready once its question's form arrives.
func phoneSocket(_ server: Server, _ room: Room, token: String) async throws {
    let url = "ws://127.0.0.1:\(server.port)/ws/sessions/\(room.id)?view=participant"
    try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20), logger: logger) {
        inbound, outbound, _ in
        try await outbound.write(.text("{\"token\":\"\(token)\"}"))
        var counted = false
        for try await message in inbound.messages(maxSize: 1 << 24) {
            guard !counted, case .text(let text) = message, text.contains(#"data-kind=\"scale\""#) else { continue }
            counted = true
            room.ready.add(1, ordering: .relaxed)
        }
    }
}

/// The console's socket, as the trainer's page reads it (HTML only): when its count of
/// answers grows from c to c′, answers c+1…c′ are on the console. Answers reach the
/// session in about the order they were sent, so the k-th answer seen is timed against
/// the k-th sent.
func consoleSocket(_ server: Server, _ room: Room) async throws {
    let url = "ws://127.0.0.1:\(server.port)/ws/sessions/\(room.id)?view=console"
    try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 24), logger: logger) {
        inbound, outbound, _ in
        try await outbound.write(.text("{\"token\":\"\(server.token)\"}"))
        room.consoleOpen.store(true, ordering: .relaxed)
        var counted = 0
        for try await message in inbound.messages(maxSize: 1 << 28) {
            guard case .text(let text) = message else { continue }
            let at = now()
            let sentSoFar = room.sent.withLock { $0.count }
            var count = counted
            if let range = text.range(of: "data-count=") {
                // In the push's JSON the attribute's quotes are escaped: data-count=\"12\".
                let digits = text[range.upperBound...].drop { !$0.isNumber }.prefix { $0.isNumber }
                count = Int(digits) ?? counted
            } else if sentSoFar > 0 && !text.contains("data-question=") {
                count = sentSoFar  // the question closed: everyone has answered
            }
            guard count > counted else { continue }
            let order = room.sent.withLock { sent in sent.sorted { $0.value < $1.value } }
            let times = order[min(counted, order.count)..<min(count, order.count)].map { at - $0.value }
            room.latencies.withLock { $0.append(contentsOf: times) }
            room.seen.withLock { seen in for (who, _) in order[min(counted, order.count)..<min(count, order.count)] { seen[who] = at } }
            counted = count
        }
    }
}

func waitUntil(_ seconds: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = now() + seconds
    while now() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

struct Figures {
    var phones: Int
    var joinP50: Double
    var joinP99: Double
    var joinsPerSecond: Double
    var fanOut: Double
    var answerP50: Double
    var answerP99: Double
    var answered: Int
    var bytesPerConnection: Double
    var baseline: Double
}

/// `rooms` sessions of `phones` phones each: join, connect, the trainer starts, everyone
/// answers within the window.
func scenario(rooms roomCount: Int, phones: Int) async throws -> Figures {
    let server = try Server()
    defer { server.stop() }
    // The baseline: a plain HTTP round trip to the same server.
    var baseline: [Double] = []
    for _ in 0..<200 {
        let start = now()
        _ = try await request("GET", server.base + "/api/health")
        baseline.append(now() - start)
    }
    var created: [Room] = []
    for _ in 0..<roomCount { created.append(try await createRoom(server)) }
    let rooms = created
    let total = roomCount * phones
    let joinTimes = Mutex<[Double]>([])
    let joinStart = now()
    try await concurrently(total, width: 64) { i in
        let time = try await join(server, rooms[i % roomCount], i)
        joinTimes.withLock { $0.append(time) }
    }
    let joinSeconds = now() - joinStart
    let before = server.residentBytes
    let sockets = Task {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for room in rooms {
                group.addTask {
                    do { try await consoleSocket(server, room) } catch is CancellationError {
                    } catch { print("console socket: \(error)") }
                }
                for phone in room.phones.withLock({ $0 }) {
                    group.addTask { try await phoneSocket(server, room, token: phone.token) }
                }
            }
            try await group.waitForAll()
        }
    }
    defer { sockets.cancel() }
    guard await waitUntil(120, { rooms.allSatisfy { $0.consoleOpen.load(ordering: .relaxed) } }) else {
        throw LoadError("the consoles did not connect")
    }
    try await Task.sleep(for: .seconds(2))  // every phone has its first view
    let after = server.residentBytes
    let startAt = now()
    for room in rooms {
        let (status, data) = try await request(
            "POST", server.base + "/api/sessions/\(room.id)/actions", token: server.token, body: ["action": "advance"])
        guard status == 200 else { throw LoadError("advance: \(status) \(String(decoding: data, as: UTF8.self))") }
    }
    guard await waitUntil(120, { rooms.reduce(0) { $0 + $1.ready.load(ordering: .relaxed) } == total }) else {
        let ready = rooms.reduce(0) { $0 + $1.ready.load(ordering: .relaxed) }
        throw LoadError("only \(ready) of \(total) phones got the question")
    }
    let fanOut = now() - startAt
    // The question's id, as a phone's view says it.
    var asks: [String: Int] = [:]
    for room in rooms {
        guard let phone = room.phones.withLock({ $0.first }) else { continue }
        let (_, data) = try await request(
            "GET", server.base + "/api/sessions/\(room.id)/participant", token: phone.token)
        asks[room.id] = ((json(data)["questions"] as? [[String: Any]])?.first?["id"] as? Int) ?? 0
    }
    let askOf = asks
    // Everyone answers, spread evenly over the window.
    let everyone = rooms.flatMap { room in room.phones.withLock { $0 }.map { (room, $0.participant, $0.token) } }
    let answerStart = now()
    try await concurrently(everyone.count, width: 256) { i in
        let (room, who, token) = everyone[i]
        let due = answerStart + answerWindow * Double(i) / Double(everyone.count)
        if due > now() { try await Task.sleep(for: .milliseconds(Int((due - now()) * 1000))) }
        room.sent.withLock { $0[who] = now() }
        let (status, data) = try await request(
            "POST", server.base + "/api/sessions/\(room.id)/answers", token: token,
            body: ["ask": askOf[room.id] ?? 0, "value": 4])
        guard status == 200 else { throw LoadError("answer: \(status) \(String(decoding: data, as: UTF8.self))") }
    }
    _ = await waitUntil(60) { rooms.allSatisfy { room in room.seen.withLock { $0.count } == phones } }
    let latencies = rooms.flatMap { room in room.latencies.withLock { $0 } }
    let joins = joinTimes.withLock { $0 }
    return Figures(
        phones: total, joinP50: percentile(joins, 0.5), joinP99: percentile(joins, 0.99),
        joinsPerSecond: Double(total) / joinSeconds, fanOut: fanOut, answerP50: percentile(latencies, 0.5),
        answerP99: percentile(latencies, 0.99), answered: latencies.count,
        bytesPerConnection: Double(after - before) / Double(total + roomCount), baseline: percentile(baseline, 0.5))
}

func report(_ name: String, _ f: Figures) {
    func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
    print(
        """
        \(name): \(f.phones) phones
          join: p50 \(ms(f.joinP50)), p99 \(ms(f.joinP99)), \(Int(f.joinsPerSecond)) joins/s (64 at once)
          question on every phone \(ms(f.fanOut)) after the trainer's advance
          answer to console: p50 \(ms(f.answerP50)), p99 \(ms(f.answerP99)) (\(f.answered) of \(f.phones) seen; \
        answers spread over \(Int(answerWindow)) s)
          server memory per connection: \(String(format: "%.1f", f.bytesPerConnection / 1024)) KB
          baseline HTTP round trip p50 \(ms(f.baseline)); answer p99 / baseline = \
        \(String(format: "%.1f", f.answerP99 / f.baseline))×
        """)
}

for count in phoneCounts {
    do {
        report("one session", try await scenario(rooms: 1, phones: count))
    } catch {
        print("one session of \(count) phones: failed: \(error)")
    }
}
if sessionShape.count == 2 {
    do {
        report(
            "\(sessionShape[0]) sessions of \(sessionShape[1])",
            try await scenario(rooms: sessionShape[0], phones: sessionShape[1]))
    } catch {
        print("\(sessionShape[0]) sessions: failed: \(error)")
    }
}
