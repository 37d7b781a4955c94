import KraftfeltLua

extension Session {
    /// The Lua API reference for exercises, in Markdown, generated from the tables that
    /// register the functions (`kf` and the session handle `s`), so it cannot drift.
    public static func apiReference() throws -> String {
        try hostModules().map(\.reference).joined()
    }

    /// Definitions of the same API for lua-language-server (a `---@meta` file), with a
    /// class for every option table in ``HostOptions``: `kraftfelt reference --luals`.
    public static func luaDefinitions() throws -> String {
        LuaDefinitions.render(try hostModules())
    }

    /// The modules scripts call: `kf`, and the session handle's functions (`s:`, and `g:`
    /// in a group), as the session registers them. Only their descriptions are for use:
    /// the session they belong to is gone.
    public static func hostModules() throws -> [HostModule] {
        let definition = SessionDefinition(main: ExerciseSource(fileName: "reference.lua", text: "return 1"), seed: 0)
        let session = try Session(definition: definition)
        return [ExerciseModule.module, session.sessionAPI()]
    }
}
