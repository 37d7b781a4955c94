import KraftfeltLua

extension Session {
    /// `s:remember` and `s:recall`: the session handle's storage functions.
    func storageFunctions(_ me: Parameter) -> [HostFunction] {
        let scope = Parameter(
            "scope", .any, "\"session\", \"exercise\", \"organisation\", or a person (the participant or their id)")
        return [
            HostFunction(
                "remember",
                parameters: [
                    me, scope, Parameter("key", .string, "1 to 128 bytes"),
                    Parameter("value", .any, "a boolean, number, string or table of them; nil forgets the key"),
                ],
                summary: """
                    Keeps a value beyond this moment: for the session, for one person (their goal from \
                    last month), for every session of this exercise, or for the whole organisation (a \
                    running count). Values are at most 64 KB, a scope at most 1 MB.
                    """,
                example: """
                    s:remember(p, "goal", answer.value)
                    s:remember("organisation", "cross_area_ties", (s:recall("organisation", "cross_area_ties") or 0) + across)
                    """
            ) { [unowned self] call in try guarded(call, rememberCall) },
            HostFunction(
                "add",
                parameters: [me, scope, Parameter("key", .string), Parameter("amount", .number)],
                summary: """
                    Adds a number to what a key holds (nothing counts as 0), in one step in the store: \
                    sessions counting at the same time lose nothing. Read the total with `s:recall`.
                    """,
                example: "s:add(\"organisation\", \"cross_area_ties\", across)"
            ) { [unowned self] call in try guarded(call, addCall) },
            HostFunction(
                "recall",
                parameters: [me, scope, Parameter("key", .string)], returns: "the value, or nil",
                summary: "Reads what `s:remember` kept under a key in a scope, in this session or an earlier one.",
                example: "local goal = s:recall(p, \"goal\")   -- nil when they have none"
            ) { [unowned self] call in try guarded(call, recallCall) },
        ]
    }

    /// `s:remember(scope, key, value)`.
    private func rememberCall(_ call: HostCall) throws -> HostResult {
        let target = try storageScope(call)
        try require(target)
        let key = try storageKey(call)
        let raw = try call.value(3)
        let value: StoredValue?
        do throws(StorageError) {
            value = raw == .nil ? nil : try StoredValue(raw)
        } catch {
            throw HostError("'value': \(error.message)")
        }
        if let value, value.json.utf8.count > StorageLimits.valueBytes {
            throw HostError(
                "'value' takes \(value.json.utf8.count) bytes stored; the limit is \(StorageLimits.valueBytes)")
        }
        return try halting { () throws(StorageFailure) in
            try remember(StorageWrite(scope: target, key: key, value: value))
            return .none
        }
    }

    /// `s:add(scope, key, amount)`.
    private func addCall(_ call: HostCall) throws -> HostResult {
        let target = try storageScope(call)
        try require(target)
        let key = try storageKey(call)
        var amount = try call.value(3)
        if amount.typeName != "number" { amount = .number(try call.number(3)) }  // "12" counts as 12
        guard let stored = try? StoredValue(amount) else {
            throw HostError("'amount' must be a finite number, got \(describe(amount))")
        }
        return try halting { () throws(StorageFailure) in
            try remember(StorageWrite(scope: target, key: key, value: stored, add: true))
            return .none
        }
    }

    /// `s:recall(scope, key)`.
    private func recallCall(_ call: HostCall) throws -> HostResult {
        let target = try storageScope(call)
        try require(target)
        let key = try storageKey(call)
        return try halting { () throws(StorageFailure) in .value(try recall(target, key: key)?.value ?? .nil) }
    }

    /// Runs a storage call. A refusal the script may handle is a Lua error it can catch;
    /// a store that fails, or a replay that does not fit its log, halts the session: the
    /// script cannot catch that (it would go on with something unlogged), and `kraftfelt
    /// resume` continues it from its log once the store works.
    private func halting(_ body: () throws(StorageFailure) -> HostResult) throws(HostError) -> HostResult {
        // Halted where it could not wait (inside a metamethod): nothing more is stored.
        guard state == .running else { throw HostError("the session has stopped") }
        do {
            return try body()
        } catch {
            switch error {
            case .refused(let message):
                throw HostError(message)
            case .halt(let message):
                halted = true
                fail(ScriptError(.runtime, message))
                return .suspend(RunningThread.Wait.halted)
            }
        }
    }

    private func storageScope(_ call: HostCall) throws(HostError) -> StorageScope {
        let value = try call.value(1)
        switch value {
        case .string(let s) where s.text == "session": return .session
        case .string(let s) where s.text == "organisation" || s.text == "organization": return .organisation
        case .string(let s) where s.text == "exercise":
            guard let id = current?.id else { throw HostError("'scope' \"exercise\" needs a running exercise") }
            return .exercise(id)
        case .string(let s):
            guard let id = s.text, participantIndex[id] != nil else {
                throw HostError(
                    "'scope' must be \"session\", \"exercise\", \"organisation\" or a person in this session, "
                        + "got \(describe(value))")
            }
            return .participant(id)
        case .table(let t):
            guard let id = t["id"].text, participantIndex[id] != nil else {
                throw HostError("'scope' must be a person in this session (a table with their id), got a table")
            }
            return .participant(id)
        default:
            throw HostError(
                "'scope' must be \"session\", \"exercise\", \"organisation\" or a person, got \(value.typeName)")
        }
    }

    private func storageKey(_ call: HostCall) throws(HostError) -> String {
        let value = try call.value(2)
        guard case .string(let bytes) = value else {
            throw HostError("argument 'key' must be a string, got \(value.typeName)")
        }
        guard let key = bytes.text, !bytes.bytes.contains(0) else {
            throw HostError("'key' must be text (UTF-8, no NUL bytes)")
        }
        guard !key.isEmpty, key.utf8.count <= StorageLimits.keyBytes else {
            throw HostError("'key' must have 1 to \(StorageLimits.keyBytes) bytes, got \(key.utf8.count)")
        }
        return key
    }

    /// Counts a storage event against the session's budget before it is logged.
    private func charge(_ bytes: Int) throws(StorageFailure) {
        guard storageEvents < StorageLimits.sessionEvents,
            storageBytes + bytes <= StorageLimits.sessionBytes
        else {
            throw .refused(
                "the session's storage budget is spent: at most \(StorageLimits.sessionEvents) reads and writes "
                    + "of \(StorageLimits.sessionBytes / 1_048_576) MB in all")
        }
        storageEvents += 1
        storageBytes += bytes
    }

    /// Logs a write (which stores it) or, in a replay, takes it from the log.
    private func remember(_ write: StorageWrite) throws(StorageFailure) {
        var write = write
        if write.scope == .session {
            // The session's own values are known here: a refusal is decided before logging.
            do {
                _ = try write.result(after: sessionStorage[write.key])
            } catch {
                throw .refused(error.message)
            }
        }
        try charge(write.size)
        if let logged = try nextReplayed(matching: "a write to \(write.scope) \"\(write.key)\"") {
            guard case .stored(let earlier, _) = logged, earlier.scope == write.scope, earlier.key == write.key,
                earlier.value == write.value, earlier.add == write.add
            else {
                throw replayMismatch("the script wrote \(write.scope) \"\(write.key)\"; the log has \(logged)")
            }
            write.refused = earlier.refused
        } else {
            do {
                try vm.pausingClock { try log.append(.stored(write, at: clock.now)) }
            } catch let error as StorageError {
                write.refused = error.message
                do {
                    try vm.pausingClock { try log.append(.stored(write, at: clock.now)) }
                } catch {
                    throw .halt("storage is not available: \(error)")
                }
            } catch {
                throw .halt("storage is not available: \(error)")
            }
        }
        if let refused = write.refused { throw .refused(refused) }
        if write.scope == .session {
            sessionStorage[write.key] = try? write.result(after: sessionStorage[write.key])
        }
        let shown = write.value.map { Self.short(render($0.value)) } ?? "(forgotten)"
        let whose: String =
            switch write.scope {
            case .participant(let id): name(of: id)
            default: write.scope.kind
            }
        note("remember \(whose): \(write.key) \(write.add == true ? "+" : "")= \(shown)")
    }

    /// A value as a transcript line shows it: at most 80 characters.
    static func short(_ text: String) -> String {
        text.count <= 80 ? text : text.prefix(79) + "…"
    }

    /// Reads a value: the session's own from memory; a shared one from the store, logged
    /// (or, in a replay, from the log).
    private func recall(_ scope: StorageScope, key: String) throws(StorageFailure) -> StoredValue? {
        if scope == .session { return sessionStorage[key] }
        try charge(0)  // a read past the budget is refused before it is logged, or taken from the log
        storageEvents -= 1
        if let logged = try nextReplayed(matching: "a read of \(scope) \"\(key)\"") {
            guard case .recalled(let read, _) = logged, read.scope == scope, read.key == key else {
                throw replayMismatch("the script read \(scope) \"\(key)\"; the log has \(logged)")
            }
            if let refused = read.refused {
                storageEvents = StorageLimits.sessionEvents
                throw .refused(refused)
            }
            try charge(StorageWrite.size(key: key, read.value))
            return read.value
        }
        let value: StoredValue?
        do {
            value = try vm.pausingClock { try log.storedValue(scope, key: key) }
        } catch {
            throw .halt("storage is not available: \(error)")
        }
        do {
            try charge(StorageWrite.size(key: key, value))
        } catch {
            // Past the budget's bytes: only the value read here tells, so the refusal is
            // logged (once: the budget is spent from now on), and a replay refuses the same.
            storageEvents = StorageLimits.sessionEvents
            guard case .refused(let message) = error else { throw error }
            do {
                try vm.pausingClock {
                    try log.append(
                        .recalled(
                            StorageRead(scope: scope, key: key, value: nil, refused: message), at: clock.now))
                }
            } catch {
                throw .halt("storage is not available: \(error)")
            }
            throw error
        }
        do {
            try vm.pausingClock {
                try log.append(.recalled(StorageRead(scope: scope, key: key, value: value), at: clock.now))
            }
        } catch {
            throw .halt("storage is not available: \(error)")
        }
        return value
    }

    /// In a replay, the next logged event, which must be the script's own (a storage
    /// write or read); nil when the log has no more (the script goes on live).
    private func nextReplayed(matching what: String) throws(StorageFailure) -> SessionEvent? {
        if let failure = replayFailure { throw .halt(failure) }
        guard replayIndex < replayQueue.count else { return nil }
        let next = replayQueue[replayIndex]
        guard next.isStorage else {
            throw replayMismatch("the script made \(what) that is not in the log (event \(replayIndex + 1))")
        }
        replayIndex += 1
        return next
    }

    private func replayMismatch(_ message: String) -> StorageFailure {
        replayFailure = replayFailure ?? "the log does not fit the scripts: " + message
        return .halt(replayFailure!)
    }
}

/// Why a storage call did not happen: refused (the script hears it as an error it may
/// catch), or a halt (the store failed, or a replay does not fit its log).
enum StorageFailure: Error {
    case refused(String)
    case halt(String)
}
