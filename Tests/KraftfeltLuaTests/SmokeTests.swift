import Testing
@testable import KraftfeltLua

struct SmokeTests {
    @Test func runsAScript() throws {
        let vm = try LuaVM()
        #expect(try vm.run("return 6 * 7", chunkName: "answer.lua") == [.integer(42)])
    }
}
