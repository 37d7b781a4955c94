/// The private host functions the sandbox prelude builds `print`, `os` and `math.random` on.
/// Scripts never see this table, only the functions the prelude makes from it.
enum SandboxHost {
    static var functions: [HostFunction] {
        [
            HostFunction(
                "print", parameters: [Parameter("line", .string)], summary: "Writes a line to the host's log."
            ) { call in
                call.vm.output(try call.string(0))
                return .none
            },
            HostFunction("now", returns: "integer", summary: "Seconds since 1970 on the session's clock.") { call in
                .integer(call.vm.clock.now())
            },
            HostFunction("clock", returns: "number", summary: "Seconds on the session's CPU clock.") { call in
                .value(.number(call.vm.clock.clock()))
            },
            HostFunction("seed", returns: "integer", summary: "The seed for math.random.") { call in
                .integer(call.vm.seed)
            },
        ]
    }
}
