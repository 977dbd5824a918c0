import ArgumentParser
import NewsIndex
import NewsIndexIngest

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Index articles from text, JSON Lines, web pages, CSV, web archives, feeds and folders.",
        discussion: """
        Folders are walked recursively; .txt files are scraped articles (the id is the file name \
        without extension, the headline is found in the page), .jsonl files hold one JSON object per \
        line with "id", "title", "body" and optional "date", "url" and "source" (or the usual names \
        of news dumps, or what --field maps); .html pages give the article found in them; .csv and \
        .tsv files one article per row under a header; .warc web archives the pages of their \
        responses (id: the URL); .rss, .atom and .rdf feeds (and .xml or .json named as files) one \
        article per item. Each may be gzip-compressed (.jsonl.gz, .warc.gz, …), read as it is \
        inflated. The path - reads standard input: JSON Lines, or what --format says; gzip on \
        standard input is recognised by itself.

        Analyzers (--analyzer, stored in the index; searches use the index's own): news, the \
        default, folds case and accents, keeps numbers and acronyms whole and splits hyphenated \
        words; english adds Snowball English stemming (cooperation and cooperative meet) but leaves \
        known names alone; simple lower-cases runs of letters and digits exactly as tantivy's \
        default tokenizer does.

        Entities (people, organizations, places, media) of the built-in list are recognized while \
        indexing; --entities FILE adds or overrides entries, one per line: \
        `Canonical Name | type | alias; alias; ambiguous alias?` (see the README).

        A new index replaces the one at --index only once it is complete: if the build fails or is \
        interrupted, the previous index stays as it was. Bad documents (a line that is not a JSON \
        object, no id, no body, a field of the wrong type, text that is not \
        UTF-8 or holds NUL bytes, more than 64 MB, an id used earlier in the input, gzip data that \
        ends early or is damaged, which ends that file) are reported \
        with their file and line and skipped, and the summary counts them by reason (exit code 1); \
        --strict stops at the first one and changes nothing (exit code 65). A date that no known \
        form reads costs only the date: the article is indexed undated, with a warning (exit code \
        0 unless something was skipped; --strict stops at it). --date-order dmy reads 03/04/2022 \
        as 3 April (default mdy: March 4).

        Examples:
          newsindex build articles/
          newsindex build feed.jsonl archive/2024/ --index /srv/news-index
          newsindex build feed.jsonl --analyzer english
          newsindex build ../shared/corpus/bench.jsonl.gz
          zcat dump.jsonl.gz | newsindex build -
          newsindex build - --format text < page.txt
          newsindex build feed.jsonl --strict        # fail on the first bad document
          newsindex build uk-feed.jsonl --date-order dmy   # 03/04/2022 is 3 April
          newsindex build articles/ --entities my-entities.txt
          NEWSINDEX_INDEX=/tmp/idx newsindex build samples/ --quiet
        """
    )

    @Argument(help: ArgumentHelp("Files (.txt, .jsonl, either also .gz), folders, and - for standard input.", valueName: "path"))
    var paths: [String]

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: ArgumentHelp("How text becomes terms: news (default), english (news + Snowball stemming) or simple (tantivy's default tokenizer).", valueName: "name"))
    var analyzer = "news"

    @Option(name: .long, help: ArgumentHelp("An entities file adding to or overriding the built-in entity list (repeatable).", valueName: "file"))
    var entities: [String] = []

    @OptionGroup var ingest: IngestOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder to index") }
        if Analyzer(named: analyzer) == nil {
            throw ValidationError("unknown analyzer \"\(analyzer)\"; choose one of \(Analyzer.availableNames.joined(separator: ", "))")
        }
    }

    func run() throws {
        do { try build() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func build() throws {
        let start = Terminal.now()
        let showProgress = ingest.showProgress
        var run = try IngestRun(paths: paths, indexPath: location.path, strict: ingest.strict, dateOrder: ingest.dateOrder,
                                standardInput: ingest.standardInput, fields: try ingest.fieldMapping())
        var options = ingest.writerOptions(inputBytes: run.expectedInputBytes)
        options.analyzer = Analyzer(named: analyzer)!
        for file in entities {
            let text = try ArticleInputs.readTextFile(file)
            options.entityDefinitions.append((source: file, text: text))
        }
        let writer = try IndexWriter(path: location.path, options: options)
        try run.runShowingProgress(into: writer, showProgress: showProgress, threads: ingest.threads)
        let summary = try writer.commit()
        let elapsed = Terminal.now() - start
        if showProgress {
            let files = run.files.count
            var line = "Indexed \(Format.count(summary.documentCount)) documents from \(Format.count(files)) file\(files == 1 ? "" : "s") (\(Format.bytes(run.totalBytes))) in \(Format.duration(elapsed)) → \(location.path) (\(Format.bytes(summary.indexBytes)))"
            if run.report.skippedCount > 0 { line += "; \(Format.count(run.report.skippedCount)) skipped" }
            if !run.ignored.isEmpty { line += "; \(Format.count(run.ignored.count)) other files ignored" }
            Terminal.err(line)
        }
        try run.finish(quiet: ingest.quiet)
    }
}
