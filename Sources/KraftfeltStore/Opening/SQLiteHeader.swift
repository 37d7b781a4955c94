import Foundation

/// The first 100 bytes of an SQLite file, checked before SQLite opens it: a file that does
/// not start like one is not a database, one whose fixed header fields are wrong is
/// damaged. (SQLite itself finds a file shorter than its header says: `SQLITE_CORRUPT`.)
enum SQLiteHeader {
    static let magic = Array("SQLite format 3\u{0}".utf8)

    static func check(_ head: [UInt8], path: String) throws(StoreError) {
        let start = head.prefix(magic.count)
        guard start.elementsEqual(magic.prefix(start.count)) else {
            if head.count >= 24, fixedFieldsHold(head) {
                throw SQLiteInspection.damaged(path, "its first bytes are overwritten")
            }
            throw SQLiteInspection.notOurs(
                path, "it is not an SQLite database (if it was one, its header is destroyed: restore it from a backup)")
        }
        guard head.count >= 100 else {
            throw SQLiteInspection.damaged(path, "it ends after \(head.count) bytes, inside its 100-byte header")
        }
        guard fixedFieldsHold(head) else { throw SQLiteInspection.damaged(path, "its header is garbled") }
    }

    /// The page size (a power of two from 512 to 65536), the file format versions (1 or
    /// 2) and the payload fractions (64, 32, 32), which every SQLite file has.
    private static func fixedFieldsHold(_ head: [UInt8]) -> Bool {
        let raw = Int(head[16]) << 8 | Int(head[17])
        let pageSize = raw == 1 ? 65_536 : raw
        return pageSize >= 512 && pageSize & (pageSize - 1) == 0 && (1...2).contains(head[18])
            && (1...2).contains(head[19]) && head[21] == 64 && head[22] == 32 && head[23] == 32
    }
}
