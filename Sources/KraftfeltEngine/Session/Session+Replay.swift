import KraftfeltLua

/// Replaying a session exactly: logged stops, and the check of what the replay writes.
extension Session {
    /// The stop logged for the step of the input just taken (event `number`), if any: it
    /// follows that input's storage events.
    func stopLogged(after number: Int) -> StopRecord? {
        var index = number
        while index < replayQueue.count, replayQueue[index].isEffect {
            if case .stopped(let stop, _) = replayQueue[index] { return stop }
            index += 1
        }
        return nil
    }

    /// Passes over the logged events of a step the watchdog ended, up to its stop.
    func skipLogged(through stop: StopRecord) {
        while replayIndex < replayQueue.count, replayQueue[replayIndex].isEffect {
            let event = replayQueue[replayIndex]
            replayIndex += 1
            if case .stopped(let logged, _) = event, logged == stop { return }
        }
    }

    /// When a limit stopped the scripts: logs where (live), or takes the logged stop and
    /// its error (replaying); returns the error the session ends with.
    func recordStop(_ error: ScriptError) -> ScriptError {
        guard let position = vm.stopPosition else { return error }
        if replaying {
            guard let logged = loggedStop, logged.position == position else {
                replayFailure =
                    replayFailure
                    ?? "resuming does not reproduce the session: the replay was stopped by the \(position.limit) "
                    + "limit while it ran event \(replayIndex), where the live session was not"
                return error
            }
            loggedStop = nil
            guard replayIndex < replayQueue.count, case .stopped = replayQueue[replayIndex] else {
                replayFailure =
                    replayFailure
                    ?? "the log does not fit the scripts: the replay stopped before it made every storage event "
                    + "the live session made"
                return error
            }
            replayIndex += 1
            return ScriptError(logged.code, logged.message, traceback: error.traceback)
        }
        // Logged before anyone sees the failure; if the store fails too, the session ends
        // all the same, and a resume runs the step again.
        _ = try? log.append(.stopped(StopRecord(position, message: error.message), at: clock.now))
        return error
    }

    /// The transcript's hash, brought up to date.
    private func digestNow() -> String {
        let lines = transcript.lines
        while digestedLines < lines.count {
            digest.add(lines[digestedLines].utf8)
            digest.add([10])
            digestedLines += 1
        }
        return digest.text
    }

    /// After a live step: the check of the transcript goes with the next input, or into
    /// the log now when the session has ended.
    func noteOutput() {
        guard transcript.lines.count != checkedLines, !halted else { return }
        let check = SessionEvent.checked(
            OutputCheck(lines: transcript.lines.count, digest: digestNow()), at: clock.now)
        checkedLines = transcript.lines.count
        if state == .running {
            pendingCheck = check
        } else {
            pendingCheck = nil
            _ = try? log.append(check)
        }
    }

    /// After a replayed step: compares the transcript with the logged check, if there is one.
    func checkOutput(after number: Int) {
        guard replayIndex < replayQueue.count, case .checked(let logged, _) = replayQueue[replayIndex] else { return }
        replayIndex += 1
        checkedLines = transcript.lines.count
        let digest = digestNow()
        guard replayFailure == nil, logged.lines != transcript.lines.count || logged.digest != digest else { return }
        replayFailure =
            "resuming does not reproduce the session: after event \(number) the live session's transcript had "
            + "\(logged.lines) lines, the replay's has \(transcript.lines.count)"
            + (logged.lines == transcript.lines.count ? " that differ" : "")
            + "; the scripts or the host behave differently now"
    }
}
