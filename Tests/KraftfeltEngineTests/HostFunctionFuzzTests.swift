import Foundation
import Testing

@testable import KraftfeltEngine
@testable import KraftfeltLua

/// Random argument lists and option tables for every host function, from inside scripts
/// run in real sessions with bots: the process never dies, every failure is a clean
/// session failure (a `ScriptError` with its message), rehearsal bots never make an event
/// the session refuses, and a replay of the log gives the same transcript.
///
/// Reproducible: the cases come from a seeded generator. `KRAFTFELT_FUZZ_SEED` and
/// `KRAFTFELT_FUZZ_CASES` choose others (20,000 cases of seed 12345 ran clean, replays
/// included); a failing case is printed with its script, and
/// `KRAFTFELT_FUZZ_TIMES=1` prints every case slower than 0.1 s.
struct HostFunctionFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seed = environment["KRAFTFELT_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x6b66_7a7a
    static let cases = environment["KRAFTFELT_FUZZ_CASES"].flatMap { Int($0) } ?? 2000

    /// The sandbox limits of a fuzz session: a smaller instruction budget (a case that loops
    /// ends sooner) and no wall-clock limit, so a replay ends every run where the live one did.
    static let limits = SandboxLimits(instructionsPerRun: 5_000_000, secondsPerRun: nil)

    @Test func everyHostFunctionTakesAnyArgumentsAndFailsOnlyItsSession() throws {
        let probe = try Session(
            definition: SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: ""), seed: 1))
        let targets = FuzzTarget.all(in: probe)
        #expect(targets.count >= 18)
        var scripts = FuzzScripts(rng: SeededGenerator(seed: Self.seed), targets: targets)
        var failures: [String: Int] = [:]
        var finished = 0
        for number in 0..<Self.cases {
            let script = scripts.script()
            let started = ContinuousClock.now
            let outcome = try run(script, case: number)
            let took = ContinuousClock.now - started
            if Self.environment["KRAFTFELT_FUZZ_TIMES"] != nil, took > .milliseconds(100) {
                print("slow case \(number): \(took) \(outcome ?? "finished")\n\(script)")
            }
            if let message = outcome { failures[Self.shape(message), default: 0] += 1 } else { finished += 1 }
        }
        let summary = failures.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(40)
            .map { "  \($0.value)× \($0.key)" }.joined(separator: "\n")
        print(
            "fuzz: \(Self.cases) cases (seed \(Self.seed)), \(finished) finished, the most common failures:\n\(summary)"
        )
        #expect(finished > Self.cases / 20)
    }

    /// Runs one case; returns its failure, if the session failed.
    private func run(_ script: String, case number: Int) throws -> String? {
        let definition = SessionDefinition(
            main: ExerciseSource(fileName: "x.lua", text: script), seed: UInt64(number), limits: Self.limits)
        let log = MemoryLog()
        let session: Session
        do {
            session = try Rehearsal(definition: definition, participants: 5, areas: 2, log: log).run(exercise: "x")
        } catch {
            Issue.record("case \(number): the rehearsal threw \(error)\n\(script)")
            return nil
        }
        let failure = session.failure
        switch session.state {
        case .finished, .failed: break
        default: Issue.record("case \(number): the session is \(session.state)\n\(script)")
        }
        #expect(failure?.contains("refused an event of the rehearsal's bots") != true, "case \(number)\n\(script)")
        #expect(session.transcript.bytes <= session.transcript.limit + 400, "case \(number)")
        if number % 8 == 0 {
            // A rehearsal resumed from the log makes the same decisions and ends the same way…
            do {
                let resumed = try Rehearsal(definition: definition, participants: 5, areas: 2, log: log)
                    .run(exercise: "x")
                expectSame(resumed, session, number, script)
            } catch {
                Issue.record("case \(number): the resumed rehearsal threw \(error)\n\(script)")
            }
            // …and so does a plain replay, unless the rehearsal itself gave up (not a logged event).
            if failure?.hasPrefix("the rehearsal reached its limit") != true {
                let replayed = try Session(definition: definition)
                do {
                    try replayed.replay(log.events)
                } catch {
                    Issue.record("case \(number): the replay threw \(error)\n\(script)")
                }
                expectSame(replayed, session, number, script)
            }
        }
        return failure
    }

    /// A replay makes the same transcript. This holds for a value that cannot leave Lua too:
    /// a table bad in several places fails with the error of its first bad key in the
    /// reader's fixed key order, not in Lua's hash order (which differs between states).
    private func expectSame(_ other: Session, _ session: Session, _ number: Int, _ script: String) {
        #expect(other.transcript == session.transcript, "case \(number): the replay differs\n\(script)")
    }

    /// A failure without its numbers and quoted values, to count failures of one kind.
    static func shape(_ message: String) -> String {
        var out = ""
        var quoted = false
        for character in message.prefix(160) {
            if character == "\"" {
                quoted.toggle()
                if quoted { out += "\"…\"" }
            } else if !quoted {
                out.append(character.isNumber ? "#" : character)
            }
        }
        return out.replacingOccurrences(of: "##", with: "#").replacingOccurrences(of: "##", with: "#")
    }
}
