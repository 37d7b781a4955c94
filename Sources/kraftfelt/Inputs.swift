import ArgumentParser
import Foundation
import KraftfeltStore

/// The rules for what users type: ids, parameters, files. Each broken rule is one line
/// that says what was expected and what was given (quoted and clipped, see
/// ``SessionID/shown(_:)``).
enum Inputs {
    /// A session id argument or option (see ``SessionID``).
    static func session(_ id: String, as name: String = "the session id") throws {
        guard SessionID.isValid(id) else {
            throw ValidationError("\(name) must have \(SessionID.rule); got \(SessionID.shown(id))")
        }
    }

    /// A participant id: 1 to 256 bytes of text without control characters.
    static func participant(_ id: String) throws {
        guard (1...256).contains(id.utf8.count),
            !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw ValidationError(
                "the participant id must have 1 to 256 bytes of text without control characters; got "
                    + SessionID.shown(id))
        }
    }

    /// An organisation id: 1 to 64 letters, digits, `-`, `_` or `.`.
    static func organisation(_ organisation: String) throws {
        guard (1...64).contains(organisation.utf8.count),
            organisation.unicodeScalars.allSatisfy({
                CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)
            })
        else {
            throw ValidationError(
                "--organisation must have 1 to 64 letters, digits, '-', '_' or '.', got \(SessionID.shown(organisation))"
            )
        }
    }

    /// `--param name=value` options as a table: a name is a Lua name (letters, digits and
    /// `_`, not starting with a digit, at most 64 bytes), given once; a value is at most
    /// 4096 bytes of text without control characters.
    static func parameters(_ given: [String]) throws -> [String: String] {
        var table: [String: String] = [:]
        for parameter in given {
            guard let equals = parameter.firstIndex(of: "=") else {
                throw ValidationError("--param must be name=value, got \(SessionID.shown(parameter))")
            }
            let name = String(parameter[..<equals])
            let value = String(parameter[parameter.index(after: equals)...])
            guard isName(name) else {
                throw ValidationError(
                    "--param needs a name of letters, digits and '_' (not starting with a digit, at most 64), "
                        + "got \(SessionID.shown(parameter))")
            }
            guard value.utf8.count <= 4096,
                !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw ValidationError(
                    "--param \(name): the value must have at most 4096 bytes of text without control characters")
            }
            guard table[name] == nil else { throw ValidationError("--param \(name) is given twice") }
            table[name] = value
        }
        return table
    }

    static func isName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 64,
            !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }

    /// A path option that must name something: not empty.
    static func path(_ path: String, option: String) throws {
        guard !path.isEmpty else { throw ValidationError("\(option) must name a path, got an empty one") }
    }

    /// A script file's bytes: a regular file of at most `limit` bytes.
    static func scriptBytes(_ path: String, limit: Int) throws -> Data {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw CLIError("\(path): cannot read the file: \(reason(error))")
        }
        switch attributes[.type] as? FileAttributeType {
        case .typeDirectory?: throw CLIError("\(path): cannot read the file: it is a directory")
        case .typeRegular?: break
        default: throw CLIError("\(path): cannot read the file: it is not a regular file")
        }
        if let size = attributes[.size] as? Int, size > limit {
            throw CLIError("\(path): the script has \(size) bytes; the limit is \(limit)")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIError("\(path): cannot read the file: \(reason(error))")
        }
    }

    /// A script file's text: as ``scriptBytes(_:limit:)``, and UTF-8.
    static func scriptText(_ path: String, limit: Int = 1 << 20) throws -> String {
        guard let text = String(data: try scriptBytes(path, limit: limit), encoding: .utf8) else {
            throw CLIError("\(path): cannot read the file as UTF-8 text")
        }
        return text
    }

    /// Why a file could not be read, in words (the POSIX reason when there is one).
    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let posix = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code))).lowercased()
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))).lowercased() }
        if nsError.domain == NSCocoaErrorDomain
            && [NSFileReadNoSuchFileError, NSFileNoSuchFileError].contains(nsError.code)
        {
            return "no such file"
        }
        return nsError.localizedDescription
    }
}
