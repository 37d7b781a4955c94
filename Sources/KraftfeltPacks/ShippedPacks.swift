/// The packs shipped with this Kraftfelt in `Plugins/`, by `ID VERSION`, with the SHA-256
/// of their index. A pack with exactly these files is part of Kraftfelt itself, so
/// `kraftfelt pack install Plugins/…` trusts it without a signature. `ShippedPackTests`
/// fails, naming the line to write here, when a shipped pack changes.
public enum ShippedPacks {
    public static let hashes: [String: String] = [
        "org.liberatingstructures.core 1.0.0": "5832394c3acf13130a91d6ad0e4f48aa7c41c5e6d3f789288d4d358d8d5b631a",
        "dk.eksempel.netvaerk 1.0.0": "7063355d476351ef821cf512c0c804bb73054b78c16e5b0f801e88176a3eac7a",
    ]
}
