import Crypto
import Foundation
import KraftfeltStore

/// The server's secrets and tokens.
///
/// - A **trainer token** is 32 random bytes, shown once (in the URL `kraftfelt serve`
///   prints); the store keeps only its SHA-256, under the organisation it belongs to.
/// - A **participant token** names one person in one session: it is an HMAC-SHA256 of the
///   two ids under the server's secret, so it needs no storage, cannot be forged, and does
///   not open any other session.
/// - A **follow-up code** lets one person of one session answer its follow-up weeks later:
///   16 letters and digits (80 bits of an HMAC-SHA256 of the two ids under the secret),
///   short enough to write down, shown on their phone when the session ends. The store
///   keeps only its SHA-256 (``FollowUp``).
/// - The **secret** is 32 random bytes, made once per store (hosts on one database agree).
public struct Credentials: Sendable {
    let store: any SessionStore
    private let secret: SymmetricKey

    public init(store: any SessionStore) throws(StoreError) {
        self.store = store
        let fresh = Self.randomText()
        let stored = try store.serverValue("secret", orInsert: fresh)
        secret = SymmetricKey(data: Data(base64URL: stored) ?? Data(stored.utf8))
    }

    // MARK: Trainer tokens

    /// A new trainer token for `organisation`: its hash is stored, the token returned.
    public func issueTrainerToken(for organisation: String) throws(StoreError) -> String {
        let token = Self.randomText()
        try store.setServerValue(Self.trainerKey(token), organisation)
        return token
    }

    /// The organisation a trainer token belongs to, or nil.
    public func organisation(ofTrainerToken token: String) throws(StoreError) -> String? {
        guard Self.looksLikeToken(token) else { return nil }
        return try store.serverValue(Self.trainerKey(token))
    }

    /// Revokes a trainer token.
    public func revokeTrainerToken(_ token: String) throws(StoreError) {
        try store.setServerValue(Self.trainerKey(token), nil)
    }

    static func trainerKey(_ token: String) -> String {
        "trainer:" + SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Participant tokens

    /// The token of `participant` in `session`.
    public func participantToken(session: String, participant: String) -> String {
        let message = Data("participant\u{0}\(session)\u{0}\(participant)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: secret)
        return participant + "." + Data(mac).base64URL
    }

    /// The participant a token names in `session`, or nil when it is not one of its tokens.
    public func participant(ofToken token: String, session: String) -> String? {
        guard token.utf8.count <= 400, let dot = token.lastIndex(of: ".") else { return nil }
        let participant = String(token[..<dot])
        guard !participant.isEmpty, let mac = Data(base64URL: String(token[token.index(after: dot)...])) else {
            return nil
        }
        let message = Data("participant\u{0}\(session)\u{0}\(participant)".utf8)
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: secret)
            ? participant : nil
    }

    // MARK: Follow-up codes

    /// The follow-up code of `participant` in `session`, as it is shown: `7K2M-…` in four
    /// groups of four, in Crockford's base 32 (no I, L, O or U, so nothing reads as another).
    public func followUpCode(session: String, participant: String) -> String {
        let message = Data("follow-up\u{0}\(session)\u{0}\(participant)".utf8)
        let mac = Array(HMAC<SHA256>.authenticationCode(for: message, using: secret))
        // 80 bits: 16 digits of 5 bits each.
        var bits = 0
        var count = 0
        var digits: [Character] = []
        for byte in mac.prefix(10) {
            bits = bits << 8 | Int(byte)
            count += 8
            while count >= 5 {
                count -= 5
                digits.append(Self.crockford[(bits >> count) & 31])
            }
        }
        return stride(from: 0, to: 16, by: 4).map { String(digits[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// A code as a person typed it, as its 16 digits: upper case, without spaces or dashes,
    /// with O read as 0 and I or L as 1; nil when it cannot be a code.
    public static func normalisedFollowUpCode(_ typed: String) -> String? {
        guard typed.utf8.count <= 64 else { return nil }
        var digits = ""
        // A space may come as `+` from a form's query.
        for character in typed.uppercased() where character != "-" && character != "+" && !character.isWhitespace {
            switch character {
            case "O": digits.append("0")
            case "I", "L": digits.append("1")
            case _ where crockford.contains(character): digits.append(character)
            default: return nil
            }
        }
        return digits.count == 16 ? digits : nil
    }

    /// The hash the store keeps of a code (SHA-256 of its 16 digits, as hex).
    public static func followUpHash(_ digits: String) -> String {
        SHA256.hash(data: Data(digits.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    // MARK: Randomness

    /// 32 random bytes as URL-safe base64 (43 characters).
    static func randomText(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64URL
    }

    /// A new participant id: 12 letters and digits.
    static func newParticipantID() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    static func looksLikeToken(_ token: String) -> Bool {
        (16...128).contains(token.utf8.count)
            && token.utf8.allSatisfy { $0.isBase64URL }
    }
}

extension UInt8 {
    var isBase64URL: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
            || self == 0x2D || self == 0x5F
    }
}

extension Data {
    /// URL-safe base64 without padding.
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init?(base64URL text: String) {
        guard text.utf8.allSatisfy({ $0.isBase64URL }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
