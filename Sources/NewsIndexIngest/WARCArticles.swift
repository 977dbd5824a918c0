import NewsIndex
import NewsIndexCore
import NewsIndexHTML

/// Reads the web pages of web archives: WARC 1.0 and 1.1 files (`.warc`, and `.warc.gz`
/// compressed record by record, as Common Crawl's are), streamed one record at a time.
///
/// `response` records with a successful (2xx) HTTP response of HTML, and `resource` records of
/// HTML, are pages: their HTTP body is unchunked and its gzip or deflate content coding undone,
/// the charset comes from the HTTP `Content-Type`, and the article is found as in a page file
/// (on every core, by ``IngestRun``). The id and URL are the record's `WARC-Target-URI`; the
/// date falls back to `WARC-Date`. Other records (requests, metadata, revisits, warcinfo,
/// redirects and errors, other content types) are not articles: they are counted by what they
/// are, not reported one by one. A damaged record (a header that does not parse, a length past
/// the end, broken chunked framing or content coding) is a bad document at its byte offset in
/// the uncompressed stream, and reading goes on at the next record.
enum WARCArticles {
    /// The largest header block (WARC or HTTP) read: 256 KiB.
    static let maxHeaderBytes = 256 << 10

    /// Reads `file`, handing over each record that is a page, bad, or not an article.
    static func read(_ file: InputFile, options: ReadOptions,
                     _ body: (ReadDocument, _ location: DocumentLocation, _ inputBytes: Int, _ fileBytesRead: Int) throws -> Void) throws {
        let source = try ArticleInputs.openSource(file)
        var stream = RecordStream(source: source)
        func readSoFar() -> Int { file.isGzip || file.isStandardInput ? source.consumed : stream.offset }
        while true {
            guard try stream.skipBlankLines() else { return }
            let start = stream.offset
            let location = DocumentLocation(path: file.path, offset: start)
            func report(_ document: ReadDocument) throws { try body(document, location, stream.offset - start, readSoFar()) }
            guard let version = try stream.line(), version.hasPrefix("WARC/") else {
                let skipped = try stream.resynchronise()
                try report(.article(.failure(BadDocument(.damaged, at: location,
                    "not a WARC record header here (\(skipped) bytes skipped to the next record); the archive is damaged at this offset"))))
                continue
            }
            guard let header = try stream.header() else {
                try report(.article(.failure(BadDocument(.damaged, at: location,
                    "the file ends inside a WARC record header (or the header is over \(ArticleInputs.sizeText(maxHeaderBytes)))"))))
                return
            }
            let fields = WARCArticles.fields(header)
            guard let lengthText = fields["content-length"], let length = Int(lengthText), length >= 0 else {
                let skipped = try stream.resynchronise()
                try report(.article(.failure(BadDocument(.damaged, at: location,
                    "the WARC record has no valid Content-Length (\(skipped) bytes skipped to the next record)"))))
                continue
            }
            let type = fields["warc-type"]?.lowercased() ?? "unknown"
            let wanted = (type == "response" || type == "resource") && length <= options.maxDocumentBytes
            let block = try stream.block(length, keep: wanted)
            guard block.complete else {
                try report(.article(.failure(BadDocument(.damaged, at: location,
                    "the \(type) record is cut short: the file ends after \(block.read) of its \(length) bytes"))))
                return
            }
            if !wanted {
                if type == "response" || type == "resource" {
                    try report(.article(.failure(BadDocument(.tooLarge, at: location,
                        "the \(type) record is \(ArticleInputs.sizeText(length)), over the limit of \(ArticleInputs.sizeText(options.maxDocumentBytes)) for one document"))))
                } else {
                    try report(.notArticle("WARC \(type) record"))
                }
                continue
            }
            try report(document(type: type, fields: fields, block: block.bytes, location: location, options: options))
        }
    }

    /// What a response or resource record holds: a page, a bad document, or not an article.
    static func document(type: String, fields: [String: String], block: [UInt8], location: DocumentLocation,
                         options: ReadOptions) -> ReadDocument {
        let uri = (fields["warc-target-uri"] ?? "").trimmingCharacters(in: "<>")
        guard !uri.isEmpty else {
            return .article(.failure(BadDocument(.missingID, at: location, "the \(type) record has no WARC-Target-URI, which is the article's id")))
        }
        var payload = block
        var contentType = fields["content-type"]
        if type == "response" {
            guard contentType?.lowercased().contains("application/http") ?? true else { return .notArticle("WARC response not HTTP") }
            switch HTTPResponse.parse(block, limit: options.maxDocumentBytes) {
            case .failure(let problem):
                return .article(.failure(BadDocument(.damaged, at: location, "the HTTP response of \(uri) cannot be read: \(problem)")))
            case .success(let response):
                guard (200..<300).contains(response.status) else { return .notArticle("HTTP \(response.status / 100)xx response") }
                payload = response.body
                contentType = response.headers["content-type"]
            }
        }
        guard isHTML(contentType, payload) else { return .notArticle("response not HTML") }
        let date = fields["warc-date"].flatMap { ArticleDate(parsing: $0) }
        return .page(PendingPage(bytes: payload, id: uri, url: uri, contentType: contentType, fallbackDate: date,
                                 dateOrder: options.dateOrder, location: location))
    }

    /// Whether a payload of `contentType` is HTML; without a type, whether it starts like HTML.
    static func isHTML(_ contentType: String?, _ payload: [UInt8]) -> Bool {
        if let t = contentType?.lowercased() { return t.contains("text/html") || t.contains("application/xhtml") }
        let head = String(decoding: payload.prefix(1024), as: UTF8.self).lowercased()
        return head.contains("<html") || head.contains("<!doctype html")
    }

    /// The named fields of a header block, names lower-cased; continuation lines are joined.
    static func fields<S: Sequence>(_ lines: S) -> [String: String] where S.Element == String {
        var out: [String: String] = [:]
        var last: String?
        for line in lines {
            if let first = line.first, first == " " || first == "\t", let last {
                out[last, default: ""] += " " + line.trimmingCharacters(in: " \t")
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased().trimmingCharacters(in: " \t")
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: " \t")
            if out[name] == nil { out[name] = value }
            last = name
        }
        return out
    }
}

/// An HTTP response as a WARC response record holds it.
struct HTTPResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    /// The response in `bytes`, its body unchunked and its content coding undone (gzip, deflate);
    /// or what is wrong with it.
    static func parse(_ bytes: [UInt8], limit: Int) -> Result<HTTPResponse, HTTPProblem> {
        guard let headEnd = HTTPResponse.endOfHead(bytes) else { return .failure(HTTPProblem("no end of the HTTP header")) }
        let lines = String(decoding: bytes[..<headEnd.head], as: UTF8.self).split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/") else { return .failure(HTTPProblem("no HTTP status line")) }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { return .failure(HTTPProblem("the status line \"\(statusLine.prefix(80))\" has no status code")) }
        let headers = WARCArticles.fields(lines.dropFirst())
        var body = Array(bytes[headEnd.body...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let plain = unchunked(body, limit: limit) else { return .failure(HTTPProblem("the chunked transfer coding is broken")) }
            body = plain
        }
        switch headers["content-encoding"]?.lowercased().trimmingCharacters(in: " \t") {
        case "gzip", "x-gzip", "deflate":
            guard let plain = Gzip.inflate(body, limit: limit) else { return .failure(HTTPProblem("the gzip or deflate content coding is damaged")) }
            body = plain
        default:
            break
        }
        return .success(HTTPResponse(status: status, headers: headers, body: body))
    }

    /// Where the head ends (its last line break) and the body starts: at the first empty line.
    static func endOfHead(_ b: [UInt8]) -> (head: Int, body: Int)? {
        var i = 0
        while i < b.count {
            if b[i] == 0x0A {
                if i + 1 < b.count && b[i + 1] == 0x0A { return (i, i + 2) }
                if i + 2 < b.count && b[i + 1] == 0x0D && b[i + 2] == 0x0A { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// The chunked body `b` as one run of bytes; nil when its framing is broken.
    static func unchunked(_ b: [UInt8], limit: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var i = 0
        while true {
            var size = 0, digits = 0
            while i < b.count, let d = hexDigit(b[i]) {
                size = size * 16 + d
                digits += 1
                guard size <= limit else { return nil }
                i += 1
            }
            guard digits > 0 else { return nil }
            while i < b.count && b[i] != 0x0A { i += 1 }   // chunk extensions, CR
            i += 1
            if size == 0 { return out }
            guard i + size <= b.count else { return nil }
            out.append(contentsOf: b[i..<(i + size)])
            i += size
            if i < b.count && b[i] == 0x0D { i += 1 }
            if i < b.count && b[i] == 0x0A { i += 1 }
            if i >= b.count { return out }   // no last chunk: what came is kept
        }
    }

    static func hexDigit(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: Int(c - 0x30)
        case 0x41...0x46: Int(c - 0x41 + 10)
        case 0x61...0x66: Int(c - 0x61 + 10)
        default: nil
        }
    }
}

/// Why an HTTP response cannot be read.
struct HTTPProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The bytes of a web archive as lines and blocks, with the offset read so far.
struct RecordStream {
    let source: any ByteSource
    private var buffer = [UInt8](repeating: 0, count: 256 << 10)
    private var position = 0
    private var available = 0
    /// Bytes taken from the stream so far.
    private(set) var offset = 0

    init(source: any ByteSource) { self.source = source }

    /// Makes sure a byte is buffered; false at the end.
    private mutating func fill() throws -> Bool {
        if position < available { return true }
        available = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        position = 0
        return available > 0
    }

    /// The next line without its line break, or nil at the end; a line over the header limit
    /// is cut there.
    mutating func line() throws -> String? {
        var bytes: [UInt8] = []
        while try fill() {
            let b = buffer[position]
            position += 1
            offset += 1
            if b == 0x0A {
                if bytes.last == 0x0D { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            }
            if bytes.count < WARCArticles.maxHeaderBytes { bytes.append(b) }
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// Skips the empty lines between records; false at the end of the stream.
    mutating func skipBlankLines() throws -> Bool {
        while try fill() {
            let b = buffer[position]
            guard b == 0x0A || b == 0x0D else { return true }
            position += 1
            offset += 1
        }
        return false
    }

    /// The lines of a header block up to its empty line; nil when it does not end within the
    /// header limit or the stream.
    mutating func header() throws -> [String]? {
        var lines: [String] = []
        var size = 0
        while let line = try line() {
            if line.isEmpty { return lines }
            size += line.utf8.count + 2
            guard size <= WARCArticles.maxHeaderBytes else { return nil }
            lines.append(line)
        }
        return nil
    }

    /// The next `length` bytes, kept or only counted; `complete` is false when the stream ends first.
    mutating func block(_ length: Int, keep: Bool) throws -> (bytes: [UInt8], complete: Bool, read: Int) {
        var out: [UInt8] = []
        if keep { out.reserveCapacity(min(length, 16 << 20)) }
        var left = length
        while left > 0, try fill() {
            let n = min(left, available - position)
            if keep { out.append(contentsOf: buffer[position..<(position + n)]) }
            position += n
            offset += n
            left -= n
        }
        return (out, left == 0, length - left)
    }

    /// Skips to the next line that starts a WARC record (`WARC/1.`), leaving it unread; the
    /// bytes skipped.
    mutating func resynchronise() throws -> Int {
        let start = offset
        let marker = Array("WARC/1.".utf8)
        var atLineStart = true
        var matched = 0
        var lineStart = offset
        while try fill() {
            let b = buffer[position]
            if atLineStart && matched == 0 { lineStart = offset }
            if (atLineStart || matched > 0) && matched < marker.count && b == marker[matched] {
                matched += 1
                if matched == marker.count {
                    // Give back the marker: put the stream at the line's start.
                    let back = offset + 1 - lineStart
                    if position + 1 >= back {
                        position = position + 1 - back
                        offset = lineStart
                        return offset - start
                    }
                    matched = 0
                }
            } else {
                matched = 0
            }
            atLineStart = b == 0x0A
            position += 1
            offset += 1
        }
        return offset - start
    }
}

extension String {
    /// Without the characters of `set` at either end.
    func trimmingCharacters(in set: String) -> String {
        let s = drop { set.contains($0) }
        return String(s.reversed().drop { set.contains($0) }.reversed())
    }
}
