import Foundation
import Testing
import NewsIndex   // public API only, as an embedding tool sees it
import NewsIndexTestSupport

// README-SNIPPET-BEGIN
func searchHarbourNews(indexPath: String) throws -> [String] {
    let writer = try IndexWriter(path: indexPath)
    try writer.add(Article(id: "h1", title: "Harbour strike ends",
                           body: "Dockers accepted the pay deal and the harbour strike ended on Thursday."))
    try writer.add(Article(id: "h2", title: "Ferries resume",
                           body: "Ferries resumed a day after the strike.",
                           date: ArticleDate(parsing: "2024-03-15")))
    try writer.commit()

    let index = try IndexReader(path: indexPath)
    let results = try index.search("\"harbour strike\" dockers", limit: 10)
    var lines: [String] = []
    for hit in results.hits {
        lines.append("\(hit.rank) \(hit.id) \(hit.score) \(hit.title) | \(hit.snippet.text)")
    }
    return lines
}
// README-SNIPPET-END

@Suite("Library example")
struct LibraryExampleTests {
    @Test("the README's library snippet compiles, runs and finds the article")
    func readmeSnippet() throws {
        let dir = temporaryDirectory("library")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try searchHarbourNews(indexPath: dir + "/idx")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("1 h1 ") == true)
        // The README shows this very code.
        let me = try String(contentsOfFile: #filePath, encoding: .utf8)
        let snippet = me.components(separatedBy: "// README-SNIPPET-BEGIN\n")[1].components(separatedBy: "// README-SNIPPET-END")[0]
        let readme = try String(contentsOfFile: CLI.packageRoot.appendingPathComponent("README.md").path, encoding: .utf8)
        #expect(readme.contains(snippet), "README.md must show the snippet from LibraryExampleTests.swift")
    }
}
