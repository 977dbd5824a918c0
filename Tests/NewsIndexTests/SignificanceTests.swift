import Foundation
import Testing
@testable import NewsIndex
import NewsIndexTestSupport

/// Significant words and entities: every count checked against one made here from the articles.
@Suite struct SignificanceTests {
    @Test("significant words of a query: counts equal a brute-force count over the articles, JLH recomputed, order by score; stories count a copy group once")
    func wordsMatchBruteForce() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let articles = try StoriesTests.stories()
        try build(articles, at: dir)
        let index = try IndexReader(path: dir)
        let words = articles.map { Set((index.analyzer.tokens($0.title) + index.analyzer.tokens($0.body)).map(\.term)) }
        let matching = words.indices.filter { words[$0].contains("korvany") }
        var options = SignificanceOptions()
        options.limit = 50
        let terms = try index.significantTerms(matching: Query.term("korvany"), options: options)
        #expect(terms.count >= 10)
        for t in terms {
            let fg = matching.filter { words[$0].contains(t.term) }.count
            let bg = words.filter { $0.contains(t.term) }.count
            #expect(t.foreground == fg && t.background == bg && t.foregroundTotal == matching.count && t.backgroundTotal == articles.count, "\(t.term)")
            #expect(abs(t.score - SignificantTerm.jlh(foreground: fg, foregroundTotal: matching.count, background: bg, backgroundTotal: articles.count)) < 1e-12)
            #expect(t.score > 0 && fg >= 3 && t.term != "korvany" && !StopWords.english.contains(t.term))
        }
        #expect(zip(terms, terms.dropFirst()).allSatisfy { $0.score >= $1.score })
        // A word of every story of the event but common elsewhere too does not come first.
        #expect(terms.first?.background == terms.first?.foreground)

        // Stories: each copy group once, in the matches and in the index.
        options.stories = true
        let byStory = try index.significantTerms(matching: Query.term("korvany"), options: options)
        var groupOf: [String: String] = [:]
        for a in articles { groupOf[a.id] = try index.copies(ofID: a.id).first?.id }
        func stories(_ docs: [Int], _ term: String) -> Int { Set(docs.filter { words[$0].contains(term) }.map { groupOf[articles[$0].id]! }).count }
        let storyTotal = Set(articles.map { groupOf[$0.id]! }).count
        #expect(storyTotal == articles.count - 5)
        for t in byStory {
            #expect(t.foreground == stories(matching, t.term) && t.background == stories(Array(articles.indices), t.term), "\(t.term)")
            #expect(t.backgroundTotal == storyTotal && t.foregroundTotal == Set(matching.map { groupOf[articles[$0].id]! }).count)
        }
    }

    @Test("significant entities on the seeds and the ABC articles: counts equal the stored entities of the matches; the query's own entity ranks high, a common one low", .needsSharedCorpus)
    func entitiesMatchStoredMentions() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try StoriesOnSharedCorpusTests.leeAndSeeds(at: dir)
        let index = try IndexReader(path: dir)
        var options = SignificanceOptions()
        options.minimumDocuments = 2
        options.limit = 100
        let query = try Query.parse("taiwan")
        let terms = try index.significantEntities(matching: query, options: options)
        var search = SearchOptions()
        search.limit = 1000
        let matches = try index.search(query, options: search).hits.map(\.documentNumber)
        var all: [[String]] = []
        for seg in index.segments {
            for d in 0..<seg.docCount where !seg.isDeleted(Int32(d)) {
                all.append(try index.storedArticle(seg.docBase + d).entities.map(\.name))
            }
        }
        let fgNames = try matches.map { try index.storedArticle($0).entities.map(\.name) }
        #expect(!terms.isEmpty)
        for t in terms {
            #expect(t.foreground == fgNames.filter { $0.contains(t.term) }.count, "\(t.term)")
            #expect(t.background == all.filter { $0.contains(t.term) }.count, "\(t.term)")
            #expect(t.entityType != nil)
        }
        #expect(terms.contains { $0.term == "Xi Jinping" })
    }

    @Test("terms and entities --significant from the command line: table, JSON, a usage error, help")
    func command() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(try StoriesTests.stories(), at: dir)
        let table = try CLI.run(["terms", "--query", "korvany", "--significant", "--index", dir])
        #expect(table.status == 0 && table.out.contains("jlh") && table.out.contains("matches (of 11)"))
        let json = try CLI.run(["terms", "--query", "korvany", "--significant", "--json", "--limit", "3", "--index", dir])
        let rows = try json.out.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(rows.count == 3 && rows.allSatisfy { $0["score_name"] as? String == "jlh" && ($0["foreground"] as! Int) <= ($0["background"] as! Int) })
        let bad = try CLI.run(["entities", "--significant", "--index", dir])
        #expect(bad.status == 64 && bad.err.contains("--query"))
        for command in ["terms", "entities"] {
            let help = try CLI.run([command, "--help"])
            #expect(help.out.contains("Examples:") && help.out.contains("--significant"))
        }
    }
}
