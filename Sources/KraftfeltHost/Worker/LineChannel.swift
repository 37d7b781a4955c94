import Foundation

/// One JSON value per line over a pair of file descriptors: how the host and a worker
/// process talk. Reads can wait with a deadline (the host's watchdog); a line longer than
/// ``maximumLine`` or one that does not decode is an error, never a crash.
final class LineChannel {
    enum Failure: Error, Equatable {
        /// No complete line arrived before the deadline.
        case timedOut
        /// The other side closed its end (the process ended).
        case closed
        /// What arrived is not a message (too long, or not the JSON expected).
        case malformed(String)
        case io(String)
    }

    /// The longest line either side accepts.
    static let maximumLine = 256 << 20

    let input: Int32
    let output: Int32
    private var buffer: [UInt8] = []
    private var scanned = 0
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    /// Writes one value as a line.
    func send<T: Encodable>(_ value: T) throws(Failure) {
        var data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw .malformed("a message does not encode: \(error)")
        }
        data.append(10)
        let problem: Failure? = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Failure? in
            var offset = 0
            while offset < raw.count {
                let n = write(output, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno == EPIPE ? .closed : .io(String(cString: strerror(errno)))
                }
                offset += n
            }
            return nil
        }
        if let problem { throw problem }
    }

    /// Reads the next value; waits at most until `deadline` (for ever when nil).
    func receive<T: Decodable>(_ type: T.Type, until deadline: ContinuousClock.Instant? = nil) throws(Failure) -> T {
        let line = try nextLine(until: deadline)
        do {
            return try decoder.decode(T.self, from: Data(line))
        } catch {
            throw .malformed("a message does not decode (\(line.count) bytes)")
        }
    }

    private func nextLine(until deadline: ContinuousClock.Instant?) throws(Failure) -> [UInt8] {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 10) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                scanned = 0
                return line
            }
            scanned = buffer.count
            guard buffer.count <= Self.maximumLine else {
                throw .malformed("a line longer than \(Self.maximumLine) bytes")
            }
            try waitForInput(until: deadline)
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(String(cString: strerror(errno)))
            }
            if n == 0 { throw .closed }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    private func waitForInput(until deadline: ContinuousClock.Instant?) throws(Failure) {
        guard let deadline else { return }
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { throw .timedOut }
            let milliseconds = Int32(
                clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .io(String(cString: strerror(errno))) }
        }
    }
}
