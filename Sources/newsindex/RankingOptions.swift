import ArgumentParser
import NewsIndex

extension SearchOptions.Ranking: ExpressibleByArgument {}

/// `--ranking` and `--recency`, shared by `search` and `bench`.
struct RankingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("How hits are scored: news (BM25F over title and body with the lead, word forms and proximity; the default) or bm25 (Lucene's BM25, as Lucene and tantivy score).", valueName: "news|bm25"))
    var ranking: SearchOptions.Ranking = .news

    @Option(name: .long, help: ArgumentHelp("Prefer newer articles: an article this old keeps 3/4 of its score, a very old or undated one 1/2 (news ranking only): 12h, 7d, 2w, 3m, 1y.", valueName: "age"))
    var recency: String?

    func validate() throws {
        if recency != nil && ranking != .news { throw ValidationError("--recency works with the news ranking only (drop --ranking bm25)") }
        if let recency {
            do { _ = try SearchOptions.Recency(parsing: recency) } catch let e as NewsIndexError { throw ValidationError(e.message) }
        }
    }

    /// `options` with the ranking and recency set.
    func apply(to options: inout SearchOptions) throws {
        options.ranking = ranking
        options.recency = try recency.map { try SearchOptions.Recency(parsing: $0) }
    }
}
