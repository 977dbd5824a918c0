import ArgumentParser
import NewsIndex

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Index articles from .txt files, .jsonl files and folders.",
        discussion: """
        Folders are walked recursively; .txt files are scraped articles (the id is the file name \
        without extension, the headline is found in the page), .jsonl files hold one JSON object per \
        line with "id", "title", "body" and optional "date" and "url".

        Analyzers (--analyzer, stored in the index; searches use the index's own): news, the \
        default, folds case and accents, keeps numbers and acronyms whole and splits hyphenated \
        words; english adds Snowball English stemming (cooperation and cooperative meet) but leaves \
        known names alone; simple lower-cases runs of letters and digits exactly as tantivy's \
        default tokenizer does.

        Entities (people, organizations, places, media) of the built-in list are recognized while \
        indexing; --entities FILE adds or overrides entries, one per line: \
        `Canonical Name | type | alias; alias; ambiguous alias?` (see the README).

        A new index replaces the one at --index only once it is complete: if the build fails or is \
        interrupted, the previous index stays as it was. Bad documents are reported with their file \
        and line and skipped (exit code 1); --strict stops at the first one and changes nothing.

        Examples:
          newsindex build articles/
          newsindex build feed.jsonl archive/2024/ --index /srv/news-index
          newsindex build feed.jsonl --analyzer english
          newsindex build articles/ --entities my-entities.txt
          NEWSINDEX_INDEX=/tmp/idx newsindex build samples/ --quiet
        """
    )

    @Argument(help: ArgumentHelp("Files (.txt, .jsonl) and folders to index.", valueName: "path"))
    var paths: [String]

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: ArgumentHelp("How text becomes terms: news (default), english (news + Snowball stemming) or simple (tantivy's default tokenizer).", valueName: "name"))
    var analyzer = "news"

    @Option(name: .long, help: ArgumentHelp("An entities file adding to or overriding the built-in entity list (repeatable).", valueName: "file"))
    var entities: [String] = []

    @Option(name: .long, help: ArgumentHelp("Memory in MB for the segments being built (their postings and compressed articles, held until each is written); the process uses about 150 MB more.", valueName: "MB"))
    var memory = 256

    @Option(name: .long, help: ArgumentHelp("Segments built at the same time, each on its own thread (default: one per core).", valueName: "N"))
    var threads: Int?

    @Flag(name: .long, help: "Stop at the first bad document instead of skipping it; the index is left unchanged.")
    var strict = false

    @Flag(name: [.short, .long], help: "Print nothing but errors and warnings.")
    var quiet = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder to index") }
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256 (got \(threads))") }
        if memory < 16 || memory > 1 << 20 { throw ValidationError("--memory must be between 16 and 1048576 MB (got \(memory))") }
        if Analyzer(named: analyzer) == nil {
            throw ValidationError("unknown analyzer \"\(analyzer)\"; choose one of \(Analyzer.availableNames.joined(separator: ", "))")
        }
    }

    func run() throws {
        do { try build() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func build() throws {
        let start = Terminal.now()
        let inputs = try ArticleInputs.collect(paths)
        let totalBytes = inputs.files.reduce(0) { $0 + $1.size }
        var options = IndexWriter.Options()
        options.analyzer = Analyzer(named: analyzer)!
        options.memoryBudget = memory << 20
        options.expectedInputBytes = totalBytes
        if let threads { options.threads = threads }
        for file in entities {
            let text = try ArticleInputs.readTextFile(file, option: "--entities")
            options.entityDefinitions.append((source: file, text: text))
        }
        let writer = try IndexWriter(path: location.path, options: options)
        var progress = ProgressLine(enabled: !quiet && Terminal.stderrIsTerminal)
        var done = 0          // bytes of finished files
        var inFile = 0        // bytes read from the current file
        var skipped = 0

        for file in inputs.files {
            inFile = 0
            try ArticleInputs.forEachArticle(in: file, withSizes: { result, where_, size in
                switch result {
                case .success(let article):
                    do {
                        try writer.add(article, inputBytes: size)
                    } catch let e as NewsIndexError where e.kind == .badInput {
                        progress.clear()
                        if strict { throw NewsIndexError(.badInput, "\(where_): \(e.message)") }
                        Terminal.warning("\(where_): \(e.message); skipped")
                        skipped += 1
                    }
                case .failure(let e):
                    progress.clear()
                    if strict { throw e }
                    Terminal.warning("\(e.message); skipped")
                    skipped += 1
                }
                inFile += size
                let bytesSoFar = done + min(inFile, file.size)
                let elapsed = Terminal.now() - start
                progress.update({
                    let rate = Double(bytesSoFar) / max(elapsed, 1e-3)
                    let left = rate > 0 ? Double(totalBytes - bytesSoFar) / rate : 0
                    return "indexing: \(Format.count(writer.documentCount)) documents · \(Format.fixed(rate / 1e6, 1)) MB/s · \(Format.duration(left)) left"
                }())
            })
            done += file.size
        }
        progress.clear()
        if writer.documentCount == 0 {
            throw NewsIndexError(.badInput, "none of the input documents could be indexed, so the index at \(location.path) was left unchanged")
        }
        let summary = try writer.commit()
        let elapsed = Terminal.now() - start
        if !quiet && Terminal.stderrIsTerminal {
            var line = "Indexed \(Format.count(summary.documentCount)) documents from \(Format.count(inputs.files.count)) file\(inputs.files.count == 1 ? "" : "s") (\(Format.bytes(totalBytes))) in \(Format.duration(elapsed)) → \(location.path) (\(Format.bytes(summary.indexBytes)))"
            if skipped > 0 { line += "; \(skipped) skipped" }
            if !inputs.ignored.isEmpty { line += "; \(inputs.ignored.count) other files ignored" }
            Terminal.err(line)
        }
        if skipped > 0 {
            Terminal.warning("\(skipped) document\(skipped == 1 ? " was" : "s were") skipped (see above); the other \(Format.count(summary.documentCount)) are indexed")
            throw ExitCode(1)
        }
    }
}
