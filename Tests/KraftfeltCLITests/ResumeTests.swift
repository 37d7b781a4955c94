import Foundation
import Testing

/// `kraftfelt resume` of a session that is not running changes nothing: no replay is
/// saved, nothing is written; it shows the session and says why there is nothing to do.
struct ResumeTests {
    func rehearse(_ exercise: String, _ data: String, _ id: String, _ extra: [String] = []) throws -> Kraftfelt.Result {
        try Kraftfelt.run(
            [
                "rehearse", exercise, "--exercises", TestFiles.exercises, "--data", data, "--session", id,
                "--participants", "6",
            ] + extra, timeout: 60)
    }

    /// The transcript part of a rehearsal's output (without its measures).
    func transcript(_ output: String) -> String { output.components(separatedBy: "\nmeasures:")[0] }

    @Test func resumingAFinishedSessionShowsItAndChangesNothing() throws {
        let data = TestFiles.folder()
        let first = try rehearse("summegrupper", data, "ws1")
        #expect(first.status == 0, "\(first.stderr)")
        let listing = try Kraftfelt.run(["sessions", "--data", data]).stdout
        let before = try TestFiles.checksums(data)
        for _ in 0..<2 {
            let resumed = try Kraftfelt.run(["resume", "ws1", "--data", data], timeout: 60)
            #expect(resumed.status == 0)
            #expect(resumed.stderr == "session ws1 has finished; nothing to resume\n")
            #expect(resumed.stdout == transcript(first.stdout))
            #expect(try TestFiles.checksums(data) == before, "resume wrote to the data directory")
        }
        #expect(try Kraftfelt.run(["sessions", "--data", data]).stdout == listing)
    }

    @Test func resumingAFailedSessionShowsItsErrorAndChangesNothing() throws {
        let script = try TestFiles.script(
            "fails.lua",
            """
            return kf.exercise {
              id = "fails", title = { da = "Fejler", en = "Fails" }, minutes = 5,
              run = function(s)
                s:timer("1m", { da = "Vent", en = "Wait" })
                error("boom")
              end,
            }
            """)
        let data = TestFiles.folder()
        let first = try rehearse(script, data, "f1")
        #expect(first.status == 1)
        #expect(first.stderr.hasSuffix("error: fails.lua:5: boom\n"), "\(first.stderr)")
        let before = try TestFiles.checksums(data)
        let resumed = try Kraftfelt.run(["resume", "f1", "--data", data], timeout: 60)
        #expect(resumed.status == 1)
        #expect(resumed.stderr == "error: session f1 failed: fails.lua:5: boom; nothing to resume\n")
        #expect(resumed.stdout == transcript(first.stdout))
        #expect(try TestFiles.checksums(data) == before)
        #expect(
            try Kraftfelt.run(["sessions", "--data", data]).stdout.contains(
                "f1  \(script)  failed: fails.lua:5: boom  "))
    }

    /// A script that asks for ever: the rehearsal ends at its time limit with the
    /// transcript so far, and the session is saved as failed, so `resume` leaves it alone.
    @Test func aRehearsalThatNeverEndsStopsWithItsTranscriptAndIsNotResumed() throws {
        let script = try TestFiles.script(
            "forever.lua",
            """
            return kf.exercise {
              id = "forever", title = { da = "Altid", en = "Forever" }, minutes = 5,
              run = function(s)
                while true do s:ask(s.everyone, { da = "Igen?", en = "Again?", kind = "text", time = "1m" }) end
              end,
            }
            """)
        let data = TestFiles.folder()
        let first = try rehearse(script, data, "f1", ["--participants", "2"])
        let limit =
            "the rehearsal reached its limit of 24h of session time and the script was still waiting; does it ask "
            + "or wait forever?"
        #expect(first.status == 1)
        #expect(first.stderr.hasSuffix("error: \(limit)\n"), "\(first.stderr)")
        #expect(first.stdout.contains("ask everyone (text, 1m): Igen?\n"))
        #expect(first.stdout.hasSuffix("] error: \(limit)\n"))
        let listing = try Kraftfelt.run(["sessions", "--data", data]).stdout
        #expect(listing.hasPrefix("f1  \(script)  failed: \(limit)  "), "\(listing)")
        let before = try TestFiles.checksums(data)
        let resumed = try Kraftfelt.run(["resume", "f1", "--data", data], timeout: 60)
        #expect(resumed.status == 1)
        #expect(resumed.stderr.hasSuffix("error: session f1 failed: \(limit); nothing to resume\n"))
        #expect(try TestFiles.checksums(data) == before)
    }

    @Test func resumingAnAnonymisedSessionSaysItCannotBeReplayed() throws {
        let data = TestFiles.folder()
        #expect(try rehearse("maaling", data, "a1").status == 0)
        let anonymised = try Kraftfelt.run(["anonymise-participant", "p1", "--data", data])
        #expect(anonymised.stdout == "anonymised p1 in 1 session\n")
        let before = try TestFiles.checksums(data)
        let resumed = try Kraftfelt.run(["resume", "a1", "--data", data])
        #expect(resumed.status == 1)
        #expect(resumed.stdout == "")
        #expect(
            resumed.stderr
                == "error: session a1 was anonymised; nothing to resume (its log no longer replays to its transcript)\n"
        )
        #expect(try TestFiles.checksums(data) == before)
    }
}
