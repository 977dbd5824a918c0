import Testing
import NewsIndex
import NewsIndexIngest

/// The 350 ABC articles of the shared corpus, in file order.
public func leeArticles() throws -> [Article] {
    let path = SharedCorpus.leeABCNews
    let file = try #require(try ArticleInputs.collect([path]).files.first)
    var out: [Article] = []
    try ArticleInputs.forEachArticle(in: file) { result, _ in out.append(try result.get()) }
    return out
}

/// Indexes `articles` into a new index at `dir` with `threads` threads.
public func build(_ articles: [Article], at dir: String, threads: Int = 2) throws {
    var options = IndexWriter.Options()
    options.threads = threads
    let w = try IndexWriter(path: dir, options: options)
    for a in articles { try w.add(a) }
    try w.commit()
}

/// A writer that appends to the index at `dir`.
public func appendWriter(_ dir: String) throws -> IndexWriter {
    var options = IndexWriter.Options()
    options.mode = .append
    return try IndexWriter(path: dir, options: options)
}
