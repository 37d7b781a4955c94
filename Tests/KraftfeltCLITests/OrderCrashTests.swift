import Foundation
import Testing

/// A session whose script depends on every order a process could change: `pairs` over
/// tables keyed by tables, raw `next`, `table.sort` with ties, `tostring` and `%p` of
/// tables, `math.randomseed()`. Killed with SIGKILL at twenty points and resumed in a new
/// process each time, it must end with exactly the uninterrupted run's transcript.
@Suite(.serialized) struct OrderCrashTests {
    static let script = """
        return kf.exercise { id = "orders", title = { da = "Rækkefølger", en = "Orders" }, minutes = 60,
          run = function(s)
            local seen, byName = {}, {}
            for round = 1, 12 do
              local answers = s:ask(s.everyone, { da = "Runde " .. round, en = "Round " .. round, kind = "scale",
                min = 1, max = 5, time = "1m" })
              for _, a in ipairs(answers) do
                seen[a.who] = (seen[a.who] or 0) + a.value
                byName[a.who.name] = a.value
              end
              local order = {}
              for who, total in pairs(seen) do order[#order + 1] = who.name .. "=" .. total end
              s:show("pairs: " .. table.concat(order, " "))
              local k = next(seen)
              s:show("next: " .. (k and k.name or "none") .. " " .. tostring(k))
              local list = {}
              for name, v in pairs(byName) do list[#list + 1] = { name = name, v = v } end
              table.sort(list, function(a, b) return a.v < b.v end)
              local names = {}
              for i, e in ipairs(list) do names[i] = e.name end
              s:show("sort: " .. table.concat(names, ","))
              s:show(string.format("format: %s %p", {}, list))
              math.randomseed()
              s:show("random: " .. math.random(1, 1000000))
              s:show(s:groups { size = 3 })
            end
          end }
        """

    static func arguments(_ script: String) -> [String] {
        ["rehearse", script, "--participants", "80", "--areas", "5", "--seed", "13"]
    }

    @Test func aSessionThatDependsOnOrdersResumesToTheSameTranscriptTwentyTimes() throws {
        let file = try TestFiles.script("orders.lua", Self.script)
        let data = TestFiles.folder()
        let start = Date()
        let whole = try Kraftfelt.run(Self.arguments(file) + ["--data", data, "--session", "whole"], timeout: 300)
        let duration = Date().timeIntervalSince(start)
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(whole.stdout.contains("session finished"))
        #expect(whole.stdout.contains("pairs: "))
        // The same run in another process, from the start: the same transcript.
        let again = try Kraftfelt.run(Self.arguments(file), timeout: 300)
        #expect(again.stdout == whole.stdout)

        var interrupted = 0
        var attempts = 0
        var generator = SystemRandomNumberGenerator()
        while interrupted < 20 && attempts < 80 {
            attempts += 1
            let id = "k\(attempts)"
            let killAfter = duration * Double.random(in: 0.05...0.95, using: &generator)
            let killed = try Kraftfelt.run(
                Self.arguments(file) + ["--data", data, "--session", id], timeout: killAfter)
            guard killed.timedOut else { continue }  // it finished first: not a crash point
            let listing = try Kraftfelt.run(["sessions", "--data", data])
            guard listing.stdout.contains("\(id)  \(file)  running ") else { continue }  // not started yet
            interrupted += 1
            let resumed = try Kraftfelt.run(["resume", id, "--data", data], timeout: 300)
            #expect(resumed.status == 0, "kill at \(killAfter) s: \(resumed.stderr)")
            #expect(resumed.stdout == whole.stdout, "kill at \(killAfter) s: the resumed transcript differs")
        }
        #expect(interrupted == 20, "only \(interrupted) kills in \(attempts) attempts landed mid-session")
    }
}
