/// What a host function gives back to the script.
public enum HostResult {
    /// No values.
    case none
    /// One integer (the cheapest result to return).
    case integer(Int64)
    /// One number.
    case number(Double)
    /// One boolean.
    case boolean(Bool)
    /// One value.
    case value(LuaValue)
    /// Several values.
    case values([LuaValue])
    /// Suspend the script; made with ``suspend(_:)``.
    case wait(HostRequest)

    /// Suspends the script until the host resumes it (``ScriptThread/resume(returning:)``);
    /// the request tells the host what the script waits for.
    public static func suspend(_ request: Any) -> HostResult { .wait(HostRequest(request)) }

    public static func string(_ value: String) -> HostResult { .value(.string(value)) }
}

/// What a suspended script waits for, as the host function that suspended it said.
/// A class, so that ``HostResult`` stays a small, cheap value on the hot path.
public final class HostRequest {
    public let value: Any
    init(_ value: Any) { self.value = value }
}

/// A Swift function that scripts call as `module.name(...)`.
///
/// The same description registers the function, checks its arguments, writes its error
/// messages and generates its entry in the Lua API reference, so they cannot drift apart.
public struct HostFunction {
    public let name: String
    public let parameters: [Parameter]
    /// Whether calls may pass more arguments than `parameters` lists.
    public let isVariadic: Bool
    /// What it returns, for the reference ("integer", "nothing").
    public let returns: String
    public let summary: String
    /// A short Lua example for the reference.
    public let example: String?
    /// Whether the function may suspend the script: it is then refused, before its body
    /// runs, where the script cannot wait (a coroutine of its own, a metamethod).
    public let suspends: Bool
    let body: (HostCall) throws -> HostResult
    let minimumArguments: Int

    public init(
        _ name: String,
        parameters: [Parameter] = [],
        variadic: Bool = false,
        returns: String = "nothing",
        summary: String,
        example: String? = nil,
        suspends: Bool = false,
        body: @escaping (HostCall) throws -> HostResult
    ) {
        self.suspends = suspends
        self.name = name
        self.parameters = parameters
        self.isVariadic = variadic
        self.returns = returns
        self.summary = summary
        self.example = example
        self.body = body
        self.minimumArguments = (parameters.lastIndex { !$0.isOptional } ?? -1) + 1
    }
}

/// A named table of host functions: a global (`kf`), or a hidden table the host hands
/// to scripts itself (the session handle `s`, whose functions are called as `s:ask`).
public struct HostModule {
    public let name: String
    public let summary: String
    public let functions: [HostFunction]
    /// Whether every chunk sees the module as a global.
    public let isGlobal: Bool
    /// How messages and the reference name a function: `"kf."` gives `kf.add`, `"s:"` gives `s:ask`.
    public let callPrefix: String
    /// For a method's error message: the prefix the receiver goes by when it is not the
    /// usual one (`"g:"` for a group's handle), read on error paths only.
    public let receiverPrefix: (@Sendable (LuaTable) -> String?)?

    public init(
        _ name: String, summary: String = "", global: Bool = true, callPrefix: String? = nil,
        receiverPrefix: (@Sendable (LuaTable) -> String?)? = nil, functions: [HostFunction]
    ) {
        self.name = name
        self.summary = summary
        self.functions = functions
        self.isGlobal = global
        self.callPrefix = callPrefix ?? "\(name)."
        self.receiverPrefix = receiverPrefix
    }
}
