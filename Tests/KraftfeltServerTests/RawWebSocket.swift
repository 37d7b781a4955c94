import Foundation
import NIOCore
import NIOPosix

/// A small WebSocket client (RFC 6455) over a plain TCP connection, for the tests.
///
/// swift-websocket's client (behind HummingbirdWSTesting's `client.ws`) always sends
/// `Origin: ws://host` and hides a refused upgrade's response; this one sends the origin a
/// test asks for, or none (as a command line client), and reports the response head of a
/// refusal.
enum RawWebSocket {
    struct Refused: Error, CustomStringConvertible {
        var status: Int
        var head: String
        var description: String { "the upgrade was refused: \(head)" }
    }

    struct Broken: Error, CustomStringConvertible {
        var description: String
    }

    static func run(
        port: Int, path: String, origin: String?, _ body: @escaping @Sendable (Inbox, SocketWriter) async throws -> Void
    ) async throws -> SocketClose? {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\n"
            request += "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            request += "Sec-WebSocket-Version: 13\r\n"
            if let origin { request += "Origin: \(origin)\r\n" }
            try await outbound.write(ByteBuffer(string: request + "\r\n"))

            var iterator = inbound.makeAsyncIterator()
            var pending = ByteBuffer()
            var headEnd: Int?
            while headEnd == nil {
                guard var chunk = try await iterator.next() else { throw Broken(description: "no response head") }
                pending.writeBuffer(&chunk)
                headEnd = pending.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound
            }
            let head = pending.readString(length: headEnd! - pending.readerIndex) ?? ""
            let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            guard status == 101 else { throw Refused(status: status, head: head) }

            let inbox = Inbox()
            let writer = SocketWriter(outbound: outbound)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await body(inbox, writer)
                    } catch {
                        await writer.close()
                        throw error
                    }
                    await writer.close()
                }
                var close: SocketClose?
                var message: (opcode: UInt8, bytes: [UInt8])?
                reading: while true {
                    while let frame = try Frame.parse(&pending) {
                        switch frame.opcode {
                        case 0x0:
                            message?.bytes += frame.payload
                        case 0x1, 0x2:
                            message = (frame.opcode, frame.payload)
                        case 0x8:
                            let code =
                                frame.payload.count >= 2
                                ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1005
                            close = SocketClose(
                                code: code, reason: String(decoding: frame.payload.dropFirst(2), as: UTF8.self))
                            await writer.close(answering: frame.payload)
                            break reading
                        case 0x9:
                            try await writer.send(opcode: 0xA, frame.payload)
                            continue
                        default:
                            continue
                        }
                        if frame.fin, let done = message {
                            if done.opcode == 0x1 { await inbox.add(String(decoding: done.bytes, as: UTF8.self)) }
                            message = nil
                        }
                    }
                    guard var chunk = try await iterator.next() else { break }
                    pending.writeBuffer(&chunk)
                }
                await inbox.finish()
                try await group.waitForAll()
                return close
            }
        }
    }

    /// A frame from the server (unmasked, as servers send them).
    struct Frame {
        var fin: Bool
        var opcode: UInt8
        var payload: [UInt8]

        /// The next whole frame in `buffer`, taken out of it; nil when it has not all come yet.
        static func parse(_ buffer: inout ByteBuffer) throws -> Frame? {
            let start = buffer.readerIndex
            guard let first = buffer.getInteger(at: start, as: UInt8.self),
                let second = buffer.getInteger(at: start + 1, as: UInt8.self)
            else { return nil }
            var length = Int(second & 0x7F)
            var offset = 2
            if length == 126 {
                guard let long = buffer.getInteger(at: start + 2, as: UInt16.self) else { return nil }
                length = Int(long)
                offset = 4
            } else if length == 127 {
                guard let long = buffer.getInteger(at: start + 2, as: UInt64.self) else { return nil }
                length = Int(long)
                offset = 10
            }
            guard second & 0x80 == 0 else { throw Broken(description: "the server masked a frame") }
            guard let payload = buffer.getBytes(at: start + offset, length: length) else { return nil }
            buffer.moveReaderIndex(forwardBy: offset + length)
            return Frame(fin: first & 0x80 != 0, opcode: first & 0x0F, payload: payload)
        }
    }
}

/// How the server closed a socket.
struct SocketClose: Equatable, Sendable {
    var code: UInt16
    var reason: String

    static let normalClosure: UInt16 = 1000
    static let policyViolation: UInt16 = 1008
}

/// The sending half of a ``RawWebSocket``: masked frames, as a client sends them.
actor SocketWriter {
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var closed = false

    init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) { self.outbound = outbound }

    func send(opcode: UInt8, _ payload: [UInt8]) async throws {
        guard !closed else { return }
        var frame = ByteBuffer()
        frame.writeInteger(0x80 | opcode)
        switch payload.count {
        case ..<126: frame.writeInteger(UInt8(0x80 | payload.count))
        case ..<65536:
            frame.writeInteger(UInt8(0x80 | 126))
            frame.writeInteger(UInt16(payload.count))
        default:
            frame.writeInteger(UInt8(0x80 | 127))
            frame.writeInteger(UInt64(payload.count))
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame.writeBytes(mask)
        frame.writeBytes(payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
        try await outbound.write(frame)
    }

    func text(_ text: String) async throws { try await send(opcode: 0x1, Array(text.utf8)) }

    func binary(_ text: String) async throws { try await send(opcode: 0x2, Array(text.utf8)) }

    /// The client's first message: its token, the revision it has, and whether each push
    /// should carry the view as data beside its HTML.
    func hello(_ token: String, revision: Int? = nil, data: Bool = true) async throws {
        let revisionText = revision.map { #","revision":\#($0)"# } ?? ""
        let dataText = data ? #","data":true"# : ""
        try await text(#"{"token":\#(json(token))\#(revisionText)\#(dataText)}"#)
    }

    /// Closes the socket (normal closure), or answers the server's close.
    func close(answering payload: [UInt8] = [0x03, 0xE8]) async {
        guard !closed else { return }
        try? await send(opcode: 0x8, Array(payload.prefix(2)))
        closed = true
    }
}
