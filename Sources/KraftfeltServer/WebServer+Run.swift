import Foundation
import Hummingbird
import KraftfeltHost
import Logging
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

extension WebServer {
    /// Runs the server until SIGINT or SIGTERM, then shuts down gracefully: every session
    /// stops where it is (its log is in the store, so the next start resumes it), sockets
    /// close, and in-flight requests finish.
    public func run(onRunning: @escaping @Sendable () -> Void = {}) async throws {
        host.startJobs()
        let app = application(onServerRunning: { _ in onRunning() })
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app), .init(service: HostService(host: host))],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The first IPv4 address of this machine that is not loopback: what phones on the
    /// same network use.
    public static func localNetworkAddress() -> String? {
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0, let start = first else { return nil }
        defer { freeifaddrs(first) }
        var pointer: UnsafeMutablePointer<ifaddrs>? = start
        while let entry = pointer {
            defer { pointer = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                entry.pointee.ifa_flags & UInt32(IFF_LOOPBACK) == 0, entry.pointee.ifa_flags & UInt32(IFF_UP) != 0
            else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard
                getnameinfo(
                    address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0,
                    NI_NUMERICHOST) == 0
            else { continue }
            return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return nil
    }
}

/// Stops every session first when the server shuts down, so their sockets close and the
/// HTTP server can finish.
struct HostService: Service {
    let host: SessionHost

    func run() async throws {
        try? await gracefulShutdown()
        await host.shutdown()
    }
}
