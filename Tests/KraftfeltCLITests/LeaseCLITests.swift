import Foundation
import Testing

/// Two processes and one session: the second is told who runs it, and a process that was
/// killed does not keep its session locked.
@Suite(.serialized) struct LeaseCLITests {
    /// Starts a slow rehearsal and waits until `sessions` shows it is run by that process.
    func startSlow(_ data: String, _ id: String) throws -> (Kraftfelt.Running, String) {
        let script = try TestFiles.script("slow.lua", TestFiles.slow)
        let running = try Kraftfelt.start(["rehearse", script, "--participants", "2", "--data", data, "--session", id])
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let listing = try Kraftfelt.run(["sessions", "--data", data]).stdout
            if listing.contains("(run by kraftfelt pid \(running.pid) on host ") { return (running, script) }
            usleep(20_000)
        }
        Issue.record("the rehearsal never showed as running")
        return (running, script)
    }

    static var busy: Regex<(Substring, Substring, Substring, Substring)> {
        /^error: session ws1 is being run by kraftfelt pid (\d+) on host (.+) since \d\d:\d\d:\d\d; stop it first \(or wait (\d+) s if it crashed\)\n$/
    }

    @Test func aSecondProcessIsToldWhoRunsTheSessionAndChangesNothing() throws {
        let data = TestFiles.folder()
        let (first, script) = try startSlow(data, "ws1")
        for arguments in [["resume", "ws1"], ["delete-session", "ws1"]] {
            let second = try Kraftfelt.run(arguments + ["--data", data])
            #expect(second.status == 1, "\(arguments)")
            let match = try #require(second.stderr.firstMatch(of: Self.busy), "\(second.stderr)")
            #expect(Int32(match.1) == first.pid)
            #expect(!match.2.isEmpty)
            #expect((1...30).contains(Int(match.3) ?? 0))
        }
        let again = try Kraftfelt.run(["rehearse", script, "--data", data, "--session", "ws1"])
        #expect(again.status == 1 && again.stderr == "error: a session with id ws1 exists already\n")
        let ended = first.wait(timeout: 60)
        #expect(ended.status == 0, "\(ended.stderr)")
        #expect(ended.stdout.contains("session finished"))
        let listing = try Kraftfelt.run(["sessions", "--data", data]).stdout
        #expect(listing.hasPrefix("ws1  \(script)  finished  ") && !listing.contains("run by"), "\(listing)")
    }

    @Test func aKilledProcessesSessionIsResumedAtOnce() throws {
        let data = TestFiles.folder()
        let (first, script) = try startSlow(data, "ws1")
        kill(first.pid, SIGKILL)
        #expect(first.wait(timeout: 10).reason == .uncaughtSignal)
        let resumed = try Kraftfelt.run(["resume", "ws1", "--data", data], timeout: 60)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.seconds < 20, "the resume waited for the killed process's lease")
        let whole = try Kraftfelt.run(["rehearse", script, "--participants", "2"], timeout: 60)
        #expect(resumed.stdout == whole.stdout)
    }
}
