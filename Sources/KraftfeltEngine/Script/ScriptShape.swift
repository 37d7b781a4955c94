/// The shape of a table the host hands to scripts, like a person or an answer, for the
/// editor definitions (`kraftfelt reference --luals`).
///
/// The functions and their option tables come from the tables that register them; these
/// are the values they return and the handle `run` gets, which `Session.record(of:)`,
/// `Session.handle(group:)` and the calls that return lists build.
public struct ScriptShape: Sendable {
    public struct Field: Sendable {
        public let name: String
        /// A lua-language-server type, like `string` or `Person[]`.
        public let type: String
        public let isOptional: Bool
        public let summary: String

        init(_ name: String, _ type: String, optional: Bool = false, _ summary: String) {
            self.name = name
            self.type = type
            self.isOptional = optional
            self.summary = summary
        }
    }

    public let name: String
    public let summary: String
    public let fields: [Field]

    /// The names of its fields, as the reference writes a list of them: `{ who, value }`.
    var fieldList: String { "{ " + fields.map(\.name).joined(separator: ", ") + " }" }
}

extension ScriptShape {
    /// The session handle's data fields; its functions come from `Session.sessionAPI()`.
    static let session = ScriptShape(
        name: "Session", summary: "The session handle `s` that `run` receives (and `g` in a group).",
        fields: [
            Field("everyone", "Audience", "everyone here (`s.everyone`), or the group's members (`g.everyone`)"),
            Field("language", "string", "the session's language, like \"da\""),
            Field("results", "{ [string]: any }", "what earlier exercises of the programme returned, by id"),
            Field("params", "{ [string]: any }", "the exercise's parameters, by name"),
            Field("index", "integer", optional: true, "in a group (`g`): the group's number"),
            Field("members", "Person[]", optional: true, "in a group (`g`): its members"),
        ])

    /// Every shape a script sees, in the order the definitions list them.
    public static let all: [ScriptShape] = [
        ScriptShape(
            name: "Person", summary: "A participant, as `s:participants()` and the answers name them.",
            fields: [
                Field("id", "string", "the participant's id"),
                Field("name", "string", "the name they gave"),
                Field("area", "string", "their administrative area"),
                Field("language", "string", "the language of their phone, like \"da\""),
                Field("strengths", "string[]", "what they can help with"),
                Field("attributes", "{ [string]: string }", "what the exercise's `attributes` asked of them"),
            ]),
        ScriptShape(
            name: "Audience", summary: "Who a question goes to: `s.everyone` or `g.everyone`.",
            fields: [
                Field("kind", "string", "\"everyone\" or \"group\""),
                Field("members", "Person[]", optional: true, "a group's members"),
            ]),
        ScriptShape(
            name: "Answer", summary: "One answer, as `s:ask` returns them.",
            fields: [
                Field("who", "Person", "who answered"),
                Field("value", "any", "the answer: a text, a number, a person, or a list for choices and rank"),
            ]),
        ScriptShape(
            name: "Group", summary: "A group of people, as `s:groups`, `s:merge` and `s:rotations` return them.",
            fields: [
                Field("index", "integer", "the group's number, from 1"),
                Field("members", "Person[]", "its members"),
                Field(
                    "min", "integer", optional: true,
                    "the fewest people here before `s:each_group` joins the group to the others"),
            ]),
        ScriptShape(
            name: "Pair", summary: "A question paired with a helper, as `s:match` returns them.",
            fields: [
                Field("asker", "Person", "who asked"),
                Field("helper", "Person", "who helps"),
                Field("question", "string", "the question"),
                Field("score", "integer", "how well the helper's strengths fit the question"),
                Field("across", "boolean", "whether the two are from different areas"),
            ]),
        ScriptShape(
            name: "Translated", summary: "A text in Danish and English.",
            fields: [
                Field("da", "string", optional: true, "in Danish"),
                Field("en", "string", optional: true, "in English"),
            ]),
    ]
}
