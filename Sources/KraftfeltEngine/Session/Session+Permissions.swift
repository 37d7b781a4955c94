import KraftfeltLua

extension Session {
    /// Refuses a call that needs `permission` when the scripts come from a pack that did
    /// not ask for it; scripts that are not from a pack may do everything.
    /// - Parameter what: what the call does, as the start of the sentence
    ///   (`taking measures`); the call's name comes before it (`s:measure: …`).
    func require(_ permission: ScriptPermission, for what: String) throws(HostError) {
        guard let pack = definition.pack, !pack.permissions.contains(permission) else { return }
        let name = "\"\(permission.rawValue)\""
        throw HostError(
            "\(what) needs the permission \(name), which the pack \(pack.named) did not ask for "
                + "(add \(name) to permissions in its kraftfelt-pack.toml)")
    }

    /// Refuses storage in a scope the pack may not use: the organisation's needs
    /// `organisation-storage`, a person's (kept for their next session) `follow-up`.
    func require(_ scope: StorageScope) throws(HostError) {
        switch scope {
        case .session, .exercise: return
        case .organisation: try require(.organisationStorage, for: "the scope \"organisation\"")
        case .participant: try require(.followUp, for: "a person's scope")
        }
    }
}
