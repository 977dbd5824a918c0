#if canImport(Glibc)
import Glibc
#endif
import NewsIndex
import NewsIndexCore

/// One input file to index.
public struct InputFile: Sendable, Equatable {
    /// How a file's articles are read.
    public enum Kind: Sendable, Equatable {
        /// A scraped page: one article per `.txt` file.
        case text
        /// JSON Lines (`.jsonl`, `.ndjson`): one article per line.
        case jsonLines
        /// A web page (`.html`, `.htm`, `.xhtml`): the article found in it.
        case html
        /// CSV with a header row (`.csv`): one article per row.
        case csv
        /// TSV with a header row (`.tsv`): one article per row.
        case tsv
        /// A web archive (`.warc`): the pages of its response and resource records.
        case warc
        /// A news feed (`.rss`, `.atom`, `.rdf`; `.xml` and `.json` when named as a file): one
        /// article per item.
        case feed
    }
    /// The file's path as given or found.
    public var path: String
    /// How to read it.
    public var kind: Kind
    /// Size in bytes (compressed bytes for a `.gz` file; 0 for standard input, whose size is unknown).
    public var size: Int
    /// Whether the file is gzip data (a `.gz` name), inflated while it is read. Standard input
    /// is told by its first bytes instead.
    public var isGzip = false

    /// Whether this is standard input, the path `-`.
    public var isStandardInput: Bool { path == "-" }
}

/// Finds article files under the paths a user gives and reads articles out of them.
public enum ArticleInputs {
    /// Collects article files: folders are walked recursively in name order (hidden entries skipped);
    /// `.txt` files are text articles, `.jsonl`/`.ndjson` files JSON Lines, and each of these
    /// names with `.gz` after it is the same, gzip-compressed. The path `-` is standard input,
    /// read as `standardInput` says (at most once).
    ///
    /// - Returns: the files, and the paths of other files found in folders (not indexed).
    /// - Throws: `NewsIndexError.Kind.inputNotFound` for a path that does not exist or cannot be read,
    ///   or a folder without article files; `NewsIndexError.Kind.badInput` for a named file of another type.
    public static func collect(_ paths: [String], standardInput: InputFile.Kind = .jsonLines) throws -> (files: [InputFile], ignored: [String]) {
        var files: [InputFile] = []
        var ignored: [String] = []
        for path in paths {
            if path == "-" {
                guard !files.contains(where: \.isStandardInput) else {
                    throw NewsIndexError(.badInput, "standard input (-) is given twice; it can be read only once.")
                }
                files.append(InputFile(path: path, kind: standardInput, size: 0))
                continue
            }
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw NewsIndexError(.inputNotFound, "cannot read \(path): \(FileIO.errnoText()). Check the path.")
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                let before = files.count
                try walk(path, &files, &ignored)
                if files.count == before {
                    throw NewsIndexError(.inputNotFound, "no article files (.txt, .jsonl, .html, .csv, .tsv, .warc, each also .gz) under \(path); nothing to index there.")
                }
            } else {
                // A folder's .xml and .json files are many things; named, they are read as feeds.
                guard let kind = kind(of: path) ?? namedFeed(path) else {
                    throw NewsIndexError(.badInput, "\(path) is not an article file: newsindex reads .txt (one article per file), .jsonl or .ndjson (one JSON article per line), .html, .htm or .xhtml (web pages), .csv or .tsv (one article per row), .warc (web archives) and .rss, .atom, .rdf (feeds; .xml and .json named as files), each also gzip-compressed (.jsonl.gz, .warc.gz, …), and - for standard input.")
                }
                guard access(path, R_OK) == 0 else {
                    throw NewsIndexError(.inputNotFound, "cannot read \(path): \(FileIO.errnoText()).")
                }
                files.append(InputFile(path: path, kind: kind, size: Int(st.st_size), isGzip: isGzip(path)))
            }
        }
        return (files, ignored)
    }

    /// `.feed` for a file named `.xml` or `.json` (each also `.gz`).
    static func namedFeed(_ path: String) -> InputFile.Kind? {
        var lower = path.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        return lower.hasSuffix(".xml") || lower.hasSuffix(".json") ? .feed : nil
    }

    static func kind(of path: String) -> InputFile.Kind? {
        var lower = path.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        if lower.hasSuffix(".txt") { return .text }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonLines }
        if PageArticle.isPage(lower) { return .html }
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".tsv") { return .tsv }
        if lower.hasSuffix(".warc") { return .warc }
        if FeedArticles.isFeed(lower) { return .feed }
        return nil
    }

    private static func walk(_ dir: String, _ files: inout [InputFile], _ ignored: inout [String]) throws {
        let names: [String]
        do { names = try FileIO.listDirectory(dir) } catch {
            throw NewsIndexError(.inputNotFound, "cannot list the folder \(dir): \(FileIO.errnoText()).")
        }
        for name in names where !name.hasPrefix(".") {
            let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            var st = stat()
            guard stat(path, &st) == 0 else { ignored.append(path); continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                try walk(path, &files, &ignored)
            } else if let kind = kind(of: path) {
                files.append(InputFile(path: path, kind: kind, size: Int(st.st_size), isGzip: isGzip(path)))
            } else {
                ignored.append(path)
            }
        }
    }

    /// Reads a file as UTF-8 text, dropping a byte-order mark.
    ///
    /// - Throws: `NewsIndexError.Kind.badInput` for binary or non-UTF-8 content, naming the byte offset.
    public static func readText(_ file: InputFile) throws -> String {
        var bytes: [UInt8]
        do { bytes = try FileIO.readFile(file.path) } catch let e as NewsIndexError {
            throw NewsIndexError(.inputNotFound, e.message)
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        try validate(bytes, path: file.path)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a UTF-8 text file that is not an article, such as an entities file for
    /// `IndexWriter.Options.entityDefinitions`.
    ///
    /// - Throws: `NewsIndexError.Kind.inputNotFound` when it cannot be read,
    ///   `NewsIndexError.Kind.badInput` when it is a directory or not UTF-8 text.
    public static func readTextFile(_ path: String) throws -> String {
        guard FileIO.exists(path) else {
            throw NewsIndexError(.inputNotFound, "\(path) does not exist.")
        }
        guard !FileIO.isDirectory(path) else {
            throw NewsIndexError(.badInput, "\(path) is a directory, not a text file.")
        }
        return try readText(InputFile(path: path, kind: .text, size: 0))
    }

    static func validate(_ bytes: [UInt8], path: String) throws {
        if let nul = bytes.firstIndex(of: 0) {
            throw NewsIndexError(.badInput, "\(path) looks like a binary file (a NUL byte at offset \(nul)); newsindex indexes UTF-8 text.")
        }
        if let offset = bytes.withUnsafeBufferPointer(firstInvalidUTF8) {
            throw NewsIndexError(.badInput, "\(path) is not valid UTF-8 (first bad byte at offset \(offset)); convert it to UTF-8, e.g. with iconv -f latin1 -t utf-8.")
        }
    }

    /// The offset of the first byte of `bytes` that is not part of valid UTF-8, or `nil` when all is.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        UTF8Text.firstInvalid(bytes)
    }

    /// The most bytes one document may take in the input (its line of a JSON Lines file, or its
    /// text file): 64 MB. A larger one is reported as ``BadDocument/Reason/tooLarge`` and skipped,
    /// read past rather than held in memory.
    ///
    /// While it is indexed, a document takes about eight times its size in memory (its text, its
    /// tokens and its postings at once; a 32 MB document raised a build's peak by 270 MB), so one
    /// of 64 MB needs about half a gigabyte, what a small machine can spare. News articles are far
    /// smaller (a long one is 100 KB): a larger "document" is almost always a whole archive or
    /// binary data put into one line by mistake.
    public static let maxDocumentBytes = 64 << 20

    /// A size for messages: `70.3 MB`, `12 KB`, `64 MB`.
    static func sizeText(_ n: Int) -> String {
        func scaled(_ unit: Int, _ name: String) -> String {
            if n % unit == 0 { return "\(n / unit) \(name)" }
            let tenths = (n * 10 + unit / 2) / unit
            return "\(tenths / 10).\(tenths % 10) \(name)"
        }
        if n >= 1 << 20 { return scaled(1 << 20, "MB") }
        if n >= 1 << 10 { return scaled(1 << 10, "KB") }
        return "\(n) bytes"
    }

    /// Calls `body` with each article of `file` (or the error that kept one from being read), with its
    /// location: the path for text files, `path:line` for JSON Lines.
    ///
    /// - Throws: errors about the file as a whole (it cannot be opened or read) and whatever `body` throws.
    public static func forEachArticle(in file: InputFile,
                                      _ body: (Result<Article, NewsIndexError>, _ location: String) throws -> Void) throws {
        try forEachArticle(in: file, withSizes: { result, location, _ in
            try body(result.mapError { $0.error }, location.description)
        })
    }

    /// Calls `body` as ``forEachArticle(in:_:)`` does, with each bad document classified by its
    /// ``BadDocument/reason``, and with the number of input bytes each article (or bad document)
    /// was read from: its line of a JSON Lines file, or the whole text file.
    /// `IndexWriter.add(_:inputBytes:)` takes this to cut segments by input size.
    ///
    /// Every document is handed over, good or bad: a text file that is binary, not UTF-8, empty
    /// or larger than ``maxDocumentBytes``; a JSON line that does not parse, is not an object,
    /// lacks an `id` or a `body`, has a field of the wrong type, holds NUL bytes or bytes that are
    /// not UTF-8, or is longer than ``maxDocumentBytes``. Blank lines are not documents.
    ///
    /// - Throws: `NewsIndexError.Kind.inputNotFound` when the file cannot be opened,
    ///   `NewsIndexError.Kind.io` when reading it fails, and whatever `body` throws.
    public static func forEachArticle(in file: InputFile,
                                      withSizes body: (Result<Article, BadDocument>, _ location: DocumentLocation, _ inputBytes: Int) throws -> Void) throws {
        try forEachArticle(in: file, maxBytes: maxDocumentBytes, body)
    }

    /// ``forEachArticle(in:withSizes:)`` with another limit than ``maxDocumentBytes`` (for tests).
    static func forEachArticle(in file: InputFile, maxBytes: Int,
                               _ body: (Result<Article, BadDocument>, _ location: DocumentLocation, _ inputBytes: Int) throws -> Void) throws {
        var options = ReadOptions()
        options.maxDocumentBytes = maxBytes
        try forEachArticle(in: file, options: options, progress: { result, location, size, _ in try body(result, location, size) })
    }

    /// ``forEachArticle(in:maxBytes:_:)``, also telling `body` how many bytes of the file are
    /// read so far, for progress: compressed bytes for gzip, input bytes of the documents else.
    /// Pages are extracted here, one after the other; ``IngestRun`` extracts them on every core.
    static func forEachArticle(in file: InputFile, options: ReadOptions,
                               progress body: (Result<Article, BadDocument>, _ location: DocumentLocation,
                                               _ inputBytes: Int, _ fileBytesRead: Int) throws -> Void) throws {
        try readDocuments(in: file, options: options) { document, location, size, read in
            guard let result = document.article() else { return }
            try body(result, location, size, read)
        }
    }

    /// Reads the documents of `file` as its kind says, handing each over with its location, the
    /// input bytes it was read from and the bytes of the file read so far. Web pages (files, WARC
    /// records) are handed over unextracted, as ``ReadDocument/page(_:)``.
    static func readDocuments(in file: InputFile, options: ReadOptions,
                              _ body: (ReadDocument, _ location: DocumentLocation, _ inputBytes: Int, _ fileBytesRead: Int) throws -> Void) throws {
        let maxBytes = options.maxDocumentBytes
        let dateOrder = options.dateOrder
        func ready(_ result: Result<Article, BadDocument>, _ location: DocumentLocation, _ size: Int, _ read: Int) throws {
            try body(.article(result), location, size, read)
        }
        switch file.kind {
        case .text:
            let location = DocumentLocation(path: file.path)
            if !file.isGzip && !file.isStandardInput {
                if file.size > maxBytes {
                    try ready(.failure(tooLarge(location, file.size, maxBytes)), location, file.size, file.size)
                    return
                }
                var bytes: [UInt8]
                do { bytes = try FileIO.readFile(file.path) } catch let e as NewsIndexError {
                    throw NewsIndexError(.inputNotFound, e.message)
                }
                let size = bytes.count
                try textArticle(&bytes, size: size, file: file, maxBytes: maxBytes, dateOrder: dateOrder) { try ready($0, location, size, size) }
            } else {
                let source = try openSource(file)
                var (bytes, size) = try readAll(source, limit: maxBytes)
                try textArticle(&bytes, size: size, file: file, maxBytes: maxBytes, dateOrder: dateOrder) { try ready($0, location, size, source.consumed) }
            }
        case .html:
            try pageDocument(file, options: options) { try body($0, DocumentLocation(path: file.path), $1, $2) }
        case .warc:
            try WARCArticles.read(file, options: options, body)
        case .feed:
            try FeedArticles.read(file, options: options, body)
        case .csv, .tsv:
            try CSVArticles.read(file, separator: file.kind == .csv ? UInt8(ascii: ",") : 0x09, options: options, body)
        case .jsonLines:
            // Read in blocks of whole lines: memory stays bounded whatever the file's size, and a
            // line over the limit is read past, never held.
            let source = try openSource(file)
            var reader = LineBlockReader(source: source, maxLineLength: maxBytes)
            var lines = 0
            var read = 0
            func progress(_ size: Int) -> Int {
                read += size
                return file.isGzip || file.isStandardInput ? source.consumed : read
            }
            while try reader.next({ block in
                try JSONLines.parse(block, file: file.path, linesBefore: &lines, maxBytes: maxBytes, dateOrder: dateOrder, fields: options.fields) { result, line, size in
                    try ready(result, DocumentLocation(path: file.path, line: line), size, progress(size))
                }
            }, tooLong: { size in
                lines += 1
                try ready(.failure(JSONLines.tooLarge(file: file.path, line: lines, bytes: size, limit: maxBytes)),
                          DocumentLocation(path: file.path, line: lines), size, progress(size))
            }) {}
        }
    }

    /// `article` with its URL's host (lower-cased, without `www.`) as its source when the input
    /// named no source.
    static func withSource(_ article: Article) -> Article {
        guard article.source == nil, let url = article.url, let host = SourceName.host(ofURL: url) else { return article }
        var a = article
        a.source = host
        return a
    }

    private static func tooLarge(_ location: DocumentLocation, _ size: Int, _ maxBytes: Int) -> BadDocument {
        BadDocument(.tooLarge, at: location, "the file is \(sizeText(size)), over the limit of \(sizeText(maxBytes)) for one document; split it or leave it out")
    }

    /// The article of a text file's `bytes` (`size` bytes in the input; none kept when over `maxBytes`), or why there is none.
    private static func textArticle(_ bytes: inout [UInt8], size: Int, file: InputFile, maxBytes: Int,
                                    dateOrder: ArticleDate.Order, _ body: (Result<Article, BadDocument>) throws -> Void) throws {
        let location = DocumentLocation(path: file.path)
        if size > maxBytes {
            try body(.failure(tooLarge(location, size, maxBytes)))
            return
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let nul = bytes.firstIndex(of: 0) {
            try body(.failure(BadDocument(.binary, at: location, "a NUL byte at offset \(nul): a binary file, not UTF-8 text")))
            return
        }
        if let bad = bytes.withUnsafeBufferPointer(firstInvalidUTF8) {
            try body(.failure(BadDocument(.notUTF8, at: location, "not valid UTF-8 (first bad byte at offset \(bad)); convert it to UTF-8, e.g. with iconv -f latin1 -t utf-8")))
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let article = TextArticle.parse(text, id: textID(file), dateOrder: dateOrder)
        if article.body.allSatisfy({ $0.isWhitespace }) && article.title.isEmpty {
            try body(.failure(BadDocument(.noBody, at: location, "the file holds no text")))
            return
        }
        try body(.success(article))
    }
}
