import Foundation
import GRDB

/// Files and folders the CLI tests give the binary.
enum TestFiles {
    static let exercises = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Exercises").standardizedFileURL.path

    /// A new folder (not created): a data directory to be.
    static func folder(_ prefix: String = "kraftfelt-cli") -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID())").path
    }

    /// A file with this text in a new folder.
    static func script(_ name: String, _ text: String) throws -> String {
        try Kraftfelt.temporaryFile(name, Data(text.utf8)).path
    }

    /// An exercise that computes for a while before each of its twelve one-minute rounds:
    /// a rehearsal of it takes a few seconds of real time.
    static let slow = """
        return kf.exercise {
          id = "slow",
          title = { da = "Langsom", en = "Slow" },
          minutes = 12,
          run = function(s)
            for round = 1, 12 do
              local x = 0
              for i = 1, 6000000 do x = x + i end
              s:timer("1m", { da = "Runde", en = "Round" })
            end
          end,
        }
        """

    /// An exercise whose texts try to steer the terminal, and which fails with such a text.
    static let hostile = """
        return kf.exercise {
          id = "hostile",
          title = { da = "Fjendtlig \\27[31m", en = "Hostile \\27[31m" },
          minutes = 10,
          run = function(s)
            print("\\27[31mred\\7 and \\27]0;title\\7 and \\r overwrite \\194\\155 csi \\226\\128\\174 bidi")
            s:measure("\\27[2Jwiped", 1)
            s:timer("1m", { da = "Runde \\27[5m", en = "Round \\27[5m" })
            error("\\27[31mboom\\r\\n\\7")
          end,
        }
        """

    /// The bytes of every file in a directory but SQLite's shared-memory index (which
    /// readers write to), as FNV-1a checksums; an empty file counts as none (a reader of a
    /// WAL database may leave an empty -wal).
    static func checksums(_ directory: String) throws -> [String: UInt64] {
        var sums: [String: UInt64] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where !name.hasSuffix("-shm") {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            let data = (try? Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))) ?? Data()
            if data.isEmpty { continue }
            for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            sums[name] = hash
        }
        return sums
    }

    /// Writes an SQLite database with GRDB, outside any Kraftfelt code.
    static func database(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
    }

    /// Folds a WAL database's -wal file into it, so that its file holds everything.
    static func checkpoint(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
    }

    /// True when text holds a control character other than newline and tab, a C1 control
    /// or a bidirectional override: what a terminal would act on.
    static func hasRawControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x0A, 0x09: false
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
            default: false
            }
        }
    }
}
