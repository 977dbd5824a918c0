import Foundation
import ArgumentParser
import NewsIndex
import NewsIndexIngest
import NewsIndexJSON

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time queries in-process: warm-up runs, then timed runs; print medians.",
        discussion: """
        Opens the index once and runs each query (one per line of --queries, or the arguments) \
        --warmup times untimed and --runs times timed, top 10 by score without snippets, as a \
        program embedding the library would (with --ids-only, without reading the stored articles). \
        Like tantivy's top-k search, it does not count every match unless --count-all is given, \
        so pruning can skip documents; hits is then a lower bound. Prints one JSON object per query: query, hits, \
        median_ms, p10_ms, p90_ms. scripts/bench uses it to compare with tantivy and SQLite FTS5.

        Examples:
          newsindex bench 'the' '"white house"' --runs 21
          newsindex bench --queries queries.txt --index /srv/news-index
          newsindex bench 'police' --count-all --collapse
          newsindex bench 'the' --trend
        """
    )

    @Argument(help: ArgumentHelp("Queries to time (in addition to --queries).", valueName: "query"))
    var queries: [String] = []

    @Option(name: .customLong("queries"), help: ArgumentHelp("A file with one query per line; - reads them from standard input and answers each line as it arrives.", valueName: "file"))
    var queriesFile: String?

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: "Timed runs per query.")
    var runs = 21

    @Option(name: .long, help: "Untimed warm-up runs per query.")
    var warmup = 3

    @Option(name: [.short, .long], help: "Hits to collect per query.")
    var limit = 10

    @Flag(name: .long, help: "Count every match (by default, as tantivy's top-k, documents that cannot reach the top hits may be skipped).")
    var countAll = false

    @Flag(name: .long, help: "One hit per story, as search --collapse (scripts/bench-stories compares it with the same search without).")
    var collapse = false

    @Flag(name: .long, help: "Time trends (the matches counted per month, as newsindex trends) instead of searches.")
    var trend = false

    @Flag(name: .long, help: "Collect document numbers and scores only, without reading the stored articles (as tantivy's and SQLite's searches return row ids).")
    var idsOnly = false

    @Flag(name: .long, help: "Add each query's hits (their ids, best first) to its line, for judging a ranking (scripts/eval-ranking).")
    var showIds = false

    @OptionGroup var rankingOptions: RankingOptions

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be 1 or more") }
        if warmup < 0 { throw ValidationError("--warmup must be 0 or more") }
        if limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        do { try bench() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func bench() throws {
        var all = queries
        let interactive = queriesFile == "-"
        if let queriesFile, !interactive {
            let text = try ArticleInputs.readTextFile(queriesFile)
            all += text.split(separator: "\n").map { String($0).trimmingCharacters() }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        if all.isEmpty && !interactive { throw ValidationError("give queries as arguments or with --queries FILE") }
        let index = try IndexReader(path: location.path)
        var options = SearchOptions()
        options.limit = limit
        options.snippets = false
        options.fetchArticles = !idsOnly
        options.countAllMatches = countAll
        options.collapse = collapse
        try rankingOptions.apply(to: &options)
        if collapse {
            let c = index.copyGroups
            Terminal.note("\(Format.count(index.documentCount)) articles, \(Format.count(c.articles)) of them with copies, in \(Format.count(c.groups)) copy groups")
        }
        for q in all { try time(q, index: index, options: options) }
        // A driver (scripts/bench) keeps the index open and asks one query at a time.
        while interactive, let line = readLine() {
            let q = line.trimmingCharacters()
            if q.isEmpty || q.hasPrefix("#") { continue }
            try time(q, index: index, options: options)
            Terminal.flushOut()
        }
    }

    private func time(_ q: String, index: IndexReader, options: SearchOptions) throws {
        let query = try Query.parse(q, now: Date())
        var hits = 0
        var ids: [String] = []
        func once() throws -> Int {
            if trend { return try index.trend(query).total }
            let results = try index.search(query, options: options)
            if showIds { ids = results.hits.map(\.id) }
            return results.totalHits
        }
        for _ in 0..<warmup { hits = try once() }
        var times: [Double] = []
        for _ in 0..<runs {
            let start = Terminal.now()
            hits = try once()
            times.append((Terminal.now() - start) * 1000)
        }
        var line = BenchLineJSON(query: q, hits: hits, milliseconds: times)
        if showIds { line.ids = ids }
        Terminal.out(try JSONOutput.line(line))
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
