extension HostModule {
    /// The module's part of the Lua API reference, in Markdown, generated from the same
    /// descriptions that register the functions and check their arguments.
    public var reference: String {
        var out = isGlobal ? "## `\(name)`\n\n" : "## `\(callPrefix.dropLast())`\n\n"
        if !summary.isEmpty { out += summary + "\n\n" }
        for function in functions {
            var arguments = function.parameters.map { $0.isOptional ? "[\($0.name)]" : $0.name }
            if function.isVariadic { arguments.append("...") }
            if callPrefix.hasSuffix(":"), arguments.first == "self" { arguments.removeFirst() }
            let signature = "\(callPrefix)\(function.name)(\(arguments.joined(separator: ", ")))"
            out += "### `\(signature)` → \(function.returns)\n\n"
            out += function.summary + "\n\n"
            if !function.parameters.isEmpty {
                out += "| argument | type | |\n|---|---|---|\n"
                for parameter in function.parameters where !(callPrefix.hasSuffix(":") && parameter.name == "self") {
                    let optional = parameter.isOptional ? ", optional" : ""
                    out += "| `\(parameter.name)` | \(parameter.type.name)\(optional) | \(parameter.summary) |\n"
                }
                out += "\n"
            }
            if let example = function.example { out += "```lua\n\(example)\n```\n\n" }
        }
        return out
    }
}
