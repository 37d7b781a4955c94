import KraftfeltLua

/// An exercise's declared parameters: `parameters = { rounds = { type = "integer", default = 3 } }`.
enum ExerciseParameters {
    static let types = ["integer", "number", "string", "boolean", "duration"]

    /// Checks the declaration (in `kf.exercise`).
    static func check(_ declaration: LuaValue) throws(HostError) {
        guard declaration != .nil else { return }
        guard case .table(let table) = declaration, table.array.isEmpty else {
            throw HostError("'parameters' must be a table like { rounds = { type = \"integer\", default = 3 } }")
        }
        guard table.fields.count <= SessionLimits.parameters else {
            throw HostError(
                "an exercise can declare at most \(SessionLimits.parameters) parameters, got \(table.fields.count)")
        }
        for field in table.fields {
            guard let name = field.key.text, let spec = field.value.tableValue else {
                throw HostError("'parameters' must map names to { type = …, default = … }")
            }
            guard !name.isEmpty, name.utf8.count <= SessionLimits.parameterNameBytes else {
                throw HostError("a parameter's name must have 1 to \(SessionLimits.parameterNameBytes) bytes")
            }
            do { try HostOptions.parameter.check(spec) } catch {
                throw HostError("parameter '\(name)': \(error.message)")
            }
            guard let type = spec["type"].text, types.contains(type) else {
                throw HostError(
                    "parameter '\(name)': 'type' must be one of \(types.joined(separator: ", ")), got \(describe(spec["type"]))"
                )
            }
            guard fits(spec["default"], type) else {
                throw HostError(
                    "parameter '\(name)': 'default' must be \(phrase(type)), got \(describe(spec["default"]))")
            }
        }
    }

    /// The values for a session: the defaults, with what the session was started with.
    static func resolve(_ declaration: LuaValue, given: [String: String], exercise: String) throws -> LuaTable {
        let table = declaration.tableValue ?? LuaTable()
        let declared = Set(table.fields.compactMap(\.key.text))
        if let unknown = given.keys.sorted().first(where: { !declared.contains($0) }) {
            let names = declared.sorted().joined(separator: ", ")
            throw ScriptError(
                .runtime,
                "\(exercise): there is no parameter '\(unknown)'" + (names.isEmpty ? "" : " (there are: \(names))"))
        }
        var values: [LuaTable.Field] = []
        for field in table.fields {
            guard let name = field.key.text, let spec = field.value.tableValue, let type = spec["type"].text else {
                continue
            }
            var value = spec["default"]
            if let text = given[name] {
                guard let parsed = parse(text, type) else {
                    throw ScriptError(
                        .runtime,
                        "\(exercise): parameter '\(name)' must be \(phrase(type)), got \(describe(.string(text)))")
                }
                value = parsed
            }
            values.append(LuaTable.Field(.string(name), value))
        }
        return LuaTable(fields: values)
    }

    static func fits(_ value: LuaValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("integer", .integer), ("number", .integer), ("number", .number), ("string", .string),
            ("boolean", .boolean):
            true
        case ("duration", .string(let s)): DurationText.milliseconds(s.description) != nil
        default: false
        }
    }

    static func parse(_ text: String, _ type: String) -> LuaValue? {
        switch type {
        case "integer": Int64(text).map { .integer($0) }
        case "number": Double(text).flatMap { $0.isFinite ? .number($0) : nil }
        case "boolean": text == "true" ? .boolean(true) : text == "false" ? .boolean(false) : nil
        case "duration": DurationText.milliseconds(text) != nil ? .string(text) : nil
        default: .string(text)
        }
    }

    static func phrase(_ type: String) -> String {
        switch type {
        case "integer": "an integer"
        case "duration": "a duration like \"3m\""
        default: "a \(type)"
        }
    }
}
