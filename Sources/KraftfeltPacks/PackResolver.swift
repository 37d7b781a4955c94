/// Which installed packs a pack's dependencies name, and whether a set of packs can be
/// installed together: every conflict is explained in one sentence.
public enum PackResolver {
    /// The packs `manifest` depends on, as they resolve among `packs`: for each dependency
    /// the newest version its range allows (optional ones only when one is there).
    public static func dependencies(of manifest: PackManifest, among packs: [PackManifest]) throws(PackError)
        -> [PackManifest]
    {
        var found: [PackManifest] = []
        for (id, range) in manifest.dependencies.sorted(by: { $0.key < $1.key }) {
            guard let pack = newest(id, in: range, among: packs) else {
                throw PackError(missing(id, range, of: manifest, among: packs))
            }
            found.append(pack)
        }
        for (id, range) in manifest.optionalDependencies.sorted(by: { $0.key < $1.key }) {
            if let pack = newest(id, in: range, among: packs) { found.append(pack) }
        }
        return found
    }

    /// Checks that `new` can be installed beside `installed`: every required dependency is
    /// there in a version its range allows, nothing incompatible is there, and no pack
    /// depends on itself through others.
    public static func check(_ new: [PackManifest], installed: [PackManifest]) throws(PackError) {
        let all = installed + new
        for pack in new {
            for (id, range) in pack.dependencies.sorted(by: { $0.key < $1.key })
            where newest(id, in: range, among: all) == nil {
                throw PackError(missing(id, range, of: pack, among: all))
            }
            for other in all where other != pack {
                if let range = pack.incompatible[other.id], range.contains(other.version) {
                    throw PackError(
                        "\(pack.id) \(pack.version) cannot be installed with \(other.id) \(other.version): it says it "
                            + "is incompatible with \(other.id) \(range)")
                }
                if let range = other.incompatible[pack.id], range.contains(pack.version) {
                    throw PackError(
                        "\(pack.id) \(pack.version) cannot be installed with \(other.id) \(other.version), which says "
                            + "it is incompatible with \(pack.id) \(range)")
                }
            }
            if let cycle = cycle(from: pack, among: all, path: []) {
                throw PackError(
                    "the packs depend on each other in a circle: "
                        + cycle.map { "\($0.id) \($0.version)" }.joined(separator: " → "))
            }
        }
    }

    static func newest(_ id: String, in range: VersionRange, among packs: [PackManifest]) -> PackManifest? {
        packs.filter { $0.id == id && range.contains($0.version) }.max { $0.version < $1.version }
    }

    static func missing(_ id: String, _ range: VersionRange, of pack: PackManifest, among packs: [PackManifest])
        -> String
    {
        let there = packs.filter { $0.id == id }.map(\.version).sorted()
        let needs = "\(pack.id) \(pack.version) needs \(id) \(range)"
        guard !there.isEmpty else {
            return needs + ", which is not installed (install it first, or give it to kraftfelt pack install too)"
        }
        return needs + ", but only " + there.map { "\(id) \($0)" }.joined(separator: ", ") + " is installed"
    }

    /// A path of required dependencies from `pack` back to a pack already on it.
    static func cycle(from pack: PackManifest, among packs: [PackManifest], path: [PackManifest]) -> [PackManifest]? {
        if path.contains(pack) { return Array(path.drop { $0 != pack }) + [pack] }
        for (id, range) in pack.dependencies.sorted(by: { $0.key < $1.key }) {
            guard let next = newest(id, in: range, among: packs) else { continue }
            if let found = cycle(from: next, among: packs, path: path + [pack]) { return found }
        }
        return nil
    }
}
