import Dispatch
import Foundation
import Logging
import Synchronization
import WSClient

#if canImport(Glibc)
    import Glibc
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

/// HTTP/1.1 over a few kept-alive loopback connections, each served by a thread of its
/// own with blocking sockets: light enough that the load generator, on the same two cores
/// as the server, takes little of the CPU it measures (URLSession took as much as the
/// server did).
/// `@unchecked Sendable`: `jobs` is guarded by `ready`.
final class HTTPPool: @unchecked Sendable {
    struct Job {
        let bytes: [UInt8]
        let done: @Sendable (Result<(Int, Data), Error>) -> Void
    }

    let port: Int
    private let ready = NSCondition()
    private var jobs: [Job] = []

    init(port: Int, connections: Int) {
        self.port = port
        for _ in 0..<connections {
            let thread = Thread { [self] in work() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    func send(_ method: String, _ path: String, headers: [String], body: Data?) async throws -> (Int, Data) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for header in headers { head += header + "\r\n" }
        head += "Content-Length: \(body?.count ?? 0)\r\n\r\n"
        let bytes = Array(head.utf8) + Array(body ?? Data())
        return try await withCheckedThrowingContinuation { continuation in
            ready.lock()
            jobs.append(Job(bytes: bytes) { continuation.resume(with: $0) })
            ready.signal()
            ready.unlock()
        }
    }

    private func work() {
        var socket: Int32 = -1
        while true {
            ready.lock()
            while jobs.isEmpty { ready.wait() }
            let job = jobs.removeFirst()
            ready.unlock()
            var result: Result<(Int, Data), Error> = .failure(LoadError("no attempt"))
            // A kept-alive connection the server closed meanwhile fails before any reply:
            // the request goes again on a new one.
            for _ in 0..<2 {
                if socket < 0 { socket = Self.connect(port) }
                do {
                    let (status, body, keep) = try Self.exchange(socket, job.bytes)
                    result = .success((status, body))
                    if !keep {
                        close(socket)
                        socket = -1
                    }
                    break
                } catch {
                    if socket >= 0 { close(socket) }
                    socket = -1
                    result = .failure(error)
                }
            }
            job.done(result)
        }
    }

    static func connect(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return -1
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Writes one request and reads its reply: the status, the body, and whether the
    /// connection stays open.
    static func exchange(_ fd: Int32, _ bytes: [UInt8]) throws -> (Int, Data, Bool) {
        guard fd >= 0 else { throw LoadError("cannot connect") }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw LoadError("send failed") }
            sent += n
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        func fill() throws {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw LoadError("the connection closed") }
            buffer.append(contentsOf: chunk[0..<n])
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            try fill()
            if buffer.count >= 4 {
                headEnd = (0...(buffer.count - 4)).first { buffer[$0..<($0 + 4)].elementsEqual(separator) }
            }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let length =
            lines.first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        let keep = !lines.contains { $0.hasPrefix("connection:") && $0.contains("close") }
        let bodyStart = headEnd! + 4
        while buffer.count < bodyStart + length { try fill() }
        return (status, Data(buffer[bodyStart..<(bodyStart + length)]), keep)
    }
}

let pools = Mutex<[Int: HTTPPool]>([:])

func request(_ method: String, _ url: String, token: String? = nil, body: Any? = nil) async throws -> (Int, Data) {
    // url: http://127.0.0.1:PORT/path
    let rest = url.dropFirst("http://127.0.0.1:".count)
    let slash = rest.firstIndex(of: "/") ?? rest.endIndex
    let port = Int(rest[..<slash]) ?? 0
    let pool = pools.withLock { pools in
        if let pool = pools[port] { return pool }
        let pool = HTTPPool(port: port, connections: 256)
        pools[port] = pool
        return pool
    }
    var headers: [String] = []
    if let token { headers.append("Authorization: Bearer " + token) }
    var data: Data?
    if let body {
        headers.append("Content-Type: application/json")
        data = try JSONSerialization.data(withJSONObject: body)
    }
    return try await pool.send(method, String(rest[slash...]), headers: headers, body: data)
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
    /// The answers in the order they were sent, with their times.
    let order = Mutex<[(who: String, at: Double)]>([])
    let seen = Mutex<[String: Double]>([:])
    let ready = Atomic<Int>(0)
    /// Phones whose socket brought their first view.
    let connected = Atomic<Int>(0)
    /// Phone sockets that failed and connected again (as the page's script does).
    let reconnects = Atomic<Int>(0)
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
/// A socket that fails is opened again a second later, up to five times, as the page does.
func phoneSocket(_ server: Server, _ room: Room, token: String) async throws {
    let url = "ws://127.0.0.1:\(server.port)/ws/sessions/\(room.id)?view=participant"
    let counted = Atomic<Bool>(false)
    let first = Atomic<Bool>(false)
    for attempt in 0..<5 {
        if attempt > 0 {
            room.reconnects.add(1, ordering: .relaxed)
            try await Task.sleep(for: .seconds(1))
        }
        do {
            try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20), logger: logger) {
                inbound, outbound, _ in
                try await outbound.write(.text("{\"token\":\"\(token)\"}"))
                for try await message in inbound.messages(maxSize: 1 << 24) {
                    if !first.load(ordering: .relaxed) {
                        first.store(true, ordering: .relaxed)
                        room.connected.add(1, ordering: .relaxed)
                    }
                    guard !counted.load(ordering: .relaxed), case .text(let text) = message,
                        text.contains(#"data-kind=\"scale\""#)
                    else { continue }
                    counted.store(true, ordering: .relaxed)
                    room.ready.add(1, ordering: .relaxed)
                }
            }
            return
        } catch is CancellationError {
            return
        } catch {
            continue
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
            let sentSoFar = room.order.withLock { $0.count }
            var count = counted
            if let range = text.range(of: "data-count=") {
                // In the push's JSON the attribute's quotes are escaped: data-count=\"12\".
                let digits = text[range.upperBound...].drop { !$0.isNumber }.prefix { $0.isNumber }
                count = Int(digits) ?? counted
            } else if sentSoFar > 0 && !text.contains("data-question=") {
                count = sentSoFar  // the question closed: everyone has answered
            }
            guard count > counted else { continue }
            let fresh = room.order.withLock { order in Array(order[min(counted, order.count)..<min(count, order.count)])
            }
            room.latencies.withLock { $0.append(contentsOf: fresh.map { at - $0.at }) }
            room.seen.withLock { seen in for (who, _) in fresh { seen[who] = at } }
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
    var reconnects: Int
    /// From the last join until every phone's socket brought its first view.
    var connectSeconds: Double
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
    let connectStart = now()
    guard await waitUntil(120, { rooms.reduce(0) { $0 + $1.connected.load(ordering: .relaxed) } == total }) else {
        let connected = rooms.reduce(0) { $0 + $1.connected.load(ordering: .relaxed) }
        throw LoadError("only \(connected) of \(total) phones got their first view")
    }
    let connectSeconds = now() - connectStart
    try await Task.sleep(for: .seconds(1))
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
        room.order.withLock { $0.append((who, now())) }
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
        bytesPerConnection: Double(after - before) / Double(total + roomCount), baseline: percentile(baseline, 0.5),
        reconnects: rooms.reduce(0) { $0 + $1.reconnects.load(ordering: .relaxed) }, connectSeconds: connectSeconds)
}

func report(_ name: String, _ f: Figures) {
    func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
    print(
        """
        \(name): \(f.phones) phones
          join: p50 \(ms(f.joinP50)), p99 \(ms(f.joinP99)), \(Int(f.joinsPerSecond)) joins/s (64 at once)
          every phone's socket open with its view \(ms(f.connectSeconds)) after the last join
          question on every phone \(ms(f.fanOut)) after the trainer's advance\
        \(f.reconnects > 0 ? " (\(f.reconnects) phone sockets connected again)" : "")
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
