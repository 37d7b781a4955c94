import Foundation
import KraftfeltEngine
import Testing

@testable import KraftfeltServer

/// The console's people table: rendered again only when the people change, and at most
/// ``Pages/consolePeople`` rows however large the room.
struct ConsolePageTests {
    static func view(people count: Int, present: Bool = true, phase: String = "running") throws -> ConsoleView {
        let people = (0..<count).map {
            #"{"id":"p\#($0)","name":"Person \#($0)","area":"Kultur","present":\#(present)}"#
        }
        let json = """
            {"revision":1,"at":0,"phase":"\(phase)","joinCode":"ABC123","title":"T",
             "people":[\(people.joined(separator: ","))],"questions":[],"timers":[],
             "waitingForTrainer":false,"waiting":[],"programme":[],"measures":[],"errors":[]}
            """
        return try JSONDecoder().decode(ConsoleView.self, from: Data(json.utf8))
    }

    static func rows(_ html: String) -> Int { html.components(separatedBy: "<tr class=").count - 1 }

    @Test func aLargeRoomListsTheFirstThousandAndCountsTheRest() throws {
        let pages = try Pages()
        let html = pages.console(
            try Self.view(people: 1234), language: "en", joinURL: "http://x/j/ABC123", session: "s",
            cache: Pages.PeopleCache())
        #expect(Self.rows(html) == Pages.consolePeople)
        #expect(html.contains("People (1234)"))
        #expect(html.contains("+ 234 more"))
        #expect(html.contains("<td>Person 999</td>") && !html.contains("<td>Person 1000</td>"))
    }

    @Test func theTableFollowsThePeopleAndThePhase() throws {
        let pages = try Pages()
        let cache = Pages.PeopleCache()
        func render(_ view: ConsoleView) -> String {
            pages.console(view, language: "en", joinURL: "http://x/j/ABC123", session: "s", cache: cache)
        }
        let three = render(try Self.view(people: 3))
        #expect(Self.rows(three) == 3 && !three.contains(" more</p>"))
        #expect(three.components(separatedBy: #"data-action="remove""#).count - 1 == 3)
        // Someone joins: the cached table is not reused.
        #expect(Self.rows(render(try Self.view(people: 4))) == 4)
        // The same people, but gone: no remove buttons.
        let gone = render(try Self.view(people: 4, present: false))
        #expect(gone.components(separatedBy: #"class="gone""#).count - 1 == 4)
        #expect(!gone.contains(#"data-action="remove""#))
        // The same people, but the session finished: no remove buttons either.
        #expect(render(try Self.view(people: 4)).contains(#"data-action="remove""#))
        #expect(!render(try Self.view(people: 4, phase: "finished")).contains(#"data-action="remove""#))
    }
}
