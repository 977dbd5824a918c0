import NewsIndex
import NewsIndexCore

/// Reads articles from CSV (`.csv`) and TSV (`.tsv`) files with a header row, one article a row.
///
/// CSV is read as RFC 4180 has it: fields separated by commas, quoted with `"` when they hold
/// commas, quotes (doubled) or line breaks; rows end with CRLF or LF; a byte-order mark before
/// the header is dropped. TSV is the same with tabs, and a field is quoted only when it starts
/// with `"` (exports often quote, the IANA type does not; a quote inside a field is kept as it is).
///
/// The header names the columns; ``FieldMapping`` says which columns the article's fields come
/// from (header names are compared without case and surrounding spaces). A file without an id
/// column gives its rows the ids `NAME:ROW` (the file name without extensions, the row's number
/// counted from 1 after the header). A row with another number of fields than the header, an
/// unclosed quote, a blank body, or bytes that are not UTF-8 is a bad document at the line
/// where the row starts; reading goes on with the next row.
enum CSVArticles {
    /// Reads `file`, whose fields are separated by `separator`, handing over each row's article.
    static func read(_ file: InputFile, separator: UInt8, options: ReadOptions,
                     _ body: (ReadDocument, _ location: DocumentLocation, _ inputBytes: Int, _ fileBytesRead: Int) throws -> Void) throws {
        let source = try ArticleInputs.openSource(file)
        var reader = CSVRecordReader(source: source, separator: separator, maxBytes: options.maxDocumentBytes)
        var read = 0
        func progress(_ size: Int) -> Int {
            read += size
            return file.isGzip || file.isStandardInput ? source.consumed : read
        }
        guard let header = try reader.next() else { return }
        if let problem = header.problem {
            let location = DocumentLocation(path: file.path, line: header.line)
            try body(.article(.failure(BadDocument(.malformedRow, at: location, "the header row cannot be read (\(problem)); the file is not read"))), location, header.bytes, progress(header.bytes))
            return
        }
        let names = header.fields.map { String(decoding: $0, as: UTF8.self).lowercased().trimmingCharactersASCII }
        let columns = Columns(names: names, fields: options.fields)
        let stem = ArticleInputs.stem(of: file)
        var row = 0
        while let record = try reader.next() {
            let location = DocumentLocation(path: file.path, line: record.line)
            if record.fields.count == 1 && record.fields[0].isEmpty && record.problem == nil { _ = progress(record.bytes); continue }
            row += 1
            let result = article(record, columns: columns, names: names, id: "\(stem):\(row)", location: location, order: options.dateOrder)
            try body(.article(result), location, record.bytes, progress(record.bytes))
        }
    }

    /// The article of one row, or why there is none.
    static func article(_ record: CSVRecordReader.Record, columns: Columns, names: [String], id fallbackID: String,
                        location: DocumentLocation, order: ArticleDate.Order) -> Result<Article, BadDocument> {
        if let problem = record.problem {
            return .failure(BadDocument(problem.hasPrefix("the row is") ? .tooLarge : .malformedRow, at: location, problem))
        }
        guard record.fields.count == names.count else {
            return .failure(BadDocument(.malformedRow, at: location, "the row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s") and the header \(names.count); quote fields that hold the separator or a line break"))
        }
        for field in record.fields {
            if let nul = field.firstIndex(of: 0) {
                return .failure(BadDocument(.binary, at: location, "a NUL byte in the row (byte \(nul) of a field): binary data, not text"))
            }
            if field.withUnsafeBufferPointer(UTF8Text.firstInvalid) != nil {
                return .failure(BadDocument(.notUTF8, at: location, "the row is not valid UTF-8; convert the file to UTF-8, e.g. with iconv -f latin1 -t utf-8"))
            }
        }
        func value(_ field: FieldMapping.Field) -> String? {
            guard let c = columns.index[field.slot] else { return nil }
            let text = String(decoding: record.fields[c], as: UTF8.self)
            return text.isEmpty ? nil : text
        }
        let id = columns.index[FieldMapping.Field.id.slot] == nil ? fallbackID : value(.id)?.trimmingCharactersASCII ?? ""
        guard !id.isEmpty else {
            return .failure(BadDocument(.missingID, at: location, "the id column \"\(columns.name(.id, names))\" is empty"))
        }
        guard let text = value(.body), !text.allSatisfy(\.isWhitespace) else {
            let why = columns.index[FieldMapping.Field.body.slot] == nil
                ? "no body column (none of \(FieldMapping.usualNames[.body]!.joined(separator: ", ")); name one with --field body=COLUMN)"
                : "the body column \"\(columns.name(.body, names))\" is blank"
            return .failure(BadDocument(.noBody, at: location, "document \"\(id)\" has no body: \(why)"))
        }
        var article = Article(id: id, title: value(.title) ?? "", body: text, url: value(.url), byline: value(.byline), source: value(.source))
        if let date = value(.date)?.trimmingCharactersASCII, !date.isEmpty {
            if date.count >= 9, date.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int64(date) {
                article.date = ArticleDate(secondsSinceEpoch: ArticleDate.seconds(fromUnixTime: n), text: date)
            } else if let d = ArticleDate(parsing: date, order: order) {
                article.date = d
            } else {
                article.unreadableDate = date
            }
        }
        return .success(article)
    }

    /// Which column each article field comes from: the best-ranked of its names in the header.
    struct Columns {
        /// The column of each field, by ``FieldMapping/Field/slot``.
        var index: [Int?] = Array(repeating: nil, count: 7)

        init(names: [String], fields: FieldMapping) {
            var ranks = Array(repeating: Int.max, count: 7)
            for field in FieldMapping.Field.allCases {
                for (rank, path) in (fields.paths[field] ?? []).enumerated() {
                    let wanted = path.joined(separator: ".").lowercased()
                    if let c = names.firstIndex(of: wanted), rank < ranks[field.slot] {
                        index[field.slot] = c
                        ranks[field.slot] = rank
                    }
                }
            }
        }

        /// The header name of `field`'s column, for messages.
        func name(_ field: FieldMapping.Field, _ names: [String]) -> String {
            index[field.slot].map { names[$0] } ?? field.rawValue
        }
    }
}

/// Reads the records of CSV or TSV data from a ``ByteSource``, in bounded memory.
struct CSVRecordReader {
    /// One record: its fields' bytes, the line it starts on, its size in the input, and what is
    /// wrong with it, if anything (an unclosed quote, too large).
    struct Record {
        var fields: [[UInt8]]
        var line: Int
        var bytes: Int
        var problem: String?
    }

    let source: any ByteSource
    let separator: UInt8
    let maxBytes: Int
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)
    private var position = 0
    private var available = 0
    private var line = 1
    private var atStart = true

    init(source: any ByteSource, separator: UInt8, maxBytes: Int) {
        self.source = source
        self.separator = separator
        self.maxBytes = maxBytes
    }

    /// The next byte, or nil at the end.
    private mutating func byte() throws -> UInt8? {
        if position == available {
            available = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            position = 0
            if available == 0 { return nil }
        }
        position += 1
        return buffer[position - 1]
    }

    /// Looks at the next byte without taking it.
    private mutating func peek() throws -> UInt8? {
        guard let b = try byte() else { return nil }
        position -= 1
        return b
    }

    /// The next record, or nil at the end of the data.
    mutating func next() throws -> Record? {
        if atStart {
            atStart = false
            // A byte-order mark before the header.
            if try peek() == 0xEF {
                var bom: [UInt8] = []
                while bom.count < 3, let b = try peek(), b == [0xEF, 0xBB, 0xBF][bom.count] { bom.append(try byte()!) }
                if bom.count < 3 { pending = bom }
            }
        }
        guard try peekAny() != nil else { return nil }
        var record = Record(fields: [], line: line, bytes: 0, problem: nil)
        var field: [UInt8] = []
        var inQuotes = false, fieldStart = true
        var kept = 0
        func add(_ b: UInt8) {
            kept += 1
            if kept <= maxBytes { field.append(b) }
        }
        while let b = try nextByte() {
            record.bytes += 1
            if b == 0x0A { line += 1 }
            if inQuotes {
                if b == 0x22 {
                    if try peekAny() == 0x22 { _ = try nextByte(); record.bytes += 1; add(0x22) } else { inQuotes = false }
                } else {
                    add(b)
                }
                continue
            }
            if fieldStart && b == 0x22 { inQuotes = true; fieldStart = false; continue }
            if b == separator {
                record.fields.append(field); field = []; fieldStart = true
                continue
            }
            if b == 0x0A { break }
            if b == 0x0D, try peekAny() == 0x0A { continue }
            fieldStart = false
            add(b)
        }
        record.fields.append(field)
        if inQuotes { record.problem = "a quote opened in the row is never closed before the end of the file" }
        if kept > maxBytes || record.bytes > maxBytes {
            record.problem = "the row is \(ArticleInputs.sizeText(record.bytes)), over the limit of \(ArticleInputs.sizeText(maxBytes)) for one document"
            record.fields = []
        }
        return record
    }

    /// Bytes taken out for a byte-order mark check that turned out not to be one.
    private var pending: [UInt8] = []

    private mutating func nextByte() throws -> UInt8? {
        if !pending.isEmpty { return pending.removeFirst() }
        return try byte()
    }

    private mutating func peekAny() throws -> UInt8? {
        if let first = pending.first { return first }
        return try peek()
    }
}

extension String {
    /// Without spaces, tabs and line breaks at either end.
    var trimmingCharactersASCII: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}

extension ArticleInputs {
    /// The file name of `file` without its directory and extensions (`.csv.gz` → the stem);
    /// `stdin` for standard input.
    static func stem(of file: InputFile) -> String {
        if file.isStandardInput { return "stdin" }
        let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
        return name.split(separator: ".").first.map(String.init) ?? name
    }
}
