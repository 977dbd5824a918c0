import NewsIndex

import NewsIndexCore
/// What an ``IngestRun`` tells its caller while it reads.
public enum IngestEvent: Sendable {
    /// A document was skipped: where it is and why. The run goes on with the next one.
    case skipped(BadDocument)
    /// A document whose date no known form reads: it is indexed without a date. The report's
    /// reason is ``BadDocument/Reason/badDate`` and its detail quotes the date.
    case undated(BadDocument)
    /// Documents indexed so far, and input bytes read out of the run's total.
    case progress(documents: Int, bytesRead: Int, totalBytes: Int)
}

/// What an ``IngestRun`` did: documents indexed, and documents skipped by reason.
public struct IngestReport: Sendable, Equatable {
    /// Documents handed to the writer and accepted.
    public var indexed = 0
    /// Documents skipped, by reason.
    public var skipped: [BadDocument.Reason: Int] = [:]
    /// Documents indexed without a date because theirs could not be read (counted in ``indexed`` too).
    public var undated = 0
    /// Records passed over because they are not articles and are not meant to be (WARC requests,
    /// redirects, images…), by what they are.
    public var notArticles: [String: Int] = [:]

    /// `3 records that are not articles passed over: 2 WARC request record, 1 HTTP 3xx response`;
    /// nil when there were none.
    public var notArticleSummary: String? {
        let total = notArticles.values.reduce(0, +)
        guard total > 0 else { return nil }
        let kinds = notArticles.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return "\(IngestReport.count(total)) record\(total == 1 ? "" : "s") that \(total == 1 ? "is" : "are") not an article passed over: "
            + kinds.map { "\(IngestReport.count($0.value)) \($0.key)" }.joined(separator: ", ")
    }

    /// Documents skipped in all.
    public var skippedCount: Int { skipped.values.reduce(0, +) }

    /// How many documents were skipped and why, most frequent reason first, e.g.
    /// `3 documents skipped: 2 not valid JSON, 1 with a repeated id`; `nil` when none was.
    public var skipSummary: String? {
        let total = skippedCount
        guard total > 0 else { return nil }
        let order = BadDocument.Reason.allCases
        let reasons = skipped.sorted {
            $0.value != $1.value ? $0.value > $1.value : order.firstIndex(of: $0.key)! < order.firstIndex(of: $1.key)!
        }
        return "\(IngestReport.count(total)) document\(total == 1 ? "" : "s") skipped: " +
            reasons.map { "\(IngestReport.count($0.value)) \($0.key)" }.joined(separator: ", ")
    }

    /// `3,812 documents without a readable date (indexed undated)`; `nil` when there were none.
    public var undatedSummary: String? {
        guard undated > 0 else { return nil }
        return "\(IngestReport.count(undated)) document\(undated == 1 ? "" : "s") without a readable date (indexed undated)"
    }

    /// `n` with thousands separators: `3,812`.
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }
}

/// One pass over the input of a program that indexes articles: the ingest policy that `build`,
/// `add` and any embedding program share.
///
/// It collects the input files under the paths given, reads every document, hands the good ones
/// to a writer, and reports each bad one (with its file and line) through ``IngestEvent/skipped(_:)``,
/// or in strict mode stops at it. An id that the input already used is reported with the place of
/// its first use. A document whose date cannot be read is indexed without one and reported
/// through ``IngestEvent/undated(_:)`` (in strict mode the run stops at it). The ``report``
/// counts what was skipped, by reason, and what was indexed undated.
///
/// ```swift
/// var run = try IngestRun(paths: ["articles/"], indexPath: "idx", strict: false)
/// let writer = try IndexWriter(path: "idx")
/// try run.run(into: writer) { event in if case .skipped(let bad) = event { log(bad) } }
/// try writer.commit()
/// print(run.report.skipSummary ?? "all indexed")
/// ```
public struct IngestRun {
    /// Thrown by the `add` closure of ``run(_:onEvent:)`` to skip a document it refuses, such as
    /// one whose id the index already holds; the run reports it at the document's place and counts it.
    public struct Rejected: Error {
        /// Why the document is refused.
        public var reason: BadDocument.Reason
        /// What is wrong with it.
        public var detail: String
        /// For a repeated id: the document that used it first, counted from 0 among those the run
        /// indexed, so the report can say where it was.
        public var firstUse: Int?

        /// Creates a refusal.
        public init(reason: BadDocument.Reason, detail: String, firstUse: Int? = nil) {
            self.reason = reason
            self.detail = detail
            self.firstUse = firstUse
        }
    }

    /// The article files found under the paths given.
    public let files: [InputFile]
    /// Other files found in folders, not indexed.
    public let ignored: [String]
    /// The size of all ``files``.
    public let totalBytes: Int
    /// What the run has done so far.
    public private(set) var report = IngestReport()
    /// The threads that find the articles of web pages while the input is read (default: one
    /// per core). The documents reach the writer in input order whatever the number.
    public var pageThreads = OrderedExtraction.cores

    private let strict: Bool
    private let readOptions: ReadOptions
    private let indexPath: String

    /// Collects the input files under `paths`, for the index at `indexPath` (named in messages).
    ///
    /// - Parameters:
    ///   - paths: files and folders to read articles from.
    ///   - indexPath: the index being built, named in messages.
    ///   - strict: stop at the first bad document or unreadable date (the run throws it) instead
    ///     of skipping the document or indexing it undated.
    ///   - dateOrder: how all-numeric dates such as `03/04/2022` are read (see `ArticleDate.Order`).
    ///   - standardInput: what the path `-` (standard input) holds: JSON Lines unless told.
    ///   - fields: which JSON keys and CSV columns the article's fields come from.
    /// - Throws: `NewsIndexError` when a path does not exist or holds no article files.
    public init(paths: [String], indexPath: String, strict: Bool, dateOrder: ArticleDate.Order = .mdy,
                standardInput: InputFile.Kind = .jsonLines, fields: FieldMapping = FieldMapping()) throws {
        let inputs = try ArticleInputs.collect(paths, standardInput: standardInput)
        files = inputs.files
        ignored = inputs.ignored
        totalBytes = inputs.files.reduce(0) { $0 + $1.size }
        self.strict = strict
        var readOptions = ReadOptions()
        readOptions.dateOrder = dateOrder
        readOptions.fields = fields
        self.readOptions = readOptions
        self.indexPath = indexPath
    }

    /// Reads every document of every file, in order, and calls `add` with each good one and the
    /// number of input bytes it was read from. A bad document, or one `add` refuses by throwing
    /// ``Rejected``, is reported through `onEvent` and counted, or in strict mode ends the run;
    /// `add` must refuse an id it was given before (as `IndexWriter` does), which is reported
    /// with its first place. Damaged data that ends a file's reading (gzip cut short or corrupt)
    /// is reported as one ``BadDocument/Reason/damaged`` document, after the documents before it,
    /// and the run goes on with the next file.
    ///
    /// - Throws: in strict mode, the first bad document as a `NewsIndexError.Kind.badInput`
    ///   error; the same when no document at all could be indexed; whatever else `add` or
    ///   reading throws.
    public mutating func run(_ add: (Article, _ inputBytes: Int) throws -> Void,
                             onEvent: (IngestEvent) -> Void = { _ in }) throws {
        // Where each indexed document came from, eight bytes each (``PackedPlace``): when the writer
        // refuses an id it was given before, the report names the place of its first use.
        var places: [PackedPlace] = []
        func deliver(_ result: Result<Article, BadDocument>, _ place: OrderedExtraction.Place) throws {
            let location = place.location
            switch result {
            case .success(let article):
                let undated = try readDate(of: article, at: location)
                do {
                    try add(article, place.inputBytes)
                    if let undated {
                        onEvent(.undated(undated))
                        report.undated += 1
                    }
                    places.append(PackedPlace(file: place.fileNumber, location))
                    report.indexed += 1
                } catch let refused as Rejected {
                    var detail = refused.detail
                    if refused.reason == .repeatedID, let first = refused.firstUse, places.indices.contains(first),
                       let there = places[first].location(in: files) {
                        detail = "id \"\(article.id)\" was first used at \(there); ids must be unique within the input"
                    }
                    try skip(BadDocument(refused.reason, at: location, detail), onEvent)
                }
            case .failure(let bad):
                try skip(bad, onEvent)
            }
            onEvent(.progress(documents: report.indexed, bytesRead: place.bytesRead, totalBytes: totalBytes))
        }
        // Pages are extracted on every core; the documents come back here in input order.
        var extraction = OrderedExtraction(threads: pageThreads)
        var done = 0          // bytes of finished files
        for (fileNumber, file) in files.enumerated() {
            do {
                try ArticleInputs.readDocuments(in: file, options: readOptions) { document, location, size, inFile in
                    let place = OrderedExtraction.Place(location: location, inputBytes: size, fileNumber: fileNumber,
                                                        bytesRead: done + min(inFile, file.size))
                    if case .notArticle(let what) = document {
                        report.notArticles[what, default: 0] += 1
                        return
                    }
                    do { try extraction.add(document, at: place, deliver: deliver) } catch { throw Handling(error: error) }
                }
            } catch let stop as Handling {
                throw stop.error
            } catch let damage as NewsIndexError where damage.kind == .badInput {
                // Damaged data ends this file (gzip cut short or corrupt): what came before it is
                // indexed, the damage is reported as a bad document, and the run goes on.
                try extraction.drain(deliver)
                var detail = damage.message
                for name in [file.path, "standard input"] where detail.hasPrefix(name + ": ") {
                    detail.removeFirst(name.count + 2)
                    break
                }
                try skip(BadDocument(.damaged, at: DocumentLocation(path: file.path),
                                     detail + " The documents before the damage are indexed; the rest of the file cannot be read."), onEvent)
            }
            done += file.size
        }
        try extraction.drain(deliver)
        if report.indexed == 0 {
            throw NewsIndexError(.badInput, report.skippedCount == 0
                ? "the input holds no documents, so the index at \(indexPath) was left unchanged; give .txt articles or JSON Lines with \"id\" and \"body\""
                : "none of the input documents could be indexed (\(report.skipSummary!)), so the index at \(indexPath) was left unchanged")
        }
    }

    /// Runs the input into `writer`; a document the writer refuses (an empty id, or one it holds
    /// already) is reported and counted like any bad document.
    public mutating func run(into writer: IndexWriter, onEvent: (IngestEvent) -> Void = { _ in }) throws {
        let before = writer.documentCount
        try run({ article, inputBytes in
            do {
                try writer.add(article, inputBytes: inputBytes)
            } catch let e as NewsIndexError where e.kind == .badInput {
                let first = writer.documentNumber(ofID: article.id).map { $0 - before }
                throw Rejected(reason: article.id.isEmpty ? .missingID : .repeatedID, detail: e.message, firstUse: first)
            }
        }, onEvent: onEvent)
    }

    /// An error thrown while a document was handled (not while the file was read), passed
    /// through the reader unchanged.
    private struct Handling: Error {
        var error: any Error
    }

    /// The report of a date that cannot be read (the article goes on undated, reported once it is
    /// indexed), or in strict mode the stop.
    private func readDate(of article: Article, at location: DocumentLocation) throws -> BadDocument? {
        guard let text = article.unreadableDate else { return nil }
        let bad = BadDocument(.badDate, at: location, "unreadable date \"\(text)\" in document \"\(article.id)\"; "
            + "indexed without a date (the README's \"Dates\" section lists the forms read)")
        if strict {
            throw NewsIndexError(.badInput, "\(bad) (strict mode stops at the first unreadable date; the index at \(indexPath) was left unchanged)",
                                 remedy: .skipBadDocuments)
        }
        return bad
    }

    /// Reports a bad document and counts it, or in strict mode stops.
    private mutating func skip(_ bad: BadDocument, _ onEvent: (IngestEvent) -> Void) throws {
        if strict {
            throw NewsIndexError(.badInput, "\(bad) (strict mode stops at the first bad document; the index at \(indexPath) was left unchanged)",
                                 remedy: .skipBadDocuments)
        }
        onEvent(.skipped(bad))
        report.skipped[bad.reason, default: 0] += 1
    }

}

/// Where a document came from in eight bytes: its file's number (24 bits), whether the place is a
/// line or a byte offset (1 bit), and that number (39 bits); 0 for a whole file, or a place too
/// far into its file to keep, whose report names the file alone.
struct PackedPlace {
    private let bits: UInt64

    init(file: Int, _ location: DocumentLocation) {
        let fileBits = UInt64(file) << 40
        guard file < 1 << 24 else { bits = UInt64.max; return }
        if let line = location.line, line > 0, line < 1 << 39 {
            bits = fileBits | UInt64(line)
        } else if let offset = location.offset, offset >= 0, offset < 1 << 39 {
            bits = fileBits | 1 << 39 | UInt64(offset)
        } else {
            bits = fileBits
        }
    }

    /// The place, among the run's `files`.
    func location(in files: [InputFile]) -> DocumentLocation? {
        guard bits != UInt64.max, Int(bits >> 40) < files.count else { return nil }
        let path = files[Int(bits >> 40)].path
        let value = Int(bits & (1 << 39 - 1))
        if bits & 1 << 39 != 0 { return DocumentLocation(path: path, offset: value) }
        return DocumentLocation(path: path, line: value == 0 ? nil : value)
    }
}
