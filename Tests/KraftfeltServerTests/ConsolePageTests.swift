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

/// Phone pages are rendered once for every phone that shows the same, with each phone's
/// own name over it, and their own mark in their group.
struct PhonePageTests {
    static func view(_ id: String, _ name: String, group: Bool = false) throws -> ParticipantView {
        let members = #"[{"id":"p1","name":"Ann","area":"Kultur"},{"id":"p2","name":"Bo","area":"Skole"}]"#
        let json = """
            {"revision":\(Int.random(in: 1...99)),"at":\(Int.random(in: 1...99)),"phase":"running",
             "you":{"id":"\(id)","name":"\(name)","area":"Kultur"},"language":"en","present":true,
             "exercise":"Summegrupper",
             "questions":[{"id":3,"kind":"scale","prompt":"How well?","options":[],"min":1,"max":5,
               "secondsLeft":\(Int.random(in: 1...99)),"people":[],"answered":false}],
             \(group ? #""group":{"index":2,"members":\#(members)},"# : "")
             "matches":[]}
            """
        return try JSONDecoder().decode(ParticipantView.self, from: Data(json.utf8))
    }

    @Test func phonesThatShowTheSameShareTheirPageButNotTheirName() throws {
        let pages = try Pages()
        let ann = pages.participant(try Self.view("p1", "Ann"))
        let bo = pages.participant(try Self.view("p2", "Bo <b>"))
        #expect(ann.contains("<strong>Ann</strong> · Kultur") && bo.contains("<strong>Bo &lt;b&gt;</strong> · Kultur"))
        #expect(!ann.contains("Bo") && !bo.contains("Ann"))
        func body(_ page: String) -> Substring { page[page.range(of: "</header>")!.upperBound...] }
        #expect(body(ann) == body(bo))
        #expect(body(ann).contains(#"data-kind="scale""#) && ann.contains("<h1>Summegrupper</h1>"))
    }

    @Test func eachGroupMemberIsMarkedOnTheirOwnPhone() throws {
        let pages = try Pages()
        let ann = pages.participant(try Self.view("p1", "Ann", group: true))
        let bo = pages.participant(try Self.view("p2", "Bo", group: true))
        #expect(ann.contains("<li>Ann <span class=\"area\">Kultur</span> (you)</li>"))
        #expect(!ann.contains("Skole</span> (you)"))
        #expect(bo.contains("<li>Bo <span class=\"area\">Skole</span> (you)</li>"))
        #expect(!bo.contains("Kultur</span> (you)"))
    }
}
