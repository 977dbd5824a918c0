#if canImport(Glibc)
import Glibc
#endif

/// One input file to index.
public struct InputFile: Sendable, Equatable {
    /// How a file's articles are read.
    public enum Kind: Sendable, Equatable {
        /// A scraped page: one article per `.txt` file.
        case text
        /// JSON Lines (`.jsonl`, `.ndjson`): one article per line.
        case jsonLines
    }
    /// The file's path as given or found.
    public var path: String
    /// How to read it.
    public var kind: Kind
    /// Size in bytes.
    public var size: Int
}

/// Finds article files under the paths a user gives and reads articles out of them.
public enum ArticleInputs {
    /// Collects article files: folders are walked recursively in name order (hidden entries skipped);
    /// `.txt` files are text articles, `.jsonl`/`.ndjson` files JSON Lines.
    ///
    /// - Returns: the files, and the paths of other files found in folders (not indexed).
    /// - Throws: ``NewsIndexError/Kind/inputNotFound`` for a path that does not exist or cannot be read,
    ///   or a folder without article files; ``NewsIndexError/Kind/badInput`` for a named file of another type.
    public static func collect(_ paths: [String]) throws -> (files: [InputFile], ignored: [String]) {
        var files: [InputFile] = []
        var ignored: [String] = []
        for path in paths {
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw NewsIndexError(.inputNotFound, "cannot read \(path): \(FileIO.errnoText()). Check the path.")
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                let before = files.count
                try walk(path, &files, &ignored)
                if files.count == before {
                    throw NewsIndexError(.inputNotFound, "no .txt or .jsonl files under \(path); nothing to index there.")
                }
            } else {
                guard let kind = kind(of: path) else {
                    throw NewsIndexError(.badInput, "\(path) is not an article file: newsindex reads .txt (one article per file) and .jsonl or .ndjson (one JSON article per line).")
                }
                guard access(path, R_OK) == 0 else {
                    throw NewsIndexError(.inputNotFound, "cannot read \(path): \(FileIO.errnoText()).")
                }
                files.append(InputFile(path: path, kind: kind, size: Int(st.st_size)))
            }
        }
        return (files, ignored)
    }

    static func kind(of path: String) -> InputFile.Kind? {
        let lower = path.lowercased()
        if lower.hasSuffix(".txt") { return .text }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonLines }
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
                files.append(InputFile(path: path, kind: kind, size: Int(st.st_size)))
            } else {
                ignored.append(path)
            }
        }
    }

    /// Reads a file as UTF-8 text, dropping a byte-order mark.
    ///
    /// - Throws: ``NewsIndexError/Kind/badInput`` for binary or non-UTF-8 content, naming the byte offset.
    public static func readText(_ file: InputFile) throws -> String {
        var bytes: [UInt8]
        do { bytes = try FileIO.readFile(file.path) } catch let e as NewsIndexError {
            throw NewsIndexError(.inputNotFound, e.message)
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        try validate(bytes, path: file.path)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a UTF-8 text file given on the command line, such as an entities file for
    /// ``IndexWriter/Options/entityDefinitions``; `option` names the option in messages.
    ///
    /// - Throws: ``NewsIndexError/Kind/inputNotFound`` when it cannot be read,
    ///   ``NewsIndexError/Kind/badInput`` when it is a directory or not UTF-8 text.
    public static func readTextFile(_ path: String, option: String) throws -> String {
        guard FileIO.exists(path) else {
            throw NewsIndexError(.inputNotFound, "\(path) does not exist; check the path given to \(option).")
        }
        guard !FileIO.isDirectory(path) else {
            throw NewsIndexError(.badInput, "\(path) is a directory; \(option) takes a text file.")
        }
        return try readText(InputFile(path: path, kind: .text, size: 0))
    }

    static func validate(_ bytes: [UInt8], path: String) throws {
        if let nul = bytes.firstIndex(of: 0) {
            throw NewsIndexError(.badInput, "\(path) looks like a binary file (a NUL byte at offset \(nul)); newsindex indexes UTF-8 text.")
        }
        if String(validating: bytes, as: UTF8.self) == nil {
            // Find the first invalid byte for the message.
            var offset = 0
            var it = bytes.makeIterator()
            var decoder = UTF8()
            loop: while true {
                let before = offset
                switch decoder.decode(&it) {
                case .scalarValue(let s): offset += UTF8.width(s)
                case .emptyInput: break loop
                case .error: offset = before; break loop
                }
            }
            throw NewsIndexError(.badInput, "\(path) is not valid UTF-8 (first bad byte at offset \(offset)); convert it to UTF-8, e.g. with iconv -f latin1 -t utf-8.")
        }
    }

    /// Calls `body` with each article of `file` (or the error that kept one from being read), with its
    /// location: the path for text files, `path:line` for JSON Lines.
    ///
    /// - Throws: errors about the file as a whole (unreadable, not UTF-8) and whatever `body` throws.
    public static func forEachArticle(in file: InputFile,
                                      _ body: (Result<Article, NewsIndexError>, _ location: String) throws -> Void) throws {
        try forEachArticle(in: file, withSizes: { result, location, _ in try body(result, location) })
    }

    /// Calls `body` as ``forEachArticle(in:_:)`` does, also with the number of input bytes each
    /// article (or error) was read from: its line of a JSON Lines file, or the whole text file.
    /// ``IndexWriter/add(_:inputBytes:)`` takes this to cut segments by input size.
    public static func forEachArticle(in file: InputFile,
                                      withSizes body: (Result<Article, NewsIndexError>, _ location: String, _ inputBytes: Int) throws -> Void) throws {
        switch file.kind {
        case .text:
            let text: String
            do { text = try readText(file) } catch let e as NewsIndexError where e.kind == .badInput {
                try body(.failure(e), file.path, file.size)
                return
            }
            let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
            let id = name.lowercased().hasSuffix(".txt") ? String(name.dropLast(4)) : name
            let article = TextArticle.parse(text, id: id)
            if article.body.allSatisfy({ $0.isWhitespace }) && article.title.isEmpty {
                try body(.failure(NewsIndexError(.badInput, "\(file.path) holds no text")), file.path, file.size)
                return
            }
            try body(.success(article), file.path, file.size)
        case .jsonLines:
            // Read in blocks of whole lines: memory stays bounded whatever the file's size.
            var reader: LineBlockReader
            do { reader = try LineBlockReader(path: file.path) } catch let e as NewsIndexError {
                throw NewsIndexError(.inputNotFound, e.message)
            }
            var lines = 0
            var binary = false
            while !binary, try reader.next({ block in
                // NUL bytes in the first block: a binary file, not JSON Lines (later ones fail their line).
                if lines == 0 && block.contains(0) { binary = true; return }
                try JSONLines.parse(block, file: file.path, linesBefore: &lines) { result, line, size in
                    try body(result, "\(file.path):\(line)", size)
                }
            }) {}
            if binary {
                try body(.failure(NewsIndexError(.badInput, "\(file.path) looks like a binary file (it contains NUL bytes); newsindex reads UTF-8 JSON Lines.")), file.path, file.size)
            }
        }
    }
}
