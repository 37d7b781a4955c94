extension ScriptChecker {
    /// The tokens `x` of `x:name` calls where `x` is the session handle: the first parameter
    /// of `run = function(x)`, or a first parameter called `s` or `g` (`function(g)` of
    /// s:each_group), or a global `s` or `g`. A `local s = "text"`, a loop's `s` or another
    /// function's parameter hides it where Lua's scopes say so, so `s:upper()` of a string
    /// is not taken for a host call.
    func handleUses() -> Set<Int> {
        var scopes: [(closer: Int, names: [String: Bool])] = [(Int.max, [:])]
        var loopNames: [String] = []
        var uses: Set<Int> = []
        func resolve(_ name: String) -> Bool {
            for scope in scopes.reversed() { if let isHandle = scope.names[name] { return isHandle } }
            return name == "s" || name == "g"
        }
        func closer(_ i: Int) -> Int { syntax.partner[i] > i ? syntax.partner[i] : Int.max }
        /// The names of a list `a, b, c` from `start`.
        func names(from start: Int) -> [String] {
            var found: [String] = []
            var j = start
            while j < tokens.count, let name = tokens[j].name, !LuaSyntax.keywords.contains(name) {
                found.append(name)
                guard syntax.symbol(j + 1, ",") else { break }
                j += 2
            }
            return found
        }
        for i in tokens.indices {
            while scopes.count > 1, let last = scopes.last, last.closer < i { scopes.removeLast() }
            switch tokens[i].kind {
            case .name("local"):
                let bound = syntax[i + 1].isName("function") ? names(from: i + 2) : names(from: i + 1)
                for name in bound { scopes[scopes.count - 1].names[name] = false }
            case .name("for"):
                loopNames = names(from: i + 1)
            case .name("do"):
                scopes.append((closer(i), Dictionary(loopNames.map { ($0, false) }) { a, _ in a }))
                loopNames = []
            case .name("if"), .name("repeat"):
                scopes.append((closer(i), [:]))
            case .name("function"):
                // The parameters: after `function`, a name like `a.b:c`, and `(`.
                var open = i + 1
                while open < tokens.count, open < i + 64, !tokens[open].isSymbol("(") { open += 1 }
                let parameters = syntax.symbol(open, "(") ? names(from: open + 1) : []
                let isRun = i >= 2 && syntax.symbol(i - 1, "=") && tokens[i - 2].isName("run")
                var bound: [String: Bool] = [:]
                for (index, name) in parameters.enumerated() where bound[name] == nil {
                    bound[name] = index == 0 && (isRun || name == "s" || name == "g")
                }
                scopes.append((closer(i), bound))
            case .name(let name):
                if syntax.symbol(i + 1, ":"), !syntax.symbol(i - 1, "."), !syntax.symbol(i - 1, ":"), resolve(name) {
                    uses.insert(i)
                }
            default:
                break
            }
        }
        return uses
    }
}
