import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// Stops, checks of the transcript and the host's stamp: what makes a replay in a new
/// process the session that ran, or makes it say that it is not.
struct ReplayStopTests {
    /// A stop made by the wall clock is logged with its position; the replay, which has
    /// no deadline, stops at the same check point with the same message and transcript.
    @Test func aTimeLimitStopIsLoggedAndReplayedExactly() throws {
        let limits = SandboxLimits(instructionsPerRun: nil, secondsPerRun: 0.05)
        let log = MemoryLog()
        let session = try openSession(
            exercise("local n = 0\nwhile true do n = n + 1 if n % 5000 == 0 then s:show(n) end end"), log: log,
            limits: limits)
        let message = try #require(session.failure)
        #expect(message.hasPrefix("x.lua:4: time limit exceeded"))
        let stops = log.events.compactMap { event -> StopRecord? in
            if case .stopped(let stop, _) = event { stop } else { nil }
        }
        #expect(stops.count == 1)
        #expect(stops.first?.cause == .time && stops.first?.work != nil)

        let replayed = try Session(definition: session.definition)
        try replayed.replay(log.events)
        #expect(replayed.failure == message)
        #expect(replayed.transcript == session.transcript)
    }

    @Test func aReplayThatWritesADifferentTranscriptSaysSoAndStops() throws {
        let log = MemoryLog()
        let session = try openSession(exercise("s:show('første')\ns:timer('1m')"), log: log)
        #expect(session.state == .running)
        var events = log.events
        let index = try #require(events.lastIndex { if case .checked = $0 { true } else { false } })
        guard case .checked(var check, let at) = events[index] else { return }
        check.digest = "0"
        events[index] = .checked(check, at: at)
        let replayed = try Session(definition: session.definition)
        let error = try #require(throws: SessionError.self) { try replayed.replay(events) }
        #expect(
            error.message
                == "resuming does not reproduce the session: after event \(index) the live session's transcript had "
                + "\(check.lines) lines, the replay's has \(check.lines) that differ; the scripts or the host behave "
                + "differently now")
    }

    @Test func aStopTheHostsWatchdogMadeEndsTheReplayAtThatInput() throws {
        let log = MemoryLog()
        let session = try openSession(exercise("s:wait_for_trainer()\ns:show('efter')"), log: log)
        var events = log.events
        events.append(.trainer(.advance, at: 9000))
        let stop = StopRecord.watchdog(seconds: 2)
        events.append(.stopped(stop, at: 9000))
        let replayed = try Session(definition: session.definition)
        try replayed.replay(events)
        #expect(replayed.failure == stop.message)
        #expect(replayed.transcript.lines.last == "[00:09] error: " + stop.message)
        #expect(!replayed.transcript.lines.contains { $0.contains("efter") }, "the step it ended did not run")
    }

    @Test func aLogFromAHostThatReplaysDifferentlyIsRefused() throws {
        let session = try openSession(exercise("s:timer('1m')"))
        guard case .start(var start) = session.log.events.first else {
            Issue.record("no start event")
            return
        }
        let here = try #require(start.host)
        func refusal(_ host: HostStamp?) throws -> String {
            start.host = host
            let fresh = try Session(definition: session.definition)
            return try #require(throws: SessionError.self) { try fresh.replay([.start(start)]) }.message
        }
        #expect(
            try refusal(nil)
                == "the session was started by a Kraftfelt before 0.4, which did not record how it ran its scripts; "
                + "this host (Kraftfelt \(here.kraftfelt)) cannot resume it exactly (its data can still be exported)")
        var older = here
        older.replay = here.replay - 1
        older.kraftfelt = "0.3.9"
        #expect(
            try refusal(older)
                == "the session was started by Kraftfelt 0.3.9 with \(here.lua), which replays scripts differently "
                + "from this host (Kraftfelt \(here.kraftfelt) with \(here.lua)); resume it with Kraftfelt 0.3.9")
        var elsewhere = here
        elsewhere.platform = "riscv64 libc 9.9"
        #expect(try refusal(elsewhere).hasPrefix("the session was started on riscv64 libc 9.9, this host is "))
        var tighter = here
        tighter.limits.secondsPerRun = 1
        #expect(try refusal(tighter).hasPrefix("the session was started with other limits (64 MiB, "))
        var newer = here
        newer.kraftfelt = "9.9.9"
        #expect(throws: Never.self) {
            start.host = newer
            try Session(definition: session.definition).replay([.start(start)])
        }
    }

    /// A read that the budget's bytes refuse (only the value read tells) is logged as
    /// refused, so a replay refuses it at the same read and goes on the same way.
    @Test func aReadPastTheStorageBudgetsBytesIsRefusedTheSameInTheReplay() throws {
        let log = MemoryLog()
        let session = try openSession(
            exercise(
                """
                s:remember("organisation", "big", string.rep("x", 60000))
                local reads = 0
                while true do
                  local ok, err = pcall(s.recall, s, "organisation", "big")
                  if not ok then s:show(reads .. ": " .. err) break end
                  reads = reads + 1
                end
                s:timer("1m")
                """), log: log)
        #expect(session.state == .running)
        let shown = try #require(session.transcript.lines.first { $0.contains("show: ") })
        #expect(
            shown.hasSuffix(
                ": s:recall: the session's storage budget is spent: at most 10000 reads and writes of 16 MB in all"))
        let replayed = try Session(definition: session.definition)
        try replayed.replay(log.events)
        #expect(replayed.transcript == session.transcript)
    }

    @Test func theTrainerCanEndASessionAndAReasonFailsIt() throws {
        let finished = try openSession(exercise("s:timer('10m')"))
        try finished.submit(.trainer(.end(reason: nil), at: 1000))
        #expect(finished.state == .finished)
        #expect(finished.transcript.lines.last == "[00:01] the trainer ended the session")
        #expect(finished.nextDeadline == nil)

        let failed = try openSession(exercise("s:timer('10m')"))
        try failed.submit(.trainer(.end(reason: "the room emptied"), at: 1000))
        #expect(failed.failure == "the room emptied")
        let refused = try #require(throws: SessionError.self) {
            try failed.submit(.trainer(.end(reason: nil), at: 2000))
        }
        #expect(refused.message == "the session has ended")
    }
}
