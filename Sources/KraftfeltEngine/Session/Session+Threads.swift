import Foundation
import KraftfeltLua

extension Session {
    /// Loads the main script and starts the first exercise.
    func begin() {
        state = .running
        do {
            let (kind, definition) = try loadDefinition(definition.main)
            exercises.append(RanExercise(definition, fileName: self.definition.main.fileName))
            if kind == "programme" {
                let title = text(definition["title"])
                transcript.add(at: clock.now, "programme: \(title) (seed \(self.definition.seed))")
                for id in definition["exercises"].tableValue?.array.compactMap(\.text) ?? [] {
                    guard let source = self.definition.library.first(where: { exerciseID(of: $0) == id }) else {
                        throw ScriptError(
                            .runtime,
                            "\(self.definition.main.fileName): the programme names \"\(id)\", but no exercise has that id"
                        )
                    }
                    let (innerKind, inner) = try loadDefinition(source)
                    guard innerKind == "exercise" else {
                        throw ScriptError(.runtime, "\(source.fileName): a programme can only run exercises")
                    }
                    guard inner["id"].text == id else {
                        throw ScriptError(
                            .runtime,
                            "\(source.fileName): the programme names \"\(id)\", but the file declares another id")
                    }
                    exercises.append(RanExercise(inner, fileName: source.fileName))
                    pending.append(try loaded(inner))
                }
            } else {
                pending = [try loaded(definition)]
            }
            for indicator in self.definition.pack?.indicators ?? [] { indicators[indicator.id] = indicator }
            for exercise in pending {
                for indicator in try Indicator.declared(exercise.definition["indicators"]) {
                    indicators[indicator.id] = indicator
                }
            }
            programme = pending.map { ($0.id, $0.title) }
            title = pending.count == 1 && kind != "programme" ? pending[0].title : Self.titles(definition["title"])
            inLobby = true
            transcript.add(
                at: clock.now, "session open (code \(joinCode)): waiting for people to join and the trainer to start")
        } catch let error as ScriptError {
            fail(error)
        } catch {
            fail(ScriptError(.runtime, "\(error)"))
        }
    }

    /// The `id` a library file declares, read without running it (`id = "…"`).
    func exerciseID(of source: ExerciseSource) -> String? {
        guard let range = source.text.range(of: #"id\s*=\s*"([a-z0-9-]+)""#, options: .regularExpression) else {
            return nil
        }
        return source.text[range].split(separator: "\"").dropFirst().first.map(String.init)
    }

    private func loadDefinition(_ source: ExerciseSource) throws -> (String, LuaTable) {
        let chunk = try vm.load(source.text, chunkName: source.fileName)
        let values = try vm.call(chunk)
        guard let table = values.first?.tableValue, let kind = table["kind"].text else {
            throw ScriptError(
                .runtime, "\(source.fileName): the script must return kf.exercise { … } or kf.programme { … }")
        }
        do { try ExerciseModule.checkDeclaration(table) } catch {
            throw ScriptError(.runtime, "\(source.fileName): \(error)")
        }
        return (kind, table)
    }

    private func loaded(_ definition: LuaTable) throws -> LoadedExercise {
        guard case .function(let run) = definition["run"], let id = definition["id"].text else {
            throw ScriptError(.runtime, "an exercise needs an id and a run function")
        }
        var title: [String: String] = [:]
        for field in definition["title"].tableValue?.fields ?? [] {
            if let key = field.key.text, let value = field.value.text { title[key] = value }
        }
        return LoadedExercise(
            id: id, title: title, run: run, definition: definition,
            parameters: try ExerciseParameters.resolve(definition["parameters"], given: startParameters, exercise: id))
    }

    /// Starts the next exercise of the programme, or finishes the session.
    func startNext() {
        guard state == .running else { return }
        guard !pending.isEmpty else {
            state = .finished
            transcript.add(at: clock.now, "session finished")
            return
        }
        let exercise = pending.removeFirst()
        current = exercise
        excuse(roles.filter(\.value.listenOnly).map(\.key).sorted(), false)
        roles.removeAll()
        latestPairs = []
        pairsOf = [:]
        transcript.add(at: clock.now, "— \(exercise.title[definition.language] ?? exercise.id) —")
        do {
            let thread = try vm.spawn(exercise.run)
            let id = newID()
            threads[id] = RunningThread(thread: thread, parent: nil, group: nil)
            step(id) { (thread) throws(ScriptError) in try thread.start([self.handle(group: nil)]) }
        } catch {
            fail(error)
        }
    }

    func newID() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    /// Resumes a waiting thread with the values its host function returns.
    func resume(_ id: Int, with values: [LuaValue]) {
        guard state == .running, threads[id] != nil else { return }
        threads[id]!.wait = .running
        trainerWaitLabel.removeValue(forKey: id)
        step(id) { (thread) throws(ScriptError) in try thread.resume(returning: values) }
    }

    /// A title by language from `{ da = …, en = … }` (or a plain text, in every language).
    static func titles(_ value: LuaValue) -> [String: String] {
        if let text = value.text { return ["da": text, "en": text] }
        var title: [String: String] = [:]
        for field in value.tableValue?.fields ?? [] {
            if let key = field.key.text, let text = field.value.text { title[key] = text }
        }
        return title
    }

    /// Runs a thread until it finishes or waits, and records what it waits for.
    func step(_ id: Int, _ run: (ScriptThread) throws(ScriptError) -> ScriptStep) {
        guard let thread = threads[id]?.thread else { return }
        touchedParticipants = nil  // a script may change what anyone sees
        runningThread = id
        let result: ScriptStep
        do {
            result = try run(thread)
        } catch {
            runningThread = nil
            fail(error)
            return
        }
        runningThread = nil
        switch result {
        case .finished(let values):
            finish(id, value: values.first ?? .nil)
        case .suspended(let request):
            guard let wait = request as? RunningThread.Wait else { return fail(ScriptError(.state, "unknown wait")) }
            threads[id]?.wait = wait
            if case .children(let remaining, _) = wait {
                for child in remaining.sorted() {
                    guard let group = threads[child]?.group else { continue }
                    step(child) { (thread) throws(ScriptError) in try thread.start([self.handle(group: group)]) }
                }
            }
        }
    }

    private func finish(_ id: Int, value: LuaValue) {
        guard let finished = threads.removeValue(forKey: id) else { return }
        if finished.group != nil {
            turnState.removeValue(forKey: id)
            // Sub-groups' members are back in their own group's flow.
            let outer = finished.parent.flatMap { threads[$0]?.group != nil ? $0 : nil }
            for member in groupMembers[id] ?? [] where groupThreadOf[member] == id {
                if let outer, groupMembers[outer]?.contains(member) == true {
                    groupThreadOf[member] = outer
                } else {
                    groupThreadOf.removeValue(forKey: member)
                }
            }
        }
        if let parent = finished.parent, case .children(var remaining, var results) = threads[parent]?.wait {
            remaining.remove(id)
            // A flow that returns nothing counts as false, so the list has no holes.
            results[finished.group ?? 0] = value == .nil ? .boolean(false) : value
            threads[parent]?.wait = .children(remaining: remaining, results: results)
            if remaining.isEmpty {
                let ordered = results.keys.sorted().map { results[$0]! }
                resume(parent, with: [.table(LuaTable(array: ordered))])
            }
            return
        }
        guard let exercise = current else { return }
        results.append(LuaTable.Field(.string(exercise.id), value))
        transcript.add(at: clock.now, "finished: \(exercise.title[definition.language] ?? exercise.id)")
        current = nil
        startNext()
    }

    /// Ends the session as the trainer asked: finished, with nothing more running.
    func end() {
        guard state == .running else { return }
        touchedParticipants = nil
        state = .finished
        transcript.add(at: clock.now, "the trainer ended the session")
        asks.removeAll()
        askIDs.removeAll()
        answerOrder.removeAll()
        timers.removeAll()
        threads.removeAll()
        trainerWaitLabel.removeAll()
        groupThreadOf.removeAll()
        pending.removeAll()
    }

    /// Ends the session with the script's error; nothing else runs.
    func fail(_ error: ScriptError) {
        guard state == .running || state == .notStarted else { return }
        touchedParticipants = nil
        let error = recordStop(error)
        state = .failed(error)
        transcript.add(at: clock.now, "error: \(error.message)")
        asks.removeAll()
        askIDs.removeAll()
        answerOrder.removeAll()
        timers.removeAll()
        threads.removeAll()
        trainerWaitLabel.removeAll()
        groupThreadOf.removeAll()
        pending.removeAll()
    }

    /// Up to this many answers the transcript lists each by name.
    public static let namedAnswers = 12

    /// Closes a question and gives the answers to the thread that asked.
    func close(_ askID: Int) {
        guard let ask = asks.removeValue(forKey: askID) else { return }
        touchedParticipants = nil
        askIDs.removeAll { $0 == askID }
        answerOrder.removeValue(forKey: askID)
        if let timer = ask.timer { timers.removeValue(forKey: timer) }
        let answered = ask.audience.filter { ask.answers[$0] != nil }
        note("\(answered.count) of \(ask.audience.count) answered", thread: ask.thread)
        if let answers = answersText(answered, ask) { note(answers, thread: ask.thread) }
        let records = answered.map { who -> LuaValue in
            .table(LuaTable(["who": record(of: who), "value": luaValue(ask.answers[who]!, question: ask.question)]))
        }
        resume(ask.thread, with: [.table(LuaTable(array: records))])
    }

    /// What the transcript says of the answers, so a trainer can check a rehearsal: each
    /// answer by name in a small group (up to 12), else a count of each option, or the mean
    /// of a scale or number. Nothing for many text answers.
    func answersText(_ answered: [String], _ ask: OpenAsk) -> String? {
        // The answers are cut to 200 characters a line; every answer of a large room can
        // still fill the transcript, which then says so.
        guard !answered.isEmpty else { return nil }
        func shown(_ answer: Answer) -> String {
            let text: String
            switch answer {
            case .text(let value): text = ask.question.kind == .person ? name(of: value) : value
            case .number(let value): text = Self.number(value)
            case .list(let items) where ask.question.kind == .list:
                // Written items may have commas of their own.
                text = items.joined(separator: "; ")
            case .list(let items):
                text = items.map { ask.question.kind == .person ? name(of: $0) : $0 }.joined(separator: ", ")
            }
            let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
            return flat.count > 200 ? String(flat.prefix(200)) + "…" : flat
        }
        if answered.count <= Self.namedAnswers || listsEveryAnswer {
            return "answers:" + answered.map { "\n  \(name(of: $0)): \(shown(ask.answers[$0]!))" }.joined()
        }
        switch ask.question.kind {
        case .choice, .choices, .vote:
            var counts: [String: Int] = [:]
            for id in answered {
                if case .list(let items) = ask.answers[id]! { for item in items { counts[item, default: 0] += 1 } }
                if case .text(let item) = ask.answers[id]! { counts[item, default: 0] += 1 }
            }
            return "answers: " + ask.question.options.map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ")
        case .scale, .number:
            let values = answered.compactMap { if case .number(let v) = ask.answers[$0]! { v } else { nil } }
            guard let low = values.min(), let high = values.max() else { return nil }
            let mean = values.reduce(0, +) / Double(values.count)
            return "answers: mean \(String(format: "%.2f", mean)), from \(Self.number(low)) to \(Self.number(high))"
        case .list:
            let items = answered.reduce(0) { total, id in
                if case .list(let items) = ask.answers[id]! { total + items.count } else { total }
            }
            return "answers: \(items) items from \(answered.count) people"
        default:
            return nil
        }
    }

    func luaValue(_ answer: Answer, question: Question) -> LuaValue {
        switch answer {
        case .text(let text): question.kind == .person ? record(of: text) : .string(text)
        case .number(let d): d == d.rounded() && abs(d) < 1e15 ? .integer(Int64(d)) : .number(d)
        case .list(let items): .table(LuaTable(array: items.map { .string($0) }))
        }
    }
}
