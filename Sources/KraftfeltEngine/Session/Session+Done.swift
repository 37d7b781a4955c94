/// A group that is done before its time: each member here says so from their phone, and
/// when all of them have, the group's timer ends early for that group only.
extension Session {
    /// The group flow a person is in and the timer it waits on now, if it waits on one.
    func groupTimer(of who: String) -> (group: Int, timer: Int)? {
        guard let group = groupThreadOf[who], case .timer(let id)? = threads[group]?.wait, timers[id] != nil else {
            return nil
        }
        return (group, id)
    }

    /// Refuses a "we're done" that does not fit: from someone not here, not in a group,
    /// whose group is not waiting on a timer, or who has said it already.
    func checkSaidDone(_ who: String) throws {
        guard participantIndex[who] != nil, !removed.contains(who) else {
            throw SessionError("\(who) is not in this session", code: .notInSession)
        }
        guard present.contains(who) else { throw SessionError("\(who) is not here", code: .notInSession) }
        guard let group = groupThreadOf[who] else {
            throw SessionError("\(who) is not in a group now", code: .notInSession)
        }
        let index = groupIndex[group] ?? 0
        guard let waiting = groupTimer(of: who) else {
            throw SessionError("group \(index) is not waiting on a timer", code: .notOpen)
        }
        guard timers[waiting.timer]?.saidDone.contains(who) != true else {
            throw SessionError("\(who) has already said group \(index) is done", code: .alreadyAnswered)
        }
    }

    /// Someone says their group is done (checked by ``checkSaidDone(_:)``).
    func sayDone(_ who: String) {
        guard let waiting = groupTimer(of: who) else { return }
        timers[waiting.timer]?.saidDone.append(who)
        endIfGroupIsDone(waiting.group)
    }

    /// Ends a group's timer early once everyone of the group who is here has said done
    /// (someone who left no longer counts, someone placed in the group late does).
    func endIfGroupIsDone(_ group: Int) {
        guard state == .running, case .timer(let id)? = threads[group]?.wait, let timer = timers[id] else { return }
        let here = presentMembers(of: group)
        guard !here.isEmpty, here.allSatisfy(timer.saidDone.contains) else { return }
        timers.removeValue(forKey: id)
        let left = DurationText.format(max(0, timer.deadline - clock.now))
        let label = timer.label.isEmpty ? "" : ": \(timer.label)"
        note("done early (\(here.count) of \(here.count) said done) with \(left) left\(label)", thread: group)
        resume(group, with: [])
    }

    /// Who of a group here said done, of how many here: what the screens show of a group's timer.
    func saidDone(timer: RunningTimer) -> (said: [String], here: Int)? {
        guard let group = timer.thread, threads[group]?.group != nil else { return nil }
        let here = presentMembers(of: group)
        return (timer.saidDone.filter { present.contains($0) }, here.count)
    }
}
