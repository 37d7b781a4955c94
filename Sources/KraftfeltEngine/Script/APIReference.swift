import KraftfeltLua

extension Session {
    /// The Lua API reference for exercises, in Markdown, generated from the tables that
    /// register the functions (`kf` and the session handle `s`), so it cannot drift.
    public static func apiReference() throws -> String {
        let definition = SessionDefinition(main: ExerciseSource(fileName: "reference.lua", text: "return 1"), seed: 0)
        let session = try Session(definition: definition)
        return [ExerciseModule.module, session.sessionAPI()].map(\.reference).joined()
    }
}
