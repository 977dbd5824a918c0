// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "newsindex",
    products: [
        .library(name: "NewsIndex", targets: ["NewsIndex"]),
        .executable(name: "newsindex", targets: ["newsindex"]),
        .executable(name: "newsindex-fuzz", targets: ["newsindex-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System zlib (Debian: zlib1g-dev), wrapped in a tiny shim header.
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Snowball's stemmers (Debian: libstemmer-dev), for the `english` analyzer.
        .systemLibrary(
            name: "CStemmer",
            path: "Sources/CStemmer",
            providers: [.apt(["libstemmer-dev"])]
        ),
        // One compiler builtin (cache prefetch) for the indexing hot path, as a header-only module.
        .systemLibrary(
            name: "CPrefetch",
            path: "Sources/CPrefetch"
        ),
        .target(
            name: "NewsIndex",
            dependencies: ["CZlib", "CStemmer", "CPrefetch"],
            path: "Sources/NewsIndex",
            // The built-in entity list, compiled into the library (no bundle to find at run time).
            resources: [.embedInCode("Entities/entities.txt")],
        ),
        .executableTarget(
            name: "newsindex",
            dependencies: [
                "NewsIndex",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/newsindex"
        ),
        // Fuzzing (scripts/fuzz): the harness, shared by the tests' short run and the long runs.
        .target(
            name: "NewsIndexFuzzing",
            dependencies: ["NewsIndex"],
            path: "Sources/NewsIndexFuzzing"
        ),
        // libFuzzer's driver entry point, declared only (compiler-rt provides it under -sanitize=fuzzer).
        .systemLibrary(
            name: "CLibFuzzer",
            path: "Sources/CLibFuzzer"
        ),
        .executableTarget(
            name: "newsindex-fuzz",
            dependencies: ["NewsIndexFuzzing", "CLibFuzzer"],
            path: "Sources/newsindex-fuzz"
        ),
        .testTarget(
            name: "NewsIndexTests",
            dependencies: ["NewsIndex", "NewsIndexFuzzing"],
            path: "Tests/NewsIndexTests",
            exclude: ["Fixtures"]   // read from disk by the tests (the Porter2 fixture)
        ),
    ],
    swiftLanguageModes: [.v5]
)
