import NewsIndex
import NewsIndexCore

extension InputFile.Kind {
    /// The names `--format` takes, by kind: `jsonl`, `text`, `html`, `csv`, `tsv`, `warc`, and `rss`, `atom` or `feed` for any feed.
    public static let formatNames: [(name: String, kind: InputFile.Kind)] = [("jsonl", .jsonLines), ("text", .text), ("html", .html),
                                                                           ("csv", .csv), ("tsv", .tsv), ("warc", .warc),
                                                                           ("rss", .feed), ("atom", .feed), ("feed", .feed)]

    /// The kind a `--format` name stands for (one of ``formatNames``), or `nil` for another name.
    public init?(formatName: String) {
        guard let kind = InputFile.Kind.formatNames.first(where: { $0.name == formatName.lowercased() })?.kind else { return nil }
        self = kind
    }
}

extension IngestRun {
    /// The input's size as read, uncompressed, as far as it can be told before reading it, for
    /// `IndexWriter.Options.expectedInputBytes`: plain files' sizes, for a gzip file the size its
    /// trailer states (or four times its compressed size when that is smaller, as after
    /// `cat a.gz b.gz` or past 4 GiB); standard input counts nothing.
    public var expectedInputBytes: Int {
        files.reduce(0) { total, file in
            guard file.isGzip else { return total + file.size }
            let stated = Gzip.statedSize(ofFile: file.path) ?? 0
            return total + (stated >= file.size ? stated : 4 * file.size)
        }
    }
}

extension ArticleInputs {
    /// Whether `path` names gzip data: it ends in `.gz`.
    static func isGzip(_ path: String) -> Bool { path.lowercased().hasSuffix(".gz") }

    /// The id of a text article: its file name without `.txt` (and `.gz`); `stdin` for standard input.
    static func textID(_ file: InputFile) -> String {
        if file.isStandardInput { return "stdin" }
        var name = file.path.split(separator: "/").last.map(String.init) ?? file.path
        if name.lowercased().hasSuffix(".gz") { name.removeLast(3) }
        if name.lowercased().hasSuffix(".txt") { name.removeLast(4) }
        return name
    }

    /// The bytes of `file` as they are read: the file itself, its gzip data inflated, or
    /// standard input (inflated when it starts with gzip's magic bytes).
    ///
    /// - Throws: `NewsIndexError.Kind.inputNotFound` when the file cannot be opened.
    static func openSource(_ file: InputFile) throws -> any ByteSource {
        if file.isStandardInput {
            let stdin = FileByteSource(standardInputNamed: "standard input")
            var head = [UInt8](repeating: 0, count: 2)
            var have = 0
            while have < head.count {
                let n = try head.withUnsafeMutableBytes { try stdin.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[have...])) }
                if n == 0 { break }
                have += n
            }
            head.removeSubrange(have...)
            let source = PrefixedByteSource(head, then: stdin)
            let gzip = head.withUnsafeBytes { Gzip.hasMagic($0) }
            return gzip ? try GzipByteSource(source, path: "standard input", advice: "Check the gzip data given on standard input (e.g. with `gzip -t` on its file).") : source
        }
        let plain: FileByteSource
        do { plain = try FileByteSource(path: file.path) } catch let e as NewsIndexError {
            throw NewsIndexError(.inputNotFound, e.message)
        }
        return file.isGzip ? try GzipByteSource(plain, path: file.path) : plain
    }

    /// Reads `source` to its end: its bytes, and their count. Past `limit` bytes none are kept
    /// (the rest is only counted), so memory stays within `limit`.
    static func readAll(_ source: any ByteSource, limit: Int) throws -> (bytes: [UInt8], size: Int) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var size = 0
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            size += n
            if size <= limit {
                bytes.append(contentsOf: chunk[0..<n])
            } else if !bytes.isEmpty {
                bytes = []
            }
        }
        return (size <= limit ? bytes : [], size)
    }
}
