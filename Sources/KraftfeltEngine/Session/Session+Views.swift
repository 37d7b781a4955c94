extension Session {
    /// Where the session is, as the views say it.
    public var phase: SessionPhase {
        switch state {
        case .notStarted: .notStarted
        case .running: inLobby ? .lobby : .running
        case .finished: .finished
        case .failed: .failed
        }
    }

    /// What a participant's phone shows now; nil for someone who never joined.
    public func participantView(_ id: String) -> ParticipantView? {
        guard let index = participantIndex[id] else { return nil }
        let p = participants[index]
        let language = p.language
        var questions: [QuestionView] = []
        if !listensOnly(id) {
            for askID in askIDs {
                guard let ask = asks[askID], ask.members.contains(id) else { continue }
                questions.append(questionView(askID, ask, for: id, language: language))
            }
        }
        var group: GroupRef? = nil
        var timer: TimerView? = nil
        let order = sortedTimerIDs()
        if let thread = groupThreadOf[id], let members = groupMembers[thread] {
            group = GroupRef(index: groupIndex[thread] ?? 0, members: members.compactMap(personRef))
            timer = order.first { timers[$0]?.ask == nil && timers[$0]?.thread == thread }.map(timerView)
        }
        if timer == nil {
            timer = order.first {
                timers[$0]?.ask == nil && timers[$0]?.thread.flatMap { threads[$0]?.group } == nil
            }.map(timerView)
        }
        let matches = (pairsOf[id] ?? []).map { offset -> MatchView in
            let pair = latestPairs[offset]
            let asker = pair.asker.id == id
            return MatchView(
                youAre: asker ? "asker" : "helper", partner: asker ? pair.helper : pair.asker,
                question: pair.question, across: pair.across)
        }
        let shown = [shownToEveryone, shownToPerson[id]].compactMap { $0 }.max { $0.number < $1.number }
        var view = ParticipantView(
            revision: revision, at: clock.now, phase: phase, you: PersonRef(id: p.id, name: p.name, area: p.area),
            language: language, present: present.contains(id),
            exercise: current.map { localized($0.title, language) ?? $0.id },
            questions: questions, group: group, timer: timer, matches: matches, role: roles[id],
            shown: shown?.content, error: errorText)
        if present.contains(id), let waiting = groupTimer(of: id), let running = timers[waiting.timer] {
            view.saidDone = running.saidDone.contains(id)
            view.canSayDone = !view.saidDone
        }
        return view
    }

    /// What the beamer shows now.
    public var screenView: ScreenView {
        let open = askIDs
        let shownAsk = open.last { asks[$0]!.everyone } ?? open.last
        let ask = shownAsk.flatMap { asks[$0] }
        let shown = [shownToEveryone, shownOnScreen].compactMap { $0 }.max { $0.number < $1.number }
        return ScreenView(
            revision: revision, at: clock.now, phase: phase, joinCode: joinCode,
            title: localized(title, definition.language) ?? "", exercise: current.map { localized($0.title) ?? $0.id },
            prompt: ask.map { localized($0.question.prompt) ?? "" },
            timer: sortedTimerIDs().first.map(timerView), joined: present.count, asked: ask?.audience.count ?? 0,
            answered: ask?.answers.count ?? 0, waitingForTrainer: waitsForTrainer || hasUntimedAsk,
            shown: shown?.content)
    }

    /// What the trainer's console shows now.
    public var consoleView: ConsoleView {
        let people =
            consolePeople
            ?? participants.map {
                ConsolePerson(
                    id: $0.id, name: $0.name, area: $0.area, present: present.contains($0.id), role: roles[$0.id])
            }
        consolePeople = people
        let questions = consoleQuestions()
        var waiting: [String] = inLobby ? ["lobby"] : []
        for id in trainerWaitLabel.keys.sorted() where threads[id] != nil { waiting.append(trainerWaitLabel[id]!) }
        let finished = Set(results.compactMap { $0.key.text })
        let steps = programme.map { step -> ProgrammeStep in
            let status: ProgrammeStep.Status =
                current?.id == step.id ? .running : finished.contains(step.id) ? .done : .next
            return ProgrammeStep(id: step.id, title: localized(step.title) ?? step.id, status: status)
        }
        return ConsoleView(
            revision: revision, at: clock.now, phase: phase, joinCode: joinCode,
            title: localized(title) ?? "", people: people, questions: questions, timers: timerViews(),
            waitingForTrainer: waitsForTrainer || hasUntimedAsk, waiting: waiting, programme: steps,
            measures: measures.filter { $0.subject == .session }, errors: errorText.map { [$0] } ?? [])
    }

    /// The open questions as the console lists them (kept until a question opens, closes
    /// or its audience grows; an answer is added to its question in place).
    func consoleQuestions() -> [ConsoleQuestion] {
        if let consoleQuestionCache { return consoleQuestionCache }
        let questions = askIDs.compactMap { askID -> ConsoleQuestion? in
            guard let ask = asks[askID] else { return nil }
            let q = ask.question
            return ConsoleQuestion(
                id: askID, kind: q.kind.rawValue, prompt: localized(q.prompt) ?? "", options: q.options,
                min: q.range?.lowerBound, max: q.range?.upperBound, time: q.time, audience: ask.audience,
                asked: ask.audience.count, answers: answerOrder[askID] ?? [], timer: ask.timer, samples: q.botAnswers)
        }
        consoleQuestionCache = questions
        return questions
    }

    private var errorText: String? {
        if case .failed(let error) = state { return error.message }
        return nil
    }

    /// Running timers, the one that ends first first.
    /// Running timers as views, the one that ends first first (kept until a timer changes).
    func timerViews() -> [TimerView] {
        if let timerViewCache { return timerViewCache }
        let views = sortedTimerIDs().map(timerView)
        timerViewCache = views
        return views
    }

    /// The running timers' ids, the one that ends first first (kept until a timer changes).
    func sortedTimerIDs() -> [Int] {
        if let timerOrder { return timerOrder }
        let order = timers.sorted { ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key) }.map(\.key)
        timerOrder = order
        return order
    }

    func timerView(_ id: Int) -> TimerView {
        let timer = timers[id]!
        let group = timer.thread.flatMap { threads[$0]?.group }.flatMap { groupIndex[$0] }
        let done = saidDone(timer: timer)
        return TimerView(
            id: id, label: timer.label, endsAt: timer.deadline, group: group, question: timer.ask,
            saidDone: done?.said, membersHere: done?.here)
    }

    private func questionView(_ id: Int, _ ask: OpenAsk, for person: String, language: String) -> QuestionView {
        let q = ask.question
        let closes = ask.timer.flatMap { timers[$0]?.deadline }
        let people =
            q.kind == .person ? presentParticipants.filter { $0.id != person }.compactMap { personRef($0.id) } : []
        return QuestionView(
            id: id, kind: q.kind.rawValue, prompt: localized(q.prompt, language) ?? "", options: q.options,
            min: q.range?.lowerBound, max: q.range?.upperBound, closesAt: closes,
            secondsLeft: closes.map { max(0, ($0 - clock.now + 999) / 1000) }, people: people,
            answered: ask.answers[person] != nil, answer: ask.answers[person])
    }

    func personRef(_ id: String) -> PersonRef? {
        participantIndex[id].map {
            PersonRef(id: participants[$0].id, name: participants[$0].name, area: participants[$0].area)
        }
    }

    /// A text in `language`, else the session's, else Danish, else any.
    func localized(_ texts: [String: String], _ language: String? = nil) -> String? {
        language.flatMap { texts[$0] } ?? texts[definition.language] ?? texts["da"]
            ?? texts.sorted { $0.key < $1.key }.first?.value
    }
}
