import ArgumentParser
import Foundation
import NewsIndex
import NewsIndexIngest

/// The options of the commands that index articles (`build`, `add`).
struct IngestOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Memory in MB for the articles read ahead, the segments being built or merged and the ids' duplicate check (at least 32); the process's peak stays within about 100 MB more.", valueName: "MB"))
    var memory = 256

    @Option(name: .long, help: ArgumentHelp("Threads to use: segments built at the same time, each on its own thread, and web pages read at the same time (default: one per core).", valueName: "N"))
    var threads: Int?

    @Flag(name: .long, help: "Stop at the first bad document instead of skipping it; the index is left unchanged.")
    var strict = false

    @Option(name: .long, help: ArgumentHelp("How to read all-numeric dates such as 03/04/2022: mdy (March 4) or dmy (3 April). The other order is used when only it gives a date (30/12/2022 is always December 30). Example: --date-order dmy", valueName: "mdy|dmy"))
    var dateOrder: ArticleDate.Order = .mdy

    @Flag(name: [.short, .long], help: "Print nothing but errors and warnings.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("What standard input (the path -) holds: \(InputFile.Kind.formatNames.map(\.name).joined(separator: ", ")) (default jsonl); gzip is recognised by itself. Example: --format csv", valueName: "format"))
    var format = "jsonl"

    @Option(name: .customLong("field"), help: ArgumentHelp("Read an article field from another JSON key or CSV column, or a dotted path into nested JSON; repeatable. The fields: id, title, body, date, url, source, byline. Without it the usual names are read (text, content or article for the body, headline for the title, published or published_at for the date, link for the url, publication or site for the source). Example: --field body=content.text --field date=published_at", valueName: "field=name"))
    var fields: [String] = []

    /// The field mapping `--field` gives.
    func fieldMapping() throws -> FieldMapping {
        do { return try FieldMapping(fields) } catch let e as NewsIndexError { throw ValidationError(e.message) }
    }

    /// What the path `-` holds, from `--format`.
    var standardInput: InputFile.Kind { InputFile.Kind(formatName: format) ?? .jsonLines }

    func validate() throws {
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256 (got \(threads))") }
        if InputFile.Kind(formatName: format) == nil {
            throw ValidationError("unknown --format \"\(format)\"; the formats standard input can hold are \(InputFile.Kind.formatNames.map(\.name).joined(separator: ", "))")
        }
        _ = try fieldMapping()
        if memory < 32 || memory > 1 << 20 { throw ValidationError("--memory must be between 32 and 1048576 MB (got \(memory))") }
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
    /// Runs the input into `writer` as the CLI shows it: each skipped document as a warning on
    /// stderr, and the progress line (documents, MB/s, time left) when `showProgress`. Web pages
    /// are extracted on `threads` threads (`--threads`; one per core when nil).
    mutating func runShowingProgress(into writer: IndexWriter, showProgress: Bool, threads: Int?) throws {
        if let threads { pageThreads = threads }
        let started = Terminal.now()
        var progress = ProgressLine(enabled: showProgress)
        defer { progress.clear() }
        try run(into: writer) { event in
            switch event {
            case .skipped(let bad):
                progress.clear()
                Terminal.warning("skipped \(bad)")
            case .undated(let bad):
                progress.clear()
                Terminal.warning("\(bad)")
            case .progress(let documents, let bytesRead, let total):
                guard progress.enabled else { return }
                progress.update({
                    let rate = Double(bytesRead) / max(Terminal.now() - started, 1e-3)
                    let left = rate > 0 ? Double(total - bytesRead) / rate : 0
                    return "indexing: \(Format.count(documents)) documents · \(Format.fixed(rate / 1e6, 1)) MB/s · \(Format.duration(left)) left"
                }())
            }
        }
    }

    /// After the writer has committed: tells (unless `quiet`) how many records were not articles,
    /// warns with the count of documents indexed undated, and
    /// with the skip summary and exits with code 1 when documents were skipped. Undated
    /// documents alone leave the exit code 0: they are indexed.
    func finish(quiet: Bool) throws {
        if let passed = report.notArticleSummary, !quiet {
            Terminal.err("newsindex: \(passed)")
        }
        if let undated = report.undatedSummary {
            Terminal.warning("\(undated); see the warnings above")
        }
        guard let summary = report.skipSummary else { return }
        let indexed = report.indexed
        Terminal.warning("\(summary) (see the warnings above); the other \(Format.count(indexed)) document\(indexed == 1 ? " is" : "s are") indexed")
        throw ExitCode(1)
    }
}

extension ArticleDate.Order: ExpressibleByArgument {}
