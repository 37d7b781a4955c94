// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Kraftfelt",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kraftfelt", targets: ["kraftfelt"]),
        .library(name: "KraftfeltLua", targets: ["KraftfeltLua"]),
        .library(name: "KraftfeltEngine", targets: ["KraftfeltEngine"]),
        .library(name: "KraftfeltStore", targets: ["KraftfeltStore"]),
        .library(name: "KraftfeltHost", targets: ["KraftfeltHost"]),
        .library(name: "KraftfeltServer", targets: ["KraftfeltServer"]),
        .library(name: "KraftfeltPacks", targets: ["KraftfeltPacks"]),
        .library(name: "KraftfeltMeasure", targets: ["KraftfeltMeasure"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // The web server: HTTP and WebSockets on swift-service-lifecycle, pages from
        // Mustache templates, tokens hashed and signed with swift-crypto.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // Plugin packs' manifests (kraftfelt-pack.toml): TOML through toml++.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Lua 5.4 from the system (Debian: liblua5.4-dev), found with pkg-config.
        .systemLibrary(
            name: "CLua",
            path: "Sources/CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // The C side of the boundary: macros as functions, the error trampoline,
        // the counting allocator, the budget hook and the budgeted pattern matcher.
        .target(
            name: "CKraftfeltLua",
            dependencies: ["CLua"],
            path: "Sources/CKraftfeltLua"
        ),
        .target(
            name: "KraftfeltLua",
            dependencies: ["CKraftfeltLua", "CLua"],
            path: "Sources/KraftfeltLua"
        ),
        // Sessions, participants, groups, matching, timers, the event log and bots.
        .target(
            name: "KraftfeltEngine",
            dependencies: ["KraftfeltLua"],
            path: "Sources/KraftfeltEngine"
        ),
        // Durable storage: the session log and what sessions ran, in SQLite through GRDB
        // or in PostgreSQL through PostgresNIO.
        .target(
            name: "KraftfeltStore",
            dependencies: [
                "KraftfeltEngine", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Sources/KraftfeltStore"
        ),
        // What the OS offers the host that Swift cannot call (variadic C).
        .target(name: "CKraftfeltHost", path: "Sources/CKraftfeltHost"),
        // Running sessions for front ends: worker processes with a watchdog.
        .target(
            name: "KraftfeltHost",
            dependencies: ["KraftfeltEngine", "KraftfeltStore", "KraftfeltLua", "CKraftfeltHost"],
            path: "Sources/KraftfeltHost"
        ),
        // QR codes from Debian's libqrencode (libqrencode-dev), found with pkg-config.
        .systemLibrary(
            name: "CQRencode",
            path: "Sources/CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        // `kraftfelt serve`: the participant page, the trainer console and the beamer
        // screen over HTTP and WebSockets, and the JSON API behind them.
        .target(
            name: "KraftfeltServer",
            dependencies: [
                "KraftfeltHost", "KraftfeltEngine", "KraftfeltStore", "KraftfeltLua", "KraftfeltMeasure", "CQRencode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/KraftfeltServer",
            resources: [.copy("Web"), .copy("Exercises")]
        ),
        // Plugin packs: the manifest, versions and ranges, and checking a pack's folder.
        .target(
            name: "KraftfeltPacks",
            dependencies: [
                "KraftfeltEngine", "KraftfeltLua", .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/KraftfeltPacks"
        ),
        // Reports on what sessions measured: aggregates across sessions, HTML with SVG charts,
        // CSV and JSON. Charts are hand-written SVG, so no package of its own.
        .target(
            name: "KraftfeltMeasure",
            dependencies: ["KraftfeltEngine"],
            path: "Sources/KraftfeltMeasure"
        ),
        .executableTarget(
            name: "kraftfelt",
            dependencies: [
                "KraftfeltLua",
                "KraftfeltEngine", "KraftfeltPacks", "KraftfeltMeasure",
                "KraftfeltStore",
                "KraftfeltHost", "CKraftfeltHost", "KraftfeltServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/kraftfelt"
        ),
        .target(
            name: "CKraftfeltBenchSupport",
            dependencies: ["CLua"],
            path: "Benchmarks/CKraftfeltBenchSupport"
        ),
        .executableTarget(
            name: "kraftfelt-bench",
            dependencies: [
                "KraftfeltLua", "KraftfeltEngine", "KraftfeltStore", "KraftfeltHost", "CKraftfeltLua",
                "CKraftfeltBenchSupport", "CLua",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/KraftfeltBenchmarks"
        ),
        // The load test of `kraftfelt serve`: phones over real WebSockets (scripts/load-test.sh).
        .executableTarget(
            name: "kraftfelt-load",
            dependencies: [.product(name: "WSClient", package: "swift-websocket")],
            path: "Benchmarks/KraftfeltLoad"
        ),
        .testTarget(
            name: "KraftfeltLuaTests",
            dependencies: ["KraftfeltLua", "CKraftfeltLua", "CLua"],
            path: "Tests/KraftfeltLuaTests",
            resources: [.copy("Hostile")]
        ),
        .testTarget(
            name: "KraftfeltEngineTests",
            dependencies: ["KraftfeltEngine", "KraftfeltLua"],
            path: "Tests/KraftfeltEngineTests"
        ),
        .testTarget(
            name: "KraftfeltStoreTests",
            dependencies: ["KraftfeltStore", "KraftfeltEngine", "KraftfeltLua"],
            path: "Tests/KraftfeltStoreTests"
        ),
        .testTarget(
            name: "KraftfeltHostTests",
            dependencies: ["KraftfeltHost", "KraftfeltEngine", "KraftfeltStore", "KraftfeltLua", "kraftfelt"],
            path: "Tests/KraftfeltHostTests",
            exclude: ["Hostile"]
        ),
        .testTarget(
            name: "KraftfeltServerTests",
            dependencies: [
                "KraftfeltServer", "KraftfeltHost", "KraftfeltEngine", "KraftfeltStore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
            ],
            path: "Tests/KraftfeltServerTests"
        ),
        .testTarget(
            name: "KraftfeltPacksTests",
            dependencies: ["KraftfeltPacks", "KraftfeltEngine"],
            path: "Tests/KraftfeltPacksTests"
        ),
        .testTarget(
            name: "KraftfeltMeasureTests",
            dependencies: ["KraftfeltMeasure", "KraftfeltEngine"],
            path: "Tests/KraftfeltMeasureTests",
            // The independent check of the aggregates, run with python3 from the source tree.
            exclude: ["independent.py"]
        ),
        .testTarget(
            name: "KraftfeltCLITests",
            // GRDB writes the foreign and damaged files the open tests give the binary.
            dependencies: ["kraftfelt", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/KraftfeltCLITests",
            // The broken exercises `kraftfelt check` is tested on (read from the source tree).
            exclude: ["Broken"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
