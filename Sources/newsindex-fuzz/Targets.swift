import Foundation
import NewsIndex
import NewsIndexFuzzing

/// The fuzz targets, each set up once per process.
enum Target: String, CaseIterable {
    case query, index, gzip, html, csv, warc, feed

    /// The targets' names, for usage lines: `query|index|…`.
    static var names: String { allCases.map(\.rawValue).joined(separator: "|") }

    /// What a target reads, for `--help`.
    var summary: String {
        switch self {
        case .query: "the query parser and the search over a fixture index"
        case .index: "the index readers, on damaged index files"
        case .gzip: "the gzip reader, on damaged gzip of JSON Lines"
        case .html: "the web-page reader and article extraction, on damaged pages"
        case .csv: "the CSV and TSV reader, on damaged tables"
        case .warc: "the WARC reader, on damaged web archives"
        case .feed: "the RSS, Atom and JSON Feed reader, on damaged feeds"
        }
    }

    static func setUp(_ target: Target) -> (FuzzRandom) -> (description: String, run: () -> FuzzFailure?) {
        let scratch = NSTemporaryDirectory() + "newsindex-fuzz-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: scratch)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "newsindex-fuzz-\(ProcessInfo.processInfo.processIdentifier)") }
        do {
            switch target {
            case .gzip:
                return { rng in
                    var rng = rng
                    let c = GzipFuzzer.generate(&rng)
                    let variant = rng.below(1 << 20)
                    return ("gzip \(c.mutation)", { GzipFuzzer.check(c.bytes, mutation: c.mutation, variant: variant) })
                }
            case .html:
                return { rng in
                    var rng = rng
                    let c = HTMLFuzzer.generate(&rng)
                    return ("html \(c.mutation)", { HTMLFuzzer.check(c.bytes, mutation: c.mutation) })
                }
            case .csv, .warc, .feed:
                let fuzzer = try InputFuzzer(InputFuzzer.Format(rawValue: target.rawValue)!, directory: scratch)
                return { rng in
                    var rng = rng
                    let c = fuzzer.generate(&rng)
                    return ("\(target.rawValue) \(c.mutation)", { fuzzer.check(c.bytes, mutation: c.mutation) })
                }
            case .query:
                try FuzzFixture.build(at: scratch)
                let fuzzer = QueryFuzzer(index: try IndexReader(path: scratch))
                return { rng in
                    var rng = rng
                    let text = QueryFuzzer.generate(&rng)
                    let variant = rng.below(1 << 20)
                    return ("query \(text.debugDescription.prefix(300))", { fuzzer.check(text, variant: variant) })
                }
            case .index:
                let fuzzer = try IndexFuzzer(directory: scratch)
                return { rng in
                    var rng = rng
                    let c = fuzzer.randomCase(&rng)
                    return ("\(fuzzer.files[c.file]): \(c.mutation)", { fuzzer.check(file: c.file, body: c.body, mutation: c.mutation) })
                }
            }
        } catch {
            FileHandle.standardError.write(Data("newsindex-fuzz: cannot build the fixture index in \(scratch): \(error)\n".utf8))
            exit(2)
        }
    }

    /// The libFuzzer form: raw bytes in, one check.
    static func rawCheck(_ target: Target) -> (UnsafeRawBufferPointer) -> FuzzFailure? {
        let scratch = NSTemporaryDirectory() + "newsindex-libfuzzer-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: scratch)
        do {
            switch target {
            case .gzip:
                return { bytes in GzipFuzzer.check(Array(bytes), mutation: "libFuzzer input", variant: bytes.count) }
            case .html:
                return { bytes in HTMLFuzzer.check(Array(bytes), mutation: "libFuzzer input") }
            case .csv, .warc, .feed:
                let fuzzer = try InputFuzzer(InputFuzzer.Format(rawValue: target.rawValue)!, directory: scratch)
                return { bytes in fuzzer.check(Array(bytes), mutation: "libFuzzer input") }
            case .query:
                try FuzzFixture.build(at: scratch)
                let fuzzer = QueryFuzzer(index: try IndexReader(path: scratch))
                return { bytes in fuzzer.check(String(decoding: bytes, as: UTF8.self), variant: bytes.count) }
            case .index:
                let fuzzer = try IndexFuzzer(directory: scratch)
                return { bytes in
                    guard let first = bytes.first else { return nil }
                    let file = Int(first) % fuzzer.files.count
                    return fuzzer.check(file: file, body: Array(bytes.dropFirst()), mutation: "libFuzzer input")
                }
            }
        } catch {
            FileHandle.standardError.write(Data("newsindex-fuzz: cannot build the fixture index in \(scratch): \(error)\n".utf8))
            exit(2)
        }
    }

    /// Writes the starting inputs for libFuzzer into `directory`: the seed queries, or each
    /// index file's body behind its file number.
    static func writeSeeds(_ target: Target, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var inputs: [[UInt8]] = []
        switch target {
        case .gzip:
            inputs = GzipFuzzer.seeds
        case .html:
            inputs = HTMLFuzzer.seeds
        case .csv, .warc, .feed:
            inputs = InputFuzzer.seeds(InputFuzzer.Format(rawValue: target.rawValue)!)
        case .query:
            inputs = QueryFuzzer.seeds.map { Array($0.utf8) }
        case .index:
            let scratch = NSTemporaryDirectory() + "newsindex-fuzz-seeds-\(ProcessInfo.processInfo.processIdentifier)"
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let fuzzer = try IndexFuzzer(directory: scratch)
            inputs = fuzzer.files.indices.map { [UInt8($0)] + fuzzer.body(of: $0) }
        }
        for (k, input) in inputs.enumerated() {
            try Data(input).write(to: URL(fileURLWithPath: directory + "/seed-\(k)"))
        }
    }
}
