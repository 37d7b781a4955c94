import KraftfeltLua

extension Session {
    /// Runs the body of a session function (`s:ask`, `s:show`, …): nothing once the session
    /// has ended, and the session ends, and the script with it, when what the body wrote
    /// filled the transcript.
    func guarded(_ call: HostCall, _ body: (HostCall) throws -> HostResult) throws -> HostResult {
        guard state == .running else { return try halted(call) }
        let result: HostResult
        do {
            result = try body(call)
        } catch {
            endIfTranscriptIsFull()
            throw error
        }
        return endIfTranscriptIsFull() ? try halted(call) : result
    }

    /// A script that calls the session after it ended waits for good (where it can wait;
    /// elsewhere it gets an error, and the run's limits end it).
    private func halted(_ call: HostCall) throws(HostError) -> HostResult {
        guard call.canSuspend else { throw HostError("the session has ended") }
        return .suspend(RunningThread.Wait.halted)
    }

    /// Fails the session once its transcript is full; true when it is.
    @discardableResult
    func endIfTranscriptIsFull() -> Bool {
        guard transcript.isFull else { return false }
        if state == .running || state == .notStarted {
            fail(
                ScriptError(
                    .runtime,
                    "the session's transcript reached its limit of \(SessionLimits.bytes(transcript.limit)); "
                        + "the script printed or showed more than one session can keep"))
        }
        return true
    }

    /// A line the script printed, cut like every entry a script makes.
    func printed(_ line: String) {
        guard state == .running else { return }
        transcript.add(at: clock.now, "print: " + Self.clip(line))
        endIfTranscriptIsFull()
    }

    /// A transcript entry from a script, at most ``SessionLimits/entryBytes`` (cut at a
    /// character boundary): a script cannot grow the host's memory through one entry.
    static func clip(_ text: String) -> String {
        let limit = SessionLimits.entryBytes
        guard text.utf8.count > limit else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
        while end > text.startIndex, text.utf8[end] & 0xC0 == 0x80 { end = text.utf8.index(before: end) }
        return String(decoding: text.utf8[..<end], as: UTF8.self) + " … (cut: more than \(SessionLimits.bytes(limit)))"
    }

    /// The session time `milliseconds` from now, for a timer or a question's time limit.
    func deadline(in milliseconds: Int64, for name: String) throws(HostError) -> Int64 {
        let (deadline, overflow) = clock.now.addingReportingOverflow(milliseconds)
        guard !overflow, deadline <= Int64.max / 2 else {
            throw HostError("the session's clock (\(clock.now) ms) is too far along for \(name)")
        }
        return deadline
    }
}
