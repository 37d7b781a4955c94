import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// `s:remember` and `s:recall`: values kept beyond the moment, logged so that a replay
/// never writes twice and reads what the live run read.
struct ScriptStorageTests {
    static let wrongCalls: [(String, String)] = [
        (
            "s:remember('team', 'k', 1)",
            "x.lua:3: s:remember: 'scope' must be \"session\", \"exercise\", \"organisation\" or a person in this "
                + "session, got \"team\""
        ),
        (
            "s:remember(42, 'k', 1)",
            "x.lua:3: s:remember: 'scope' must be \"session\", \"exercise\", \"organisation\" or a person, got number"
        ),
        (
            "s:remember({ id = 'p9' }, 'k', 1)",
            "x.lua:3: s:remember: 'scope' must be a person in this session (a table with their id), got a table"
        ),
        ("s:remember('session', '', 1)", "x.lua:3: s:remember: 'key' must have 1 to 128 bytes, got 0"),
        ("s:remember('session', ('k'):rep(129), 1)", "x.lua:3: s:remember: 'key' must have 1 to 128 bytes, got 129"),
        ("s:remember('session', 7, 1)", "x.lua:3: s:remember: argument 'key' must be a string, got number"),
        ("s:remember('session', 'k', print)", "x.lua:3: s:remember: 'value': cannot store a function"),
        ("s:remember('session', 'k', { f = print })", "x.lua:3: s:remember: 'value': cannot store a function"),
        ("s:remember('session', 'k', 0/0)", "x.lua:3: s:remember: 'value': cannot store nan (only finite numbers)"),
        ("s:remember('session', 'k', { 1/0 })", "x.lua:3: s:remember: 'value': cannot store inf (only finite numbers)"),
        (
            "s:remember('session', 'k', ('x'):rep(70000))",
            "x.lua:3: s:remember: 'value' takes 70008 bytes stored; the limit is 65536"
        ),
        (
            "s:recall('everyone', 'k')",
            "x.lua:3: s:recall: 'scope' must be \"session\", \"exercise\", \"organisation\" or a person in this session, got \"everyone\""
        ),
        ("s.recall('session', 'k')", "x.lua:3: s:recall: call it with a colon, as s:recall(...)"),
        ("s:remember('session', 'a\\0b', 1)", "x.lua:3: s:remember: 'key' must be text (UTF-8, no NUL bytes)"),
        ("s:recall('session', '\\255')", "x.lua:3: s:recall: 'key' must be text (UTF-8, no NUL bytes)"),
        ("s:add('session', 'k', 'many')", "x.lua:3: s:add: argument 'amount' must be a number, got string"),
        ("s:add('session', 'k', 0/0)", "x.lua:3: s:add: 'amount' must be a finite number, got nan"),
    ]

    @Test(arguments: wrongCalls)
    func wrongCallsFailWithTheExactMessageAndStoreNothing(_ call: String, _ expected: String) throws {
        let log = MemoryLog()
        let session = try openSession(exercise("s:remember('session', 'before', 1)\n" + call), log: log)
        #expect(session.failure == expected.replacingOccurrences(of: "x.lua:3:", with: "x.lua:4:"))
        #expect(log.storage.values.count == 1)
        #expect(log.events.filter(\.isStorage).count == 1)
    }

    @Test func valuesComeBackAsTheyWereKeptInEveryScope() throws {
        let script = exercise(
            """
            local p = s:participants()[1]
            local value = { 1, 2.5, "tre", nested = { deep = true }, [10] = "ti", bytes = "\\0\\255" }
            for _, scope in ipairs { "session", "exercise", "organisation" } do s:remember(scope, "v", value) end
            s:remember(p, "v", value)
            s:remember("p2", "goal", "mål")
            local back = {}
            for _, scope in ipairs { "session", "exercise", "organisation" } do back[#back + 1] = s:recall(scope, "v") end
            back[#back + 1] = s:recall(p, "v")
            for _, v in ipairs(back) do
              assert(v[1] == 1 and math.type(v[1]) == "integer" and v[2] == 2.5 and v[3] == "tre")
              assert(v.nested.deep == true and v[10] == "ti" and v.bytes == "\\0\\255")
            end
            assert(s:recall("p2", "goal") == "mål" and s:recall("p3", "goal") == nil)
            s:remember("session", "v", nil)
            assert(s:recall("session", "v") == nil and s:recall("organisation", "v") ~= nil)
            return "ok"
            """)
        let log = MemoryLog()
        let session = try openSession(script, log: log)
        #expect(session.failure == nil)
        #expect(session.state == .finished)
        let kept = log.storage.values.keys.map { "\($0.kind) \($0.owner) \($0.key)" }.sorted()
        #expect(kept == ["exercise x v", "organisation  v", "participant p1 v", "participant p2 goal"])
        #expect(session.transcript.lines.contains("[00:00] remember Bo: goal = mål"))
    }

    /// A log replayed into a fresh engine with empty storage gives the same transcript:
    /// reads come from the log, and nothing is written again.
    @Test func aReplayReadsFromTheLogAndWritesNothing() throws {
        let script = exercise(
            """
            local count = (s:recall("organisation", "runs") or 0) + 1
            s:remember("organisation", "runs", count)
            local answers = s:ask(s.everyone, { da = "Mål?", en = "Goal?", time = "1m" })
            for _, a in ipairs(answers) do s:remember(a.who, "goal", a.value) end
            s:show("run " .. count)
            """)
        let shared = MemoryStorage()
        for run in 1...3 {
            let log = MemoryLog(storage: shared)
            let session = try openSession(script, log: log)
            let ask = try #require(session.openAskIDs.first)
            for id in ["p1", "p2", "p3"] {
                try session.submit(.answer(ask: ask, participant: id, value: .text("mål \(id) \(run)"), at: 1000))
            }
            #expect(session.state == .finished)
            #expect(session.transcript.lines.contains("[00:01] show: run \(run)"))

            let empty = MemoryLog()
            let replayed = try Session(definition: session.definition, log: empty)
            try replayed.replay(log.events)
            #expect(replayed.transcript == session.transcript)
            #expect(empty.events.isEmpty && empty.storage.values.isEmpty)
        }
        #expect(shared.values[MemoryStorage.Key(kind: "organisation", owner: "", key: "runs")]?.value == .integer(3))
        #expect(
            shared.values[MemoryStorage.Key(kind: "participant", owner: "p2", key: "goal")]?.value
                == .string("mål p2 3"))
    }

    /// The host died after an answer was logged but before the writes it set off: the
    /// replay takes the writes that made it into the log, then goes on live.
    @Test func aLogCutBetweenTheWritesAnInputSetOffIsCompletedOnce() throws {
        let script = exercise(
            """
            local answers = s:ask(s.everyone, { da = "Mål?", en = "Goal?", time = "1m" })
            for _, a in ipairs(answers) do s:remember(a.who, "goal", a.value) end
            s:remember("organisation", "goals", #answers)
            """)
        let whole = MemoryLog()
        let session = try openSession(script, log: whole)
        let ask = try #require(session.openAskIDs.first)
        for id in ["p1", "p2", "p3"] {
            try session.submit(.answer(ask: ask, participant: id, value: .text("mål \(id)"), at: 1000))
        }
        let writes = whole.events.filter(\.isStorage).count
        #expect(writes == 4)
        let firstWrite = try #require(whole.events.firstIndex { $0.isStorage })
        for cut in 0...writes {
            // The host died after `cut` of the writes (before the check of the transcript).
            let kept = Array(whole.events.prefix(firstWrite + cut))
            let log = MemoryLog()
            for event in kept { try log.append(event) }
            let resumed = try Session(definition: session.definition, log: log)
            try resumed.replay(kept)
            #expect(log.events == whole.events, "cut after \(cut) of \(writes) writes")
            #expect(log.storage.values == whole.storage.values)
            #expect(resumed.transcript == session.transcript)
        }
    }

    @Test func aLogThatDoesNotFitTheScriptsIsRefused() throws {
        let log = MemoryLog()
        let session = try openSession(exercise("s:remember('session', 'k', 1)\ns:timer('1m')"), log: log)
        var events = log.events
        let index = try #require(events.firstIndex { $0.isStorage })
        guard case .stored(var write, let at) = events[index] else { Issue.record("not a write"); return }
        write.value = try StoredValue(.integer(2))
        events[index] = .stored(write, at: at)
        let fresh = try Session(definition: session.definition)
        let error = try #require(throws: SessionError.self) { try fresh.replay(events) }
        #expect(
            error.message.hasPrefix("the log does not fit the scripts: the script wrote session \"k\"; the log has"))

        let extra = log.events + [.stored(StorageWrite(scope: .session, key: "x", value: nil), at: 0)]
        let other = try Session(definition: session.definition)
        let second = try #require(throws: SessionError.self) { try other.replay(extra) }
        #expect(
            second.message
                == "the log does not fit the scripts: event \(extra.count) is a storage event the scripts did not make")
    }

    @Test func storageEventsCannotBeSubmittedFromOutside() throws {
        let session = try openSession(exercise("s:timer('1m')"))
        let error = try #require(throws: SessionError.self) {
            try session.submit(.stored(StorageWrite(scope: .organisation, key: "k", value: nil), at: 10))
        }
        #expect(error.message == "storage events come from the script, not from outside")
    }

    /// A full scope refuses the write with a message the script can catch; the refusal is
    /// logged, so a replay refuses it the same way even where the scope has room.
    @Test func aFullScopeRefusesTheWriteAndTheReplayRefusesItToo() throws {
        let script = exercise(
            """
            local big = ("x"):rep(60000)
            local kept = 0
            for i = 1, 40 do
              local ok, err = pcall(s.remember, s, "organisation", "k" .. i, big)
              if not ok then s:show(err) break end
              kept = i
            end
            s:show("kept " .. kept)
            s:remember("organisation", "k1", "small")
            s:show(s:recall("organisation", "k2") == big and "k2 intact" or "k2 lost")
            """)
        let log = MemoryLog()
        let session = try openSession(script, log: log)
        #expect(session.failure == nil)
        // Each value takes 60,008 bytes stored ({"s":"…"}) plus its key: k1…k9, then k10….
        let full = StorageLimits.full(.organisation, holding: 17 * 60_008 + 9 * 2 + 8 * 3, adding: 60_011).message
        #expect(session.transcript.lines.contains("[00:00] show: s:remember: \(full)"))
        #expect(session.transcript.lines.contains("[00:00] show: kept 17"))
        #expect(session.transcript.lines.contains("[00:00] show: k2 intact"))
        #expect(log.storage.values.count == 17)

        let replayed = try Session(definition: session.definition)
        try replayed.replay(log.events)
        #expect(replayed.transcript == session.transcript)
    }

    @Test func sessionStorageIsTheSessionsOwnAndSharedScopesAreShared() throws {
        let shared = MemoryStorage()
        let first = try openSession(
            exercise("s:remember('session', 'k', 'first'); s:remember('organisation', 'k', 'first')"),
            log: MemoryLog(storage: shared, session: "a"))
        #expect(first.state == .finished)
        let second = try openSession(
            exercise("s:show(tostring(s:recall('session', 'k')) .. ' ' .. s:recall('organisation', 'k'))"),
            log: MemoryLog(storage: shared, session: "b"))
        #expect(second.transcript.lines.contains("[00:00] show: nil first"))
    }

    /// Counting from several sessions at once loses nothing, and a count that meets
    /// something else is refused the same way in a replay.
    @Test func addingCountsAcrossSessionsAndRefusesWhatIsNotANumber() throws {
        let shared = MemoryStorage()
        let script = exercise(
            """
            s:add("organisation", "ties", 3)
            s:add("organisation", "ties", 0.5)
            s:add("session", "mine", 2)
            s:add("session", "mine", 5)
            s:show(s:recall("organisation", "ties") .. " " .. s:recall("session", "mine"))
            s:remember("organisation", "word", "x")
            local ok, err = pcall(s.add, s, "organisation", "word", 1)
            s:show(err)
            s:remember("session", "word", "x")
            ok, err = pcall(s.add, s, "session", "word", "2")
            s:show(err)
            """)
        var logs: [MemoryLog] = []
        for run in 1...3 {
            let log = MemoryLog(storage: shared, session: "s\(run)")
            let session = try openSession(script, log: log)
            #expect(session.state == .finished)
            #expect(session.transcript.lines.contains("[00:00] show: \(Double(run) * 3.5) 7"))
            #expect(
                session.transcript.lines.filter {
                    $0 == "[00:00] show: s:add: cannot add to \"word\": it holds a string, not a number"
                }.count == 2)
            let replayed = try Session(definition: session.definition)
            try replayed.replay(log.events)
            #expect(replayed.transcript == session.transcript)
            logs.append(log)
        }
        #expect(shared.values[MemoryStorage.Key(kind: "organisation", owner: "", key: "ties")]?.value == .number(10.5))
        #expect(shared.values[MemoryStorage.Key(kind: "session", owner: "s2", key: "mine")]?.value == .integer(7))
    }

    /// A script that reads in a loop cannot grow the log without end.
    @Test func aSessionsStorageBudgetBoundsItsLog() throws {
        let log = MemoryLog()
        let session = try openSession(
            exercise(
                """
                s:remember("organisation", "k", 1)
                local reads = 0
                for i = 1, 20000 do
                  local ok, err = pcall(s.recall, s, "organisation", "k")
                  if not ok then s:show(reads .. ": " .. err) break end
                  reads = reads + 1
                end
                """), log: log)
        #expect(session.state == .finished)
        #expect(
            session.transcript.lines.contains(
                "[00:00] show: 9999: s:recall: the session's storage budget is spent: at most 10000 reads and "
                    + "writes of 16 MB in all"))
        #expect(log.events.filter(\.isStorage).count == StorageLimits.sessionEvents)
        let replayed = try Session(definition: session.definition)
        try replayed.replay(log.events)
        #expect(replayed.transcript == session.transcript)
    }

    /// A log that fails to append, once: the first storage write.
    final class FailingLog: SessionLog {
        let inner = MemoryLog()
        var failed = false
        var events: [SessionEvent] { inner.events }
        func append(_ event: SessionEvent) throws -> Int {
            if event.isStorage && !failed {
                failed = true
                throw SessionError("disk on fire")
            }
            return try inner.append(event)
        }
        func storedValue(_ scope: StorageScope, key: String) throws -> StoredValue? {
            try inner.storedValue(scope, key: key)
        }
    }

    /// A store that fails under a write stops the session even where the script catches
    /// errors; resuming from the log finishes it as an uninterrupted run would.
    @Test(arguments: [false, true])
    func aFailingStoreHaltsTheSessionAndResumeFinishesIt(_ caught: Bool) throws {
        let body = """
            local answers = s:ask(s.everyone, { da = "Mål?", en = "Goal?", time = "1m" })
            for _, a in ipairs(answers) do \(caught ? "pcall(s.remember, s," : "s:remember(") a.who, "goal", a.value) end
            s:remember("organisation", "done", #answers)
            s:timer("1m")
            """
        let whole = try openSession(exercise(body))
        let failing = FailingLog()  // the first write fails
        let session = try openSession(exercise(body), log: failing)
        let ask = try #require(session.openAskIDs.first)
        for id in ["p1", "p2", "p3"] where session.state == .running {
            try session.submit(.answer(ask: ask, participant: id, value: .text("mål \(id)"), at: 1000))
        }
        try #require(whole.openAskIDs.first == ask)
        for id in ["p1", "p2", "p3"] {
            try whole.submit(.answer(ask: ask, participant: id, value: .text("mål \(id)"), at: 1000))
        }
        #expect(session.failure == "storage is not available: disk on fire")
        #expect(failing.events.filter(\.isStorage).isEmpty)

        let log = MemoryLog()
        for event in failing.events { try log.append(event) }
        let resumed = try Session(definition: session.definition, log: log)
        try resumed.replay(failing.events)
        #expect(resumed.state == .running)
        #expect(log.events.filter(\.isStorage).count == 4)
        try resumed.submit(.timerEnded(timer: try #require(resumed.nextDeadline).timer, at: 61_000))
        try whole.submit(.timerEnded(timer: try #require(whole.nextDeadline).timer, at: 61_000))
        #expect(resumed.state == .finished)
        #expect(resumed.transcript == whole.transcript)
    }
}
