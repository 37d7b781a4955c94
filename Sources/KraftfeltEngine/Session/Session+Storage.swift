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
            ) { [unowned self] call in
                let target = try storageScope(call)
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
                try remember(StorageWrite(scope: target, key: key, value: value))
                return .none
            },
            HostFunction(
                "recall",
                parameters: [me, scope, Parameter("key", .string)], returns: "the value, or nil",
                summary: "Reads what `s:remember` kept under a key in a scope, in this session or an earlier one.",
                example: "local goal = s:recall(p, \"goal\")   -- nil when they have none"
            ) { [unowned self] call in
                let target = try storageScope(call)
                let key = try storageKey(call)
                return .value(try recall(target, key: key)?.value ?? .nil)
            },
        ]
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
        let key = try call.string(2)
        guard !key.isEmpty, key.utf8.count <= StorageLimits.keyBytes else {
            throw HostError("'key' must have 1 to \(StorageLimits.keyBytes) bytes, got \(key.utf8.count)")
        }
        return key
    }

    /// Logs a write (which stores it) or, in a replay, takes it from the log.
    private func remember(_ write: StorageWrite) throws(HostError) {
        var write = write
        if let logged = try nextReplayed(matching: "a write to \(write.scope) \"\(write.key)\"") {
            guard case .stored(let earlier, _) = logged, earlier.scope == write.scope, earlier.key == write.key,
                earlier.value == write.value
            else {
                throw replayMismatch("the script wrote \(write.scope) \"\(write.key)\"; the log has \(logged)")
            }
            write.refused = earlier.refused
        } else {
            do {
                try log.append(.stored(write, at: clock.now))
            } catch let error as StorageError {
                write.refused = error.message
                do {
                    try log.append(.stored(write, at: clock.now))
                } catch {
                    throw HostError("storage is not available: \(error)")
                }
            } catch {
                throw HostError("storage is not available: \(error)")
            }
        }
        if let refused = write.refused { throw HostError(refused) }
        if write.scope == .session { sessionStorage[write.key] = write.value }
        let shown = write.value.map { Self.short(render($0.value)) } ?? "(forgotten)"
        let whose: String =
            switch write.scope {
            case .participant(let id): name(of: id)
            default: write.scope.kind
            }
        note("remember \(whose): \(write.key) = \(shown)")
    }

    /// A value as a transcript line shows it: at most 80 characters.
    static func short(_ text: String) -> String {
        text.count <= 80 ? text : text.prefix(79) + "…"
    }

    /// Reads a value: the session's own from memory; a shared one from the store, logged
    /// (or, in a replay, from the log).
    private func recall(_ scope: StorageScope, key: String) throws(HostError) -> StoredValue? {
        if scope == .session { return sessionStorage[key] }
        if let logged = try nextReplayed(matching: "a read of \(scope) \"\(key)\"") {
            guard case .recalled(let read, _) = logged, read.scope == scope, read.key == key else {
                throw replayMismatch("the script read \(scope) \"\(key)\"; the log has \(logged)")
            }
            return read.value
        }
        do {
            let value = try log.storedValue(scope, key: key)
            try log.append(.recalled(StorageRead(scope: scope, key: key, value: value), at: clock.now))
            return value
        } catch {
            throw HostError("storage is not available: \(error)")
        }
    }

    /// In a replay, the next logged event, which must be the script's own (a storage
    /// write or read); nil when the log has no more (the script goes on live).
    private func nextReplayed(matching what: String) throws(HostError) -> SessionEvent? {
        guard replayIndex < replayQueue.count else { return nil }
        let next = replayQueue[replayIndex]
        guard next.isEffect else {
            throw replayMismatch("the script made \(what) that is not in the log (event \(replayIndex + 1))")
        }
        replayIndex += 1
        return next
    }

    private func replayMismatch(_ message: String) -> HostError {
        replayFailure = replayFailure ?? "the log does not fit the scripts: " + message
        return HostError(replayFailure!)
    }
}
