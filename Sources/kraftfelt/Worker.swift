import ArgumentParser
import CKraftfeltHost
import Foundation
import KraftfeltHost
import KraftfeltLua

/// `kraftfelt worker`: runs one session for a host that supervises it (not for people).
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one session's scripts for a supervising host, over standard input and output.",
        shouldDisplay: false)

    func run() throws {
        Foundation.exit(WorkerServer.run(modules: TestingModule.modules))
    }
}

extension SessionWorker.Configuration {
    /// Workers that run this `kraftfelt` binary's `worker` command.
    static var thisBinary: SessionWorker.Configuration {
        SessionWorker.Configuration(executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath())
    }
}

/// Host functions only tests switch on (`KRAFTFELT_TEST_FUNCTIONS=1`): stand-ins
/// for what no limit inside Lua can stop (a host function that never returns, a crash),
/// to show that the host survives them.
enum TestingModule {
    static var modules: [HostModule] {
        guard ProcessInfo.processInfo.environment["KRAFTFELT_TEST_FUNCTIONS"] == "1" else { return [] }
        return [
            HostModule(
                "kftest", summary: "Test stand-ins for what no limit can stop.",
                functions: [
                    HostFunction("spin", summary: "Loops for ever in C, where no limit looks.") { _ in
                        kf_test_spin()
                        return .none
                    },
                    HostFunction("crash", summary: "Ends the process as a crash inside Lua would.") { _ in
                        abort()
                    },
                ])
        ]
    }
}
