/// 64-bit FNV-1a: the one small, stable hash for script contents and random streams.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }

    /// The value in hexadecimal.
    public var text: String { String(value, radix: 16) }
}

extension ExerciseSource {
    /// The script's content hash over its name and text: how stores keep scripts.
    public var contentHash: String {
        var hash = FNV1a()
        hash.add(fileName.utf8)
        hash.add([0])
        hash.add(text.utf8)
        return hash.text
    }
}
