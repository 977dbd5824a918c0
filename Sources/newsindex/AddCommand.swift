import ArgumentParser
import NewsIndex
import NewsIndexIngest

struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add articles to an existing index; an article whose id is there replaces it.",
        discussion: """
        Reads the files `newsindex build` reads (text, JSON Lines, web pages, CSV and TSV, WARC, \
        feeds, each also gzip-compressed), folders, and standard input (-, JSON Lines unless \
        --format says otherwise) as `newsindex build` does and adds their \
        articles to the index as new segments, analyzed with the index's own analyzer and entity \
        list. An article whose id is already in the index replaces the old one (update). In the \
        same run, segments are merged by a size-tiered policy (ten neighbours of about the same \
        size become one), so the number of segments grows with the logarithm of the archive.

        Everything is one atomic commit: searches that run meanwhile see the index before or \
        after it; if the run fails or is killed, the index stays as it was. Bad documents are \
        reported with their file and line and skipped (exit code 1); --strict stops at the first \
        one and changes nothing. An unreadable date costs only the date: the article is added \
        undated, with a warning. --date-order dmy reads 03/04/2022 as 3 April.

        Examples:
          newsindex add today.jsonl
          newsindex add incoming/ --index /srv/news-index
          newsindex add corrections.jsonl --strict --quiet
          newsindex add uk-today.jsonl --date-order dmy
          newsindex add today.jsonl.gz
          cat a.jsonl | newsindex add -
        """
    )

    @Argument(help: ArgumentHelp("Files (.txt, .jsonl, either also .gz), folders, and - for standard input.", valueName: "path"))
    var paths: [String]

    @OptionGroup var location: IndexLocation

    @OptionGroup var ingest: IngestOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder to add") }
    }

    func run() throws {
        do { try add() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func add() throws {
        let start = Terminal.now()
        let showProgress = ingest.showProgress
        var run = try IngestRun(paths: paths, indexPath: location.path, strict: ingest.strict, dateOrder: ingest.dateOrder,
                                standardInput: ingest.standardInput, fields: try ingest.fieldMapping())
        var options = ingest.writerOptions(inputBytes: run.expectedInputBytes)
        options.mode = .append
        let writer = try IndexWriter(path: location.path, options: options)
        try run.runShowingProgress(into: writer, showProgress: showProgress, threads: ingest.threads)
        let summary = try writer.commit()
        if showProgress {
            var line = "Added \(Format.count(summary.addedCount)) documents (\(Format.count(summary.deletedCount)) replacing earlier versions) in \(Format.duration(Terminal.now() - start)) → \(location.path) (\(Format.count(summary.documentCount)) documents, \(summary.segmentCount) segment\(summary.segmentCount == 1 ? "" : "s"), \(Format.bytes(summary.indexBytes)))"
            if summary.mergedSegmentCount > 0 { line += "; \(summary.mergedSegmentCount) segments merged away" }
            if run.report.skippedCount > 0 { line += "; \(Format.count(run.report.skippedCount)) skipped" }
            if !run.ignored.isEmpty { line += "; \(Format.count(run.ignored.count)) other files ignored" }
            Terminal.err(line)
        }
        try run.finish(quiet: ingest.quiet)
    }
}
