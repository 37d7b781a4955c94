import Foundation
import Testing

/// The command line runs a session in its own process: a step stuck where no limit inside
/// Lua reaches (the tests' stand-in, `kftest.spin()`, loops in C) ends the process after
/// the time limit and a grace period, with the stop logged, and the session stays failed.
@Suite(.serialized) struct WatchdogCommandTests {
    static let testing = ProcessInfo.processInfo.environment.merging(["KRAFTFELT_TEST_FUNCTIONS": "1"]) { $1 }

    static let stuck = """
        return kf.exercise { id = "stuck", title = { da = "Fast", en = "Stuck" }, minutes = 5,
          run = function(s)
            s:show("før")
            kftest.spin()
          end }
        """

    static let message =
        "time limit exceeded: the script ran for more than 2 seconds without waiting, and the host had to end "
        + "the process that ran it"

    @Test func aRehearsalStuckInCEndsWithTheStopLogged() throws {
        let script = try TestFiles.script("stuck.lua", Self.stuck)
        let data = TestFiles.folder()
        let result = try Kraftfelt.run(
            ["rehearse", script, "--participants", "3", "--data", data, "--session", "s1"], timeout: 30,
            environment: Self.testing)
        #expect(!result.timedOut)
        #expect(result.status == 1)
        #expect(result.seconds < 15, "the watchdog ends it after the limit and its grace: \(result.seconds) s")
        #expect(result.stderr.hasSuffix("error: \(Self.message)\n"), "\(result.stderr)")
        let listing = try Kraftfelt.run(["sessions", "--data", data])
        #expect(listing.stdout.hasPrefix("s1  \(script)  failed: \(Self.message)  "), "\(listing.stdout)")
        // The stop is in the log: the session is failed, and its log replays to that end.
        let resumed = try Kraftfelt.run(["resume", "s1", "--data", data], timeout: 30, environment: Self.testing)
        #expect(resumed.status == 1)
        #expect(resumed.stdout.hasSuffix("] error: \(Self.message)\n"), "\(resumed.stdout)")
        #expect(resumed.stderr.hasSuffix("error: session s1 failed: \(Self.message); nothing to resume\n"))
        #expect(!resumed.stderr.contains("warning"), "\(resumed.stderr)")
    }

    @Test func aScriptStuckInCEndsTheRunCommand() throws {
        let script = try TestFiles.script("spin.lua", "local n = 0\nkftest.spin()")
        let result = try Kraftfelt.run(["run", script, "--seconds", "1"], timeout: 30, environment: Self.testing)
        #expect(!result.timedOut)
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "error: time limit exceeded: the script ran for more than 1 second without waiting, and the host "
                + "had to end the process that ran it\n")
    }

    @Test func withoutTheSwitchTheStandInsDoNotExist() throws {
        let script = try TestFiles.script("spin.lua", "kftest.spin()")
        let result = try Kraftfelt.run(["run", script])
        #expect(result.status == 1)
        #expect(result.stderr == "error: spin.lua:1: attempt to index a nil value (global 'kftest')\n")
    }
}
