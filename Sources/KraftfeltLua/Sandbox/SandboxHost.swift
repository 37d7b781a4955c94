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
            HostFunction(
                "seedpair", returns: "two integers",
                summary: "A fresh seed for math.randomseed(), from the VM's seed: the same in a replay."
            ) { call in
                let vm = call.vm
                vm.randomSeeds += 1
                var generator = SeededGenerator64(seed: UInt64(bitPattern: vm.seed) &+ vm.randomSeeds &* 0x9E37_79B9)
                return .values([
                    .integer(Int64(bitPattern: generator.next())), .integer(Int64(bitPattern: generator.next())),
                ])
            },
        ]
    }
}

/// SplitMix64, for seeds the sandbox draws (the engine has its own generators).
struct SeededGenerator64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
