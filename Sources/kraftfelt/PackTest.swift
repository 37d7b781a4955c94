import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltPacks

/// `kraftfelt pack test DIR`: `pack check`, then every exercise with bots over several
/// seeds and room sizes, then the pack's own test files; ends with `N passed, N failed`.
struct PackTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Test a pack: pack check, every exercise with bots over seeds and sizes, and its tests/*.lua.",
        discussion: """
            A test file (tests/NAME.lua) is an exercise whose code asserts: asserts at its top \
            level test the pack's modules, and asserts in its run function test them in a \
            session with bots. It passes when it runs to its end.
            """
    )

    @Argument(help: "The pack's folder.")
    var folder: String

    @Option(
        name: .customLong("with"), help: "The folder of a pack it depends on, when it is not installed (repeatable).")
    var dependencies: [String] = []

    @OptionGroup var location: PackLocation

    /// The rooms every exercise runs in besides `pack check`'s: sizes × seeds.
    static let sizes = [4, 12, 30]
    static let seeds: [UInt64] = [1, 2, 3]
    /// Bots in a test file's session.
    static let testPeople = 6

    func validate() throws {
        try Inputs.path(folder, option: "the pack's folder")
        for folder in dependencies { try Inputs.path(folder, option: "--with") }
    }

    func run() throws {
        var passed = 0
        var failed = 0
        func result(_ ok: Bool, _ line: String) {
            if ok { passed += 1 } else { failed += 1 }
            Terminal.print((ok ? "passed: " : "FAILED: ") + line)
        }
        // 1. kraftfelt pack check.
        var arguments = [folder] + dependencies.flatMap { ["--with", $0] }
        if let packs = location.folder { arguments += ["--packs", packs] }
        var checked = true
        do {
            try PackCheck.parse(arguments).run()
        } catch {
            checked = false
            if let error = error as? CLIError { Terminal.print(error.message) }
        }
        result(checked, "pack check")

        let pack: PackFolder
        let library: [ExerciseSource]
        do throws(PackError) {
            pack = try PackFolder.load(folder)
            library =
                pack.exercises + pack.modules
                + (try PackCheck.exported(to: pack.manifest, with: dependencies, in: location))
        } catch {
            result(false, error.message)
            return finish(passed, failed)
        }
        // 2. Every exercise with bots, over seeds and sizes.
        for source in pack.exercises {
            let id = String(source.fileName.dropLast(4))
            for size in Self.sizes {
                var failures: [String] = []
                for seed in Self.seeds {
                    if let problem = Self.rehearse(source, library: library, people: size, seed: seed) {
                        failures.append("seed \(seed): \(problem)")
                    }
                }
                result(
                    failures.isEmpty,
                    "\(id) with \(size) people, seeds \(Self.seeds.map(String.init).joined(separator: ", "))"
                        + (failures.isEmpty ? "" : "\n  " + failures.joined(separator: "\n  ")))
            }
        }
        // 3. The pack's test files.
        for test in pack.tests {
            // Named by its path (tests/rounds.lua), so that it can require the module it tests.
            let problem = Self.rehearse(test, library: library, people: Self.testPeople, seed: 1)
            result(problem == nil, test.fileName + (problem.map { ": \($0)" } ?? ""))
        }
        finish(passed, failed)
        if failed > 0 { throw ExitCode.failure }
    }

    private func finish(_ passed: Int, _ failed: Int) {
        Terminal.print("\(passed) passed, \(failed) failed")
    }

    /// Runs a script with bots to its end: nil when it finished, else why not.
    static func rehearse(_ source: ExerciseSource, library: [ExerciseSource], people: Int, seed: UInt64) -> String? {
        do {
            let definition = SessionDefinition(main: source, library: library, seed: seed)
            let session = try Rehearsal(definition: definition, participants: people, areas: 3).run(
                exercise: String(source.fileName.dropLast(4)))
            if case .failed(let error) = session.state { return error.message }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
