// swift-tools-version:6.0
import PackageDescription

// The layers, lowest first (A → B: B imports A). The compiler holds them: a target sees only
// what it names below. ARCHITECTURE.md explains each one.
//
//   NewsIndexCore ─┬─> NewsIndexAnalysis ─┐
//                  ├─> NewsIndexQuery ────┴─> NewsIndex (engine) ──> NewsIndexIngest ──> newsindex (CLI)
//                  └───────────────────────────> NewsIndex
//   NewsIndex, NewsIndexIngest, NewsIndexJSON, Hummingbird ──> NewsIndexServer ──> newsindex
let package = Package(
    name: "newsindex",
    products: [
        // What a program that embeds search needs: the engine, with analysis and queries re-exported.
        .library(name: "NewsIndex", targets: ["NewsIndex"]),
        // Reading articles from files and the ingest policy (bad documents, repeated ids, the report).
        .library(name: "NewsIndexIngest", targets: ["NewsIndexIngest"]),
        .executable(name: "newsindex", targets: ["newsindex"]),
        .executable(name: "newsindex-fuzz", targets: ["newsindex-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // The HTTP server (`newsindex serve`) only: the library products do not depend on it.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),   // Hummingbird's own; the server's search threads
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
        // libxml2's HTML and XML parsers (Debian: libxml2-dev), for web pages and feeds.
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // One compiler builtin (cache prefetch) for the indexing hot path, as a header-only module.
        .systemLibrary(
            name: "CPrefetch",
            path: "Sources/CPrefetch"
        ),
        // What every layer shares: the error type, UTF-8 validation, the byte-keyed hash table.
        .target(
            name: "NewsIndexCore",
            dependencies: ["CPrefetch"],
            path: "Sources/NewsIndexCore"
        ),
        // Text → tokens, and entity recognition over the tokens. Knows nothing of indexes.
        .target(
            name: "NewsIndexAnalysis",
            dependencies: ["NewsIndexCore", "CStemmer"],
            path: "Sources/NewsIndexAnalysis",
            // The built-in entity list, compiled into the library (no bundle to find at run time).
            resources: [.embedInCode("Entities/entities.txt")]
        ),
        // Query syntax → query tree, and the calendar. Pure: no index, no clock.
        .target(
            name: "NewsIndexQuery",
            dependencies: ["NewsIndexCore"],
            path: "Sources/NewsIndexQuery"
        ),
        // The engine: Store → Format → Index → Search, one module so that the hot paths inline.
        .target(
            name: "NewsIndex",
            dependencies: ["NewsIndexCore", "NewsIndexAnalysis", "NewsIndexQuery", "CZlib", "CPrefetch"],
            path: "Sources/NewsIndex"
        ),
        // Web pages → the article's text and metadata (and HTML fragments → text). Knows nothing of indexes.
        .target(
            name: "NewsIndexHTML",
            dependencies: ["NewsIndexCore", "CLibXML2"],
            path: "Sources/NewsIndexHTML"
        ),
        // Article sources (text pages, JSON Lines, web pages) and the ingest policy.
        .target(
            name: "NewsIndexIngest",
            dependencies: ["NewsIndex", "NewsIndexHTML"],
            path: "Sources/NewsIndexIngest"
        ),
        // The JSON that the tool prints (and an HTTP API can answer with): Codable types.
        .target(
            name: "NewsIndexJSON",
            dependencies: ["NewsIndex", "NewsIndexIngest", "NewsIndexHTML"],
            path: "Sources/NewsIndexJSON"
        ),
        // `newsindex serve`: the JSON API, the search page and the OpenAPI document, on Hummingbird.
        .target(
            name: "NewsIndexServer",
            dependencies: [
                "NewsIndex",
                "NewsIndexIngest",
                "NewsIndexJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Sources/NewsIndexServer",
            // The page and the API's description, compiled into the binary (it works offline).
            resources: [
                .embedInCode("Page/index.html"),
                .embedInCode("Page/page.css"),
                .embedInCode("Page/page.js"),
                .embedInCode("openapi.json"),
            ]
        ),
        .executableTarget(
            name: "newsindex",
            dependencies: [
                "NewsIndex",
                "NewsIndexIngest",
                "NewsIndexHTML",
                "NewsIndexJSON",
                "NewsIndexServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/newsindex"
        ),
        // Fuzzing (scripts/fuzz): the harness, shared by the tests' short run and the long runs.
        .target(
            name: "NewsIndexFuzzing",
            dependencies: ["NewsIndex", "NewsIndexIngest", "NewsIndexHTML"],
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
        // What several test files share: the CLI runner, seeded generators, oracles, the shared corpus.
        .target(
            name: "NewsIndexTestSupport",
            dependencies: ["NewsIndex", "NewsIndexIngest"],
            path: "Tests/NewsIndexTestSupport"
        ),
        .testTarget(
            name: "NewsIndexServerTests",
            dependencies: [
                "NewsIndexServer", "NewsIndex", "NewsIndexJSON", "NewsIndexTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/NewsIndexServerTests"
        ),
        .testTarget(
            name: "NewsIndexTests",
            dependencies: ["NewsIndex", "NewsIndexIngest", "NewsIndexHTML", "NewsIndexFuzzing", "NewsIndexJSON", "NewsIndexTestSupport"],
            path: "Tests/NewsIndexTests",
            exclude: ["Fixtures"]   // read from disk by the tests (the Porter2 fixture)
        ),
    ],
    swiftLanguageModes: [.v6]
)
