import Foundation
import KraftfeltLua

extension Session {
    /// Refuses an event that does not fit the session now, before anything is logged.
    func check(_ event: SessionEvent) throws {
        if case .start(let start) = event {
            guard state == .notStarted else { throw SessionError("the session has already started", code: .outOfOrder) }
            guard start.seed == definition.seed, start.startedAt == definition.startedAt,
                start.language == nil || start.language == definition.language
            else {
                throw SessionError(
                    "the log was written for another session (seed \(start.seed), start \(start.startedAt), "
                        + "language \(start.language ?? "?"))")
            }
            guard start.sourceHash == definition.sourceHash else {
                throw SessionError(
                    "the log was written by other scripts (source hash \(start.sourceHash), "
                        + "these scripts have \(definition.sourceHash))")
            }
            guard start.pack == definition.pack else {
                throw SessionError(
                    "the log was written for scripts from \(Self.describePack(start.pack)), "
                        + "these scripts are from \(Self.describePack(definition.pack))")
            }
            try checkHost(start.host)
            return
        }
        guard state != .notStarted else { throw SessionError("the session has not started yet", code: .notStarted) }
        guard state == .running else { throw SessionError("the session has ended", code: .ended) }
        guard event.at <= SessionLimits.latestEventTime else {
            throw SessionError("an event at \(event.at) ms is later than a session can last (ten years)")
        }
        guard event.at >= clock.now else {
            throw SessionError(
                "events must come in time order: \(event.at) ms is before \(clock.now) ms", code: .outOfOrder)
        }
        switch event {
        case .start: break
        case .stored, .recalled:
            throw SessionError("storage events come from the script, not from outside")
        case .stopped, .checked:
            throw SessionError("stops and checks of the transcript come from the host, not from outside")
        case .join(let participant, _):
            guard !participant.id.isEmpty, participant.id.utf8.count <= 64 else {
                throw SessionError("a participant id must have 1 to 64 bytes")
            }
            guard participant.name.utf8.count <= 200, !participant.name.trimmingCharacters(in: .whitespaces).isEmpty
            else {
                throw SessionError("a participant's name must have 1 to 80 characters")
            }
            guard participant.area.utf8.count <= 200, participant.language.utf8.count <= 16 else {
                throw SessionError("a participant's area must have at most 200 bytes")
            }
            guard participant.strengths.count <= 20, participant.strengths.allSatisfy({ $0.utf8.count <= 200 }),
                participant.attributes.count <= 20,
                participant.attributes.allSatisfy({ $0.key.utf8.count <= 64 && $0.value.utf8.count <= 200 })
            else {
                throw SessionError("a participant has at most 20 strengths and 20 attributes of 200 bytes each")
            }
            guard !removed.contains(participant.id) else {
                throw SessionError("the trainer removed \(participant.id) from the session", code: .notInSession)
            }
            guard !present.contains(participant.id) else {
                throw SessionError("\(participant.id) is already here", code: .alreadyHere)
            }
        case .leave(let id, _):
            guard present.contains(id) else { throw SessionError("\(id) is not here", code: .notInSession) }
        case .answer(let askID, let who, let value, _):
            guard !removed.contains(who) else {
                throw SessionError("the trainer removed \(who) from the session", code: .notInSession)
            }
            guard !listensOnly(who) else { throw SessionError("\(who) only listens now", code: .notInSession) }
            guard let ask = asks[askID] else { throw SessionError("question \(askID) is not open", code: .notOpen) }
            guard ask.members.contains(who) else {
                throw SessionError("\(who) was not asked question \(askID)", code: .notInSession)
            }
            guard ask.answers[who] == nil else {
                throw SessionError("\(who) has already answered question \(askID)", code: .alreadyAnswered)
            }
            try validate(value, for: ask.question)
        case .saidDone(let who, _):
            try checkSaidDone(who)
        case .timerEnded(let id, let at):
            guard let timer = timers[id] else { throw SessionError("timer \(id) is not running", code: .notOpen) }
            guard at >= timer.deadline else { throw SessionError("timer \(id) runs until \(timer.deadline) ms") }
        case .trainer(let action, _):
            switch action {
            case .advance: break
            case .extend(let id, let seconds):
                guard timers[id] != nil else { throw SessionError("timer \(id) is not running", code: .notOpen) }
                guard seconds > 0, seconds <= 3600 else { throw SessionError("a timer is extended by 1 s to 1 h") }
            case .skip(let id):
                guard timers[id] != nil else { throw SessionError("timer \(id) is not running", code: .notOpen) }
            case .remove(let id):
                guard participantIndex[id] != nil, !removed.contains(id) else {
                    throw SessionError("\(id) is not in this session", code: .notInSession)
                }
            case .end(let reason):
                guard (reason?.utf8.count ?? 0) <= 1000 else {
                    throw SessionError("the reason for ending a session has at most 1000 bytes")
                }
            }
        }
    }

    /// Checks an answer against its question: the option exists, the scale value is in range, ….
    func validate(_ answer: Answer, for question: Question) throws {
        switch (question.kind, answer) {
        case (.text, .text(let text)):
            guard text.utf8.count <= 8000 else { throw SessionError("the answer is longer than 2000 characters") }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw SessionError("the answer is empty") }
            guard text.count <= 2000 else { throw SessionError("the answer is longer than 2000 characters") }
        case (.choice, .text(let option)):
            guard question.options.contains(option) else {
                throw SessionError("\"\(option)\" is not one of the options")
            }
        case (.choices, .list(let options)), (.vote, .list(let options)):
            guard options.count <= question.options.count else {
                throw SessionError("the answer has more options than the question")
            }
            guard Set(options).count == options.count else { throw SessionError("an option is chosen twice") }
            for option in options where !question.options.contains(option) {
                throw SessionError("\"\(option)\" is not one of the options")
            }
        case (.rank, .list(let order)):
            guard order.sorted() == question.options.sorted() else {
                throw SessionError("a ranking must put every option in order, once")
            }
        case (.scale, .number(let value)), (.number, .number(let value)):
            guard value.isFinite else { throw SessionError("the answer must be a number") }
            if question.kind == .scale && value != value.rounded() {
                throw SessionError("a scale answer is a whole number")
            }
            if let range = question.range, !range.contains(value) {
                throw SessionError(
                    "the answer must be from \(Self.number(range.lowerBound)) to \(Self.number(range.upperBound))")
            }
        case (.person, .text(let id)):
            guard participantIndex[id] != nil else {
                throw SessionError("\(id) is not in this session")
            }
        case (.list, .list(let items)):
            try validateList(items, for: question)
        default:
            throw SessionError("a \(question.kind.rawValue) question cannot take that kind of answer")
        }
    }

    /// Checks a list answer: `min` to `max` items, each a text answer's 1 to 2000 characters
    /// (not only spaces), none the same as another (compared without the spaces around them).
    func validateList(_ items: [String], for question: Question) throws {
        let low = Int(question.range?.lowerBound ?? 1)
        let high = Int(question.range?.upperBound ?? Double(SessionLimits.listItemsDefault))
        guard items.count <= high else {
            throw SessionError("the answer can have at most \(high) item\(high == 1 ? "" : "s"), got \(items.count)")
        }
        guard items.count >= low else {
            throw SessionError("the answer needs at least \(low) item\(low == 1 ? "" : "s"), got \(items.count)")
        }
        var seen: [String: Int] = [:]
        for (offset, item) in items.enumerated() {
            let number = offset + 1
            guard item.utf8.count <= 8000, item.count <= 2000 else {
                throw SessionError("item \(number) of the answer is longer than 2000 characters")
            }
            let trimmed = item.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw SessionError("item \(number) of the answer is empty") }
            if let first = seen.updateValue(number, forKey: trimmed) {
                throw SessionError("item \(number) of the answer is the same as item \(first)")
            }
        }
    }

    /// `3`, `2.86`: numbers as the transcript shows them.
    static func number(_ d: Double) -> String {
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        if !d.isFinite || abs(d) >= 1e15 { return String(format: "%g", d) }
        var text = String(format: "%.2f", d)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// Refuses a log written by a host that runs scripts differently from this one.
    func checkHost(_ stamp: HostStamp?) throws {
        let here = HostStamp.current(limits: definition.limits)
        guard let stamp else {
            throw SessionError(
                "the session was started by a Kraftfelt before 0.4, which did not record how it ran its scripts; "
                    + "this host (Kraftfelt \(here.kraftfelt)) cannot resume it exactly (its data can still be exported)"
            )
        }
        guard stamp.replay == here.replay, stamp.lua == here.lua else {
            throw SessionError(
                "the session was started by Kraftfelt \(stamp.kraftfelt) with \(stamp.lua), which replays scripts "
                    + "differently from this host (Kraftfelt \(here.kraftfelt) with \(here.lua)); resume it with "
                    + "Kraftfelt \(stamp.kraftfelt)")
        }
        guard stamp.platform == here.platform else {
            throw SessionError(
                "the session was started on \(stamp.platform ?? "another machine"), this host is \(here.platform ?? "?"); "
                    + "its scripts' arithmetic could replay differently here: resume it on a host like the first")
        }
        guard stamp.limits == here.limits else {
            throw SessionError(
                "the session was started with other limits (\(Self.describeLimits(stamp.limits))) than this host's "
                    + "(\(Self.describeLimits(here.limits))); a replay with other limits could end differently")
        }
    }

    /// `the pack dk.kommune.netvaerk 1.2.0 (sha256 …, trusted, permissions measures)`, or
    /// `no pack`, for a start event that does not fit the session.
    static func describePack(_ pack: PackProvenance?) -> String {
        guard let pack else { return "no pack" }
        let may = ScriptPermission.allCases.filter(pack.permissions.contains).map(\.rawValue)
        return "the pack \(pack.named) (sha256 \(pack.hash), \(pack.trusted ? "trusted" : "untrusted"), "
            + "permissions \(may.isEmpty ? "none" : may.joined(separator: ", ")))"
    }

    static func describeLimits(_ limits: SandboxLimits) -> String {
        let memory = limits.memoryBytes.map { "\($0 >> 20) MiB" } ?? "no memory cap"
        let work = limits.instructionsPerRun.map { "\($0) instructions" } ?? "no instruction budget"
        let time = limits.secondsPerRun.map { "\(number($0)) s" } ?? "no time limit"
        return "\(memory), \(work) and \(time) per step, a check every \(limits.hookInterval) instructions"
    }

    /// Applies a checked event: one step, with one budget for every script run it sets off.
    func apply(_ event: SessionEvent) {
        vm.beginStep(replaying: replaying, stoppingAt: loggedStop?.position)
        defer { vm.endStep() }
        revision += 1
        defer { endIfTranscriptIsFull() }
        clock.now = event.at
        switch event {
        case .answer(_, let who, _, _):
            touchedParticipants?.insert(who)
        case .saidDone(let who, _) where groupThreadOf[who] != nil:
            // The count on the group's phones (a press that ends the timer touches everyone).
            touchedParticipants?.formUnion(groupMembers[groupThreadOf[who]!] ?? [])
        case .join(let participant, _)
        where participantIndex[participant.id] == nil && !askIDs.contains { asks[$0]?.question.kind == .person }:
            touchedParticipants?.insert(participant.id)
        default:
            touchedParticipants = nil
        }
        switch event {
        case .start(let start):
            startParameters = start.parameters
            begin()
        case .join(let participant, _):
            if let index = participantIndex[participant.id] {
                participants[index] = participant
            } else {
                participantIndex[participant.id] = participants.count
                participants.append(participant)
            }
            present.insert(participant.id)
            transcript.add(at: clock.now, "\(participant.name) (\(participant.area)) joined")
            placeLateJoiner(participant.id)
            for id in askIDs {
                guard let ask = asks[id] else { continue }
                if ask.members.contains(participant.id) {
                    asks[id]?.presence(of: participant.id, here: true)
                } else if ask.everyone && !listensOnly(participant.id) {
                    asks[id]?.add(participant.id)
                    askRevision += 1
                }
            }
        case .leave(let id, _), .trainer(.remove(let id), _):
            if case .trainer = event {
                removed.insert(id)
                transcript.add(at: clock.now, "the trainer removed \(name(of: id))")
            } else {
                transcript.add(at: clock.now, "\(name(of: id)) left")
            }
            let wasHere = present.remove(id) != nil
            // Closing one question can end the session (and so every other question).
            for askID in askIDs where asks[askID] != nil {
                if wasHere { asks[askID]?.presence(of: id, here: false) }
                closeIfComplete(askID)
            }
            // The others of their group may all have said done.
            if let group = groupThreadOf[id] { endIfGroupIsDone(group) }
        case .saidDone(let who, _):
            sayDone(who)
        case .answer(let askID, let who, let value, _):
            // The console's list of questions gets the answer in place, not rebuilt.
            var questions = consoleQuestionCache
            asks[askID]?.answer(who, value, present: present.contains(who))
            let reply = ConsoleQuestion.Reply(who: who, name: name(of: who), value: value)
            answerOrder[askID, default: []].append(reply)
            if let index = questions?.firstIndex(where: { $0.id == askID }) {
                questions![index].answers.append(reply)
                consoleQuestionCache = questions
            }
            // Only now may the question close (and the script ask the next one): the list
            // kept above is of the questions before, and closing drops it.
            if let ask = asks[askID], ask.question.together {
                answeredTogether(ask, by: who, value)
                close(askID)
            }
            closeIfComplete(askID)
        case .timerEnded(let id, _), .trainer(.skip(let id), _):
            endTimer(id)
        case .trainer(.extend(let id, let seconds), _):
            timers[id]?.deadline += seconds * 1000
            transcript.add(at: clock.now, "the trainer gave \(DurationText.format(seconds * 1000)) more")
        case .trainer(.end(let reason), _):
            if let reason {
                fail(ScriptError(.runtime, reason))
            } else {
                end()
            }
        case .trainer(.advance, _) where inLobby:
            inLobby = false
            transcript.add(at: clock.now, "the trainer started with \(present.count) here")
            startNext()
        case .trainer(.advance, _):
            // Decide what moves on before anything does: one press moves each waiting step once.
            let untimed = askIDs.filter { asks[$0]?.timer == nil }
            let waiting = threads.keys.sorted().filter {
                if case .trainer = threads[$0]!.wait { true } else { false }
            }
            transcript.add(
                at: clock.now,
                untimed.isEmpty && waiting.isEmpty
                    ? "the trainer moved on (nothing was waiting)" : "the trainer moved on")
            for askID in untimed { close(askID) }
            for id in waiting where threads[id] != nil {
                if case .trainer = threads[id]!.wait { resume(id, with: []) }
            }
        case .stored, .recalled, .stopped, .checked:
            break  // refused by `check`; a replay hands them to the script
        }
        // A question whose last people asked now only listen waits for nobody.
        for askID in askIDs where (asks[askID]?.waitingFor ?? 1) <= 0 { close(askID) }
    }

    /// Adds a transcript line, marked with the group when a group's flow wrote it.
    func note(_ text: String, thread: Int? = nil) {
        let label = (thread ?? runningThread).flatMap { threads[$0]?.group }.flatMap { groupIndex[$0] }
        transcript.add(at: clock.now, label.map { "group \($0): \(text)" } ?? text)
    }

    /// A question asked `together`: the first answer is everyone's, so the others' phones
    /// show it and the question closes.
    func answeredTogether(_ ask: OpenAsk, by who: String, _ value: Answer) {
        shownCount += 1
        let answer: String
        if case .list(let items) = value, ask.question.kind == .list {
            answer = items.joined(separator: "; ")
        } else {
            answer = luaValue(value, question: ask.question).text ?? render(luaValue(value, question: ask.question))
        }
        let text = "\(name(of: who)): " + answer
        let item = Shown(number: shownCount, content: .text(Self.clip(text)), at: clock.now)
        for id in ask.audience where id != who { shownToPerson[id] = item }
        note("\(name(of: who)) answered for the others", thread: ask.thread)
    }

    func name(of id: String) -> String { participantIndex[id].map { participants[$0].name } ?? id }

    /// Closes a question when everyone asked who is still here has answered.
    func closeIfComplete(_ askID: Int) {
        guard let ask = asks[askID] else { return }
        if ask.waitingFor <= 0 { close(askID) }
    }

    func endTimer(_ id: Int) {
        guard let timer = timers.removeValue(forKey: id) else { return }
        if let askID = timer.ask {
            close(askID)
        } else if let thread = timer.thread {
            note("time is up: \(timer.label)", thread: thread)
            resume(thread, with: [])
        }
    }
}
