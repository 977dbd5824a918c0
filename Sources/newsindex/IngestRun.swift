import ArgumentParser
import NewsIndex

/// One pass over the input of a command that indexes articles: it collects the input files,
/// reads every document, hands the good ones to a writer, reports each bad one on stderr with its
/// file and line (or stops at it with `--strict`), keeps the progress line, and counts what it
/// skipped by reason for the summary. `build` uses it with a new index's writer; a command that
/// adds to an index can use it with another.
struct IngestRun {
    /// Thrown by the `add` closure of ``run(_:)`` to skip a document it refuses, such as one whose
    /// id the index already holds; the run reports it at the document's location and counts it.
    struct Rejected: Error {
        var reason: BadDocument.Reason
        var detail: String
    }

    /// The article files found under the paths given.
    let files: [InputFile]
    /// Other files found in folders, not indexed.
    let ignored: [String]
    /// The size of all `files`.
    let totalBytes: Int
    /// Documents handed to the writer and accepted.
    private(set) var indexed = 0
    /// Documents skipped, by reason.
    private(set) var skipped: [BadDocument.Reason: Int] = [:]

    private let strict: Bool
    private let target: String
    private let started: Double
    private var progress: ProgressLine

    /// Collects the input files under `paths`, for an index at `target` (named in messages).
    ///
    /// - Throws: ``NewsIndexError`` when a path does not exist or holds no article files.
    init(paths: [String], target: String, strict: Bool, showProgress: Bool) throws {
        started = Terminal.now()
        let inputs = try ArticleInputs.collect(paths)
        files = inputs.files
        ignored = inputs.ignored
        totalBytes = inputs.files.reduce(0) { $0 + $1.size }
        self.strict = strict
        self.target = target
        progress = ProgressLine(enabled: showProgress)
    }

    /// Documents skipped in all.
    var skippedCount: Int { skipped.values.reduce(0, +) }

    /// Reads every document of every file, in order, and calls `add` with each good one and the
    /// number of input bytes it was read from. A bad document, or one `add` refuses by throwing
    /// ``Rejected``, is reported and counted, or with `strict` ends the run; `add` must refuse an
    /// id it was given before (as ``IndexWriter`` does), which is reported with its first place.
    ///
    /// - Throws: with `strict`, the first bad document as a ``NewsIndexError/Kind/badInput``
    ///   error; the same when no document at all could be indexed; whatever else `add` or
    ///   reading throws.
    mutating func run(_ add: (Article, _ inputBytes: Int) throws -> Void) throws {
        // Where each id was first seen (the file's number and the line, 0 for a text file), by
        // the hash of its bytes: ids are compared as bytes, as the index does. The writer refuses
        // an id it was given before; only then is its first place looked up here.
        var firstSeen: [Int: (file: Int32, line: Int32)] = [:]
        var done = 0          // bytes of finished files
        for (fileNumber, file) in files.enumerated() {
            var inFile = 0    // bytes read from the current file
            try ArticleInputs.forEachArticle(in: file, withSizes: { result, location, size in
                inFile += size
                switch result {
                case .success(let article):
                    var id = article.id
                    let key = id.withUTF8 { bytes in
                        var hasher = Hasher()
                        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
                        return hasher.finalize()
                    }
                    do {
                        try add(article, size)
                        firstSeen[key] = (Int32(fileNumber), Int32(clamping: location.line ?? 0))
                        indexed += 1
                    } catch let refused as Rejected {
                        if refused.reason == .repeatedID, let first = firstSeen[key] {
                            let there = DocumentLocation(path: files[Int(first.file)].path, line: first.line == 0 ? nil : Int(first.line))
                            try skip(BadDocument(.repeatedID, at: location, "id \"\(article.id)\" was first used at \(there); ids must be unique within the input"))
                        } else {
                            try skip(BadDocument(refused.reason, at: location, refused.detail))
                        }
                    }
                case .failure(let bad):
                    try skip(bad)
                }
                if progress.enabled { showProgress(done + min(inFile, file.size)) }
            })
            done += file.size
        }
        progress.clear()
        if indexed == 0 {
            if let summary = skipSummary() { Terminal.warning(summary + " (see the warnings above)") }
            throw NewsIndexError(.badInput, skippedCount == 0
                ? "the input holds no documents, so the index at \(target) was left unchanged; give .txt articles or JSON Lines with \"id\" and \"body\""
                : "none of the input documents could be indexed, so the index at \(target) was left unchanged")
        }
    }

    /// Reports a bad document and counts it, or with `strict` stops.
    private mutating func skip(_ bad: BadDocument) throws {
        progress.clear()
        if strict {
            throw NewsIndexError(.badInput, "\(bad) (--strict stops at the first bad document; the index at \(target) was left unchanged)")
        }
        Terminal.warning("skipped \(bad)")
        skipped[bad.reason, default: 0] += 1
    }

    private mutating func showProgress(_ bytesSoFar: Int) {
        let documents = indexed
        let elapsed = Terminal.now() - started
        let total = totalBytes
        progress.update({
            let rate = Double(bytesSoFar) / max(elapsed, 1e-3)
            let left = rate > 0 ? Double(total - bytesSoFar) / rate : 0
            return "indexing: \(Format.count(documents)) documents · \(Format.fixed(rate / 1e6, 1)) MB/s · \(Format.duration(left)) left"
        }())
    }

    /// How many documents were skipped and why, most frequent reason first, e.g.
    /// `3 documents skipped: 2 not valid JSON, 1 repeated id`; `nil` when none was.
    func skipSummary() -> String? {
        let total = skippedCount
        guard total > 0 else { return nil }
        let order = BadDocument.Reason.allCases
        let reasons = skipped.sorted {
            $0.value != $1.value ? $0.value > $1.value : order.firstIndex(of: $0.key)! < order.firstIndex(of: $1.key)!
        }
        return "\(Format.count(total)) document\(total == 1 ? "" : "s") skipped: " +
            reasons.map { "\(Format.count($0.value)) \($0.key)" }.joined(separator: ", ")
    }

    /// After the writer has committed: warns with the skip summary and exits with code 1 when
    /// documents were skipped.
    func finish() throws {
        guard let summary = skipSummary() else { return }
        Terminal.warning("\(summary) (see the warnings above); the other \(Format.count(indexed)) document\(indexed == 1 ? " is" : "s are") indexed")
        throw ExitCode(1)
    }
}

/// The options of the commands that index articles (`build`, `add`).
struct IngestOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Memory in MB for the segments being built or merged (their postings and compressed articles, held until each is written); the process uses about 150 MB more.", valueName: "MB"))
    var memory = 256

    @Option(name: .long, help: ArgumentHelp("Segments built at the same time, each on its own thread (default: one per core).", valueName: "N"))
    var threads: Int?

    @Flag(name: .long, help: "Stop at the first bad document instead of skipping it; the index is left unchanged.")
    var strict = false

    @Flag(name: [.short, .long], help: "Print nothing but errors and warnings.")
    var quiet = false

    func validate() throws {
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256 (got \(threads))") }
        if memory < 16 || memory > 1 << 20 { throw ValidationError("--memory must be between 16 and 1048576 MB (got \(memory))") }
    }

    /// Whether to show the progress line and the summary.
    var showProgress: Bool { !quiet && Terminal.stderrIsTerminal }

    /// The writer options these give, for an input of `inputBytes`.
    func writerOptions(inputBytes: Int) -> IndexWriter.Options {
        var options = IndexWriter.Options()
        options.memoryBudget = memory << 20
        options.expectedInputBytes = inputBytes
        if let threads { options.threads = threads }
        return options
    }
}

extension IngestRun {
    /// Runs the input into `writer`; a document the writer refuses (an empty id, or one it holds
    /// already) is reported and counted like any bad document.
    mutating func run(into writer: IndexWriter) throws {
        try run { article, inputBytes in
            do {
                try writer.add(article, inputBytes: inputBytes)
            } catch let e as NewsIndexError where e.kind == .badInput {
                // The run catches repeats within the input first, with the place of the first use.
                throw IngestRun.Rejected(reason: article.id.isEmpty ? .missingID : .repeatedID, detail: e.message)
            }
        }
    }
}
