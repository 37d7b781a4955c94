import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kraftfelt pack install --from URL` against a feed that is out to harm: an answer without
/// end, one that says it is a terabyte, and one that sends a byte now and then. Each is
/// given up with its exact error, quickly and without filling the memory, and nothing is
/// installed.
@Suite(.serialized) struct HostileFeedTests {
    /// What the hostile server sends after the request's head.
    enum Mode: Sendable {
        case endless, hugeLength, drip
    }

    /// A TCP server on loopback that answers every connection in its mode until the client
    /// goes away.
    final class HostileServer: Sendable {
        let socket: Int32
        let port: UInt16

        init(_ mode: Mode) throws {
            let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(fd, pointer, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, pointer, &length) == 0
                }
            }
            guard bound else {
                close(fd)
                throw POSIXError(.EADDRINUSE)
            }
            socket = fd
            port = UInt16(bigEndian: address.sin_port)
            let listening = socket
            Thread.detachNewThread {
                while true {
                    let client = accept(listening, nil, nil)
                    guard client >= 0 else { return }
                    Thread.detachNewThread { Self.answer(client, mode) }
                }
            }
        }

        static func answer(_ client: Int32, _ mode: Mode) {
            defer { close(client) }
            var request = [UInt8](repeating: 0, count: 8192)
            _ = recv(client, &request, request.count, 0)
            func send(_ text: String) -> Bool {
                let bytes = Array(text.utf8)
                return Glibc.send(client, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count
            }
            switch mode {
            case .endless:
                guard send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n") else {
                    return
                }
                let chunk = "[" + String(repeating: "1,", count: 32_767)
                while send(chunk) {}
            case .hugeLength:
                guard send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n")
                else { return }
                let chunk = String(repeating: " ", count: 65_536)
                while send(chunk) {}
            case .drip:
                guard send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{") else {
                    return
                }
                while send(" ") { usleep(200_000) }
            }
        }

        func stop() {
            shutdown(socket, Int32(SHUT_RDWR))
            close(socket)
        }
    }

    static func install(from server: HostileServer, _ extra: [String] = []) throws -> (Kraftfelt.Result, Double, String)
    {
        let packs = TestFiles.folder("kraftfelt-hostile-feed")
        let started = Date()
        let result = try Kraftfelt.run(
            ["pack", "install", "--from", "http://127.0.0.1:\(server.port)", "dk.kommune.x", "--packs", packs] + extra,
            timeout: 300)
        return (result, Date().timeIntervalSince(started), packs)
    }

    @Test(arguments: [Mode.endless, .hugeLength])
    func anAnswerLargerThanAnIndexIsGivenUp(_ mode: Mode) throws {
        let server = try HostileServer(mode)
        defer { server.stop() }
        let (result, took, packs) = try Self.install(from: server)
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "error: http://127.0.0.1:\(server.port)/packs/index.json: the answer has more than 1048576 bytes, "
                + "the most it may have (nothing was installed)\n", "\(result.stderr)")
        if mode == .endless {
            #expect(took < 30, "given up as soon as it was too large, not after \(took) s")
        }
        #expect(!FileManager.default.fileExists(atPath: packs + "/dk.kommune.x"))
    }

    @Test func anAnswerThatNeverEndsIsGivenUpAtTheTimeout() throws {
        let server = try HostileServer(.drip)
        defer { server.stop() }
        let (result, took, packs) = try Self.install(from: server, ["--timeout", "3"])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "error: http://127.0.0.1:\(server.port)/packs/index.json: no whole answer within 3 seconds "
                + "(nothing was installed)\n", "\(result.stderr)")
        #expect(took >= 3 && took < 20, "\(took) s")
        #expect(!FileManager.default.fileExists(atPath: packs + "/dk.kommune.x"))
        let bad = try Kraftfelt.run(["pack", "install", "--from", "http://x", "a.b.c", "--timeout", "0"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--timeout must be from 1 to 3600 seconds, got 0.0"), "\(bad.stderr)")
    }
}
