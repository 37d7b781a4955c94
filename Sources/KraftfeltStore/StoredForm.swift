import Foundation
import KraftfeltEngine

/// How events and session settings are written as text, the same in every store.
enum StoredForm {
    /// An event as sorted-key JSON.
    static func encode(_ event: SessionEvent) throws(StoreError) -> String {
        if case .answer(let ask, let who, let value, let at) = event,
            let text = answer(ask: ask, participant: who, value: value, at: at)
        {
            return text
        }
        guard let data = try? encoder.encode(event) else { throw StoreError(.corrupt, "an event does not encode") }
        return String(decoding: data, as: UTF8.self)
    }

    /// An answer, most of any log, written directly: the JSON that `JSONEncoder` writes
    /// for it (keys sorted), in a fraction of the time. Numbers that are not whole are
    /// left to the encoder (nil), so that every number reads back exactly.
    static func answer(ask: Int, participant: String, value: Answer, at: Int64) -> String? {
        var out = #"{"answer":{"ask":"# + String(ask) + #","at":"# + String(at) + #","participant":"#
        quote(participant, into: &out)
        switch value {
        case .number(let d):
            guard d == d.rounded(.towardZero), abs(d) < 1e15, !(d == 0 && d.sign == .minus) else { return nil }
            out += #","value":{"number":{"_0":"# + String(Int64(d)) + "}}}}"
        case .text(let text):
            out += #","value":{"text":{"_0":"#
            quote(text, into: &out)
            out += "}}}}"
        case .list(let items):
            out += #","value":{"list":{"_0":["#
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                quote(item, into: &out)
            }
            out += "]}}}}"
        }
        return out
    }

    /// Appends `text` as a JSON string.
    private static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/": out += "\\/"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// A session's events from their stored text, in order.
    static func decode(_ bodies: [String], session: String) throws(StoreError) -> [SessionEvent] {
        var events: [SessionEvent] = []
        for (i, body) in bodies.enumerated() {
            guard let event = try? JSONDecoder().decode(SessionEvent.self, from: Data(body.utf8)) else {
                throw StoreError(.corrupt, "session \(session): event \(i + 1) does not decode")
            }
            events.append(event)
        }
        return events
    }

    /// A script's stored value from its text.
    static func value(_ json: String) throws(StoreError) -> StoredValue {
        do {
            return try StoredValue(json: json)
        } catch {
            throw StoreError(.corrupt, "a stored value does not decode")
        }
    }

    /// What a script's write leaves under its key, given what it held, and its size;
    /// nil when the key is forgotten. The same rules in every store.
    /// - Parameter holding: bytes the scope's other keys hold (read only when needed).
    /// - Throws: ``StoreError/Code/storageRefused`` when the scope would grow past its
    ///   limit, or an addition meets something that is not a number.
    static func written(
        _ write: StorageWrite, after old: StoredValue?, holding: () throws -> Int
    ) throws -> (value: StoredValue, size: Int)? {
        let value: StoredValue?
        do {
            value = try write.result(after: old)
        } catch {
            throw StoreError(.storageRefused, error.message)
        }
        guard let value else { return nil }
        let size = StorageWrite.size(key: write.key, value)
        let held = try holding()
        if held + size > StorageLimits.scopeBytes {
            throw StoreError(.storageRefused, StorageLimits.full(write.scope, holding: held, adding: size).message)
        }
        return (value, size)
    }

    /// The library's script hashes, as JSON.
    static func library(_ record: SessionRecord) -> String {
        String(decoding: (try? encoder.encode(record.library.map(SQLiteStore.hash))) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func libraryHashes(_ json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }

    /// A rehearsal's settings, as JSON (nil for a live session).
    static func rehearsal(_ record: SessionRecord) -> String? {
        record.rehearsal.flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    static func rehearsal(_ json: String?) -> RehearsalSettings? {
        json.flatMap { try? JSONDecoder().decode(RehearsalSettings.self, from: Data($0.utf8)) }
    }

    /// The pack a session's scripts came from, as JSON (nil when they are not from one).
    static func pack(_ record: SessionRecord) -> String? {
        record.pack.flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The pack from its stored JSON. One that does not read is refused, never taken for no
    /// pack: that would give an untrusted pack's scripts every permission, in the host's process.
    static func pack(_ json: String?, session: String) throws(StoreError) -> PackProvenance? {
        guard let json else { return nil }
        guard let pack = try? JSONDecoder().decode(PackProvenance.self, from: Data(json.utf8)) else {
            throw StoreError(.corrupt, "session \(session): the pack its scripts came from does not decode")
        }
        return pack
    }

    /// One encoder for the process, not one per event.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
}
