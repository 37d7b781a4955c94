import Foundation
import KraftfeltEngine
import KraftfeltHost
import Mustache
import Synchronization

/// The pages and the live fragments, rendered from the Mustache templates in `Web/templates`
/// (which escape every value); what the templates cannot say (charts, shown content) is
/// built in ``Shown`` and ``Charts`` with ``HTML/escape(_:)``.
struct Pages: Sendable {
    let library: MustacheLibrary
    let styles: String
    let script: String
    let phones = PhoneCache()

    init() throws {
        let web = Bundle.module.bundleURL.appendingPathComponent("Web")
        let folder = web.appendingPathComponent("templates").path
        var library = MustacheLibrary()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".mustache") {
            let text = try String(contentsOfFile: (folder as NSString).appendingPathComponent(name), encoding: .utf8)
            try library.register(text, named: String(name.dropLast(9)))
        }
        self.library = library
        styles = try String(contentsOf: web.appendingPathComponent("static/kraftfelt.css"), encoding: .utf8)
        script = try String(contentsOf: web.appendingPathComponent("static/kraftfelt.js"), encoding: .utf8)
    }

    func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }

    // MARK: Live fragments

    /// A participant's phone: their name over what their view shows, which is rendered
    /// once for every phone that shows the same (in a room of thousands, most phones show
    /// the same question).
    func participant(_ view: ParticipantView, followUp: FollowUpOffer? = nil) -> String {
        var head: [String: Any] = ["name": view.you.name, "area": view.you.area]
        if let exercise = view.exercise, !exercise.isEmpty { head["exercise"] = exercise }
        var key = view.content
        // The person's id marks them in their group's list; nothing else shows it.
        key.you = PersonRef(id: view.group == nil ? "" : view.you.id, name: "", area: "")
        key.exercise = nil
        let page = render("participant-head", head) + phones.page(key) { participantBody($0) }
        guard let followUp else { return page }
        let words = Labels.of(view.language)
        return page
            + render(
                "participant-follow-up",
                [
                    "t": words, "code": followUp.code, "url": followUp.url, "answered": followUp.answered,
                    "until": (words["followUpUntil"] ?? "").replacingOccurrences(
                        of: "%day", with: Days.text(followUp.expiresAt, language: view.language)),
                ])
    }

    /// Phone pages by what they show.
    final class PhoneCache: Sendable {
        private let pages = Mutex<[ParticipantView: String]>([:])
        /// Pages kept at most (a session's steps, in every language, many sessions).
        static let limit = 1000

        func page(_ key: ParticipantView, _ render: (ParticipantView) -> String) -> String {
            if let page = pages.withLock({ $0[key] }) { return page }
            let page = render(key)
            pages.withLock {
                if $0.count >= Self.limit { $0.removeAll(keepingCapacity: true) }
                $0[key] = page
            }
            return page
        }
    }

    private func participantBody(_ view: ParticipantView) -> String {
        let language = view.language
        var context: [String: Any] = ["t": Labels.of(language)]
        context[view.phase.rawValue] = true
        if let role = view.role { context["role"] = ["name": role.name, "listenOnly": role.listenOnly] }
        if let timer = view.timer { context["timer"] = Self.timer(timer, at: view.at) }
        if view.canSayDone || view.saidDone {
            let words = Labels.of(language)
            var done: [String: Any] = ["can": view.canSayDone, "said": view.saidDone]
            if let said = view.timer?.saidDone, let here = view.timer?.membersHere, !said.isEmpty {
                done["count"] = (words["doneCount"] ?? "").replacingOccurrences(of: "%n", with: String(said.count))
                    .replacingOccurrences(of: "%m", with: String(here))
            }
            context["done"] = done
        }
        context["questions"] = view.questions.map { Self.question($0, at: view.at, language: language) }
        if let group = view.group {
            context["group"] = [
                "index": group.index,
                "members": group.members.map {
                    ["name": $0.name, "area": $0.area, "isYou": $0.id == view.you.id] as [String: Any]
                },
            ]
        }
        context["matches"] = view.matches.map {
            [
                "asker": $0.youAre == "asker", "partner": $0.partner.name, "partnerArea": $0.partner.area,
                "question": $0.question, "across": $0.across,
            ] as [String: Any]
        }
        if let shown = view.shown { context["shown"] = ShownHTML.render(shown, language: language) }
        if let error = view.error { context["error"] = error }
        context["idle"] = view.questions.isEmpty && view.phase == .running
        return render("participant", context)
    }

    /// The beamer.
    func screen(_ view: ScreenView, language: String, joinURL: String) -> String {
        var context: [String: Any] = [
            "t": Labels.of(language), "title": view.title, "code": view.joinCode, "joinURL": joinURL,
            "joined": view.joined, "asked": view.asked, "answered": view.answered,
            "waitingForTrainer": view.waitingForTrainer,
        ]
        context[view.phase.rawValue] = true
        if let exercise = view.exercise, !exercise.isEmpty { context["exercise"] = exercise }
        if let prompt = view.prompt { context["prompt"] = prompt }
        if let timer = view.timer { context["timer"] = Self.timer(timer, at: view.at) }
        if let shown = view.shown { context["shown"] = ShownHTML.render(shown, language: language) }
        context["qr"] = QRCode.svg(joinURL, label: joinURL) ?? ""
        return render("screen", context)
    }

    /// The people table of one console connection, rendered again only when the people
    /// change (in a room of thousands, rendering it is most of a console update).
    final class PeopleCache {
        var people: [ConsolePerson]?
        var finished = false
        var html = ""
    }

    /// At most this many people are listed on the console (all are in the JSON view).
    static let consolePeople = 1000

    /// The trainer's console.
    func console(_ view: ConsoleView, language: String, joinURL: String, session: String, cache: PeopleCache)
        -> String
    {
        let names = Dictionary(view.people.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var context: [String: Any] = [
            "t": Labels.of(language), "title": view.title, "code": view.joinCode, "joinURL": joinURL,
            "session": session, "waitingForTrainer": view.waitingForTrainer, "waiting": view.waiting,
            "joined": view.people.count, "present": view.people.filter(\.present).count,
        ]
        context[view.phase.rawValue] = true
        if cache.people != view.people || cache.finished != (view.phase == .finished) {
            let shown = view.people.prefix(Self.consolePeople).map {
                [
                    "id": $0.id, "name": $0.name, "area": $0.area, "present": $0.present,
                    "role": $0.role.map { $0.listenOnly ? "\($0.name) (listen only)" : $0.name } ?? "",
                ] as [String: Any]
            }
            var people: [String: Any] = [
                "t": Labels.of(language), "people": Array(shown), "joined": view.people.count,
                "finished": view.phase == .finished,
            ]
            // Only a count above zero: Mustache shows a section for 0 too.
            if view.people.count > Self.consolePeople { people["hidden"] = view.people.count - Self.consolePeople }
            cache.html = render("console-people", people)
            cache.people = view.people
            cache.finished = view.phase == .finished
        }
        context["peopleHTML"] = cache.html
        context["questions"] = view.questions.map { question -> [String: Any] in
            let newest = question.answers.suffix(50).reversed().map {
                ["name": $0.name, "value": Self.answerText($0.value, names: names, kind: question.kind)]
                    as [String: Any]
            }
            var shown: [String: Any] = [
                "id": question.id, "kind": question.kind, "prompt": question.prompt, "asked": question.asked,
                "count": question.answers.count, "answers": Array(newest),
            ]
            if question.answers.count > 50 { shown["more"] = question.answers.count - 50 }
            return shown
        }
        context["hasQuestions"] = !view.questions.isEmpty
        context["timers"] = view.timers.map { Self.consoleTimer($0, at: view.at, names: names) }
        context["hasTimers"] = !view.timers.isEmpty
        context["programme"] = view.programme.map {
            ["title": $0.title, "status": $0.status.rawValue, $0.status.rawValue: true] as [String: Any]
        }
        context["measures"] = view.measures.suffix(100).map {
            ["name": "\($0.exercise).\($0.name)", "value": Charts.format($0.value)]
        }
        context["errors"] = view.errors
        return render("console", context)
    }

    // MARK: Pieces

    static func timer(_ timer: TimerView, at: Int64) -> [String: Any] {
        ["id": timer.id, "label": timer.label, "endsAt": timer.endsAt, "group": timer.group ?? 0]
    }

    /// A group's timer on the console: who of the group here said done, by name.
    static func consoleTimer(_ timer: TimerView, at: Int64, names: [String: String]) -> [String: Any] {
        var context = Self.timer(timer, at: at)
        if let said = timer.saidDone, let here = timer.membersHere, !said.isEmpty {
            context["saidDone"] = said.map { names[$0] ?? $0 }.joined(separator: ", ")
            context["doneOf"] = "\(said.count)/\(here)"
        }
        return context
    }

    static func question(_ question: QuestionView, at: Int64, language: String) -> [String: Any] {
        var context: [String: Any] = [
            "id": question.id, "kind": question.kind, "prompt": question.prompt, "answered": question.answered,
        ]
        context["is_" + question.kind] = true
        context["options"] = question.options.enumerated().map { ["value": $0.element, "n": $0.offset + 1] }
        context["positions"] = (1...max(1, question.options.count)).map { ["n": $0] }
        if let closesAt = question.closesAt { context["closesAt"] = closesAt }
        if let min = question.min { context["min"] = Charts.format(min) }
        if let max = question.max { context["max"] = Charts.format(max) }
        if question.kind == "scale", let low = question.min, let high = question.max, high - low <= 10, low <= high {
            context["points"] = stride(from: Int(low), through: Int(high), by: 1).map { ["value": $0] }
        } else if question.kind == "scale" {
            context["is_scale"] = false
            context["is_number"] = true
        }
        if question.kind == "list" { context.merge(listContext(question, language: language)) { $1 } }
        context["people"] = question.people.map { ["id": $0.id, "name": $0.name, "area": $0.area] }
        if let answer = question.answer {
            let names = Dictionary(question.people.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            context["answer"] = answerText(answer, names: names, kind: question.kind)
            if case .list(let items) = answer, question.kind == "list" { context["answerItems"] = items }
        }
        return context
    }

    /// A list question's boxes: as many as it needs at least (three to start with, when it
    /// takes that many), the first `min` required, and a hint that says how many it takes.
    static func listContext(_ question: QuestionView, language: String) -> [String: Any] {
        let limit = Double(SessionLimits.listItems)
        let low = Int(min(max(question.min ?? 1, 1), limit))
        let high = Int(min(max(question.max ?? Double(SessionLimits.listItemsDefault), Double(low)), limit))
        let boxes = max(low, min(3, high), 1)
        let words = Labels.of(language)
        let hint =
            high == 1
            ? words["listOne"] ?? ""
            : low == high
                ? (words["listExactly"] ?? "").replacingOccurrences(of: "%n", with: String(low))
                : (words["listRange"] ?? "").replacingOccurrences(of: "%min", with: String(low))
                    .replacingOccurrences(of: "%max", with: String(high))
        return [
            "listHint": hint, "canAdd": boxes < high,
            "boxes": (1...boxes).map { ["n": $0, "required": $0 <= low] as [String: Any] },
        ]
    }

    /// An answer as a phone or the console shows it; a list question's items are parted
    /// by semicolons (an item may have commas of its own).
    static func answerText(_ answer: Answer, names: [String: String], kind: String = "") -> String {
        switch answer {
        case .text(let text): names[text] ?? text
        case .number(let number): Charts.format(number)
        case .list(let items) where kind == "list": items.joined(separator: "; ")
        case .list(let items): items.map { names[$0] ?? $0 }.joined(separator: ", ")
        }
    }
}

/// What a script showed (``ShowContent``) as HTML.
enum ShownHTML {
    static func render(_ content: ShowContent, language: String) -> String {
        switch content {
        case .text(let text): return "<p class=\"shown-text\">\(HTML.escape(text))</p>"
        case .list(let items):
            return "<ul class=\"shown-list\">" + items.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        case .people(let people):
            return "<ul class=\"shown-people\">" + people.map(person).joined() + "</ul>"
        case .groups(let groups):
            let word = language == "en" ? "Group" : "Gruppe"
            return "<div class=\"shown-groups\">"
                + groups.map { group in
                    "<section class=\"group-card\"><h3>\(word) \(group.index)</h3><ul>"
                        + group.members.map(person).joined() + "</ul></section>"
                }.joined() + "</div>"
        case .pairs(let pairs):
            let helps = language == "en" ? "helps" : "hjælper"
            return "<ul class=\"shown-pairs\">"
                + pairs.map { pair in
                    "<li><strong>\(HTML.escape(pair.helper.name))</strong> (\(HTML.escape(pair.helper.area))) \(helps) "
                        + "<strong>\(HTML.escape(pair.asker.name))</strong> (\(HTML.escape(pair.asker.area))): "
                        + "\(HTML.escape(pair.question))</li>"
                }.joined() + "</ul>"
        case .chart(let chart):
            let title = chart.title.map { "<h3>\(HTML.escape($0))</h3>" } ?? ""
            return "<figure class=\"shown-chart\">\(title)\(Charts.svg(chart, language: language))</figure>"
        }
    }

    private static func person(_ person: PersonRef) -> String {
        "<li>\(HTML.escape(person.name)) <span class=\"area\">\(HTML.escape(person.area))</span></li>"
    }
}
