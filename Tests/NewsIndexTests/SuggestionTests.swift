import Foundation
import Testing
@testable import NewsIndex
import NewsIndexJSON
import NewsIndexTestSupport

@Suite("Did you mean")
struct SuggestionTests {
    @Test("did you mean: close words with the most documents, only when nothing matches")
    func suggestions() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(QuerySemanticsTests.dated)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let none = try index.search(Query.parse("harbur"))
            #expect(none.totalHits == 0)
            #expect(none.suggestions == ["harbour"])
            #expect(try index.search(Query.parse("harbur strke")).suggestions == ["harbour strike"])
            #expect(try index.search(Query.parse("\"harbur strke\"")).suggestions == ["\"harbour strike\""])
            #expect(try index.search(Query.parse("title:stike -flood")).suggestions == ["title:strike -flood"])
            #expect(try index.search(Query.parse("harbour")).suggestions.isEmpty, "no suggestion when something matches")
            #expect(try index.search(Query.parse("zzzzzzzz")).suggestions.isEmpty, "no word is close")
            #expect(try index.suggestions(for: Query.parse("councl budgt")) == ["council budget"])
            // A prefix is replaced as its word; a short word 2 edits away when none is 1 away.
            #expect(try index.search(Query.parse("harbur*")).suggestions == ["harbour*"])
            #expect(try index.search(Query.parse("flud")).suggestions.contains("flood"))
            // Operators in small letters are words; the suggestion writes them as operators.
            #expect(try index.search(Query.parse("harbour or flood")).suggestions == ["harbour OR flood"])
            #expect(try index.search(Query.parse("harbour not strike")).suggestions == ["harbour NOT strike"])
            #expect(try index.search(Query.parse("harbur or flood")).suggestions == ["harbur OR flood", "harbour or flood"])
            #expect(Suggester.withOperators(try Query.parse("title:or flood or rock-and-roll")) == "title:or flood OR rock-and-roll")
            #expect(try index.search(Query.parse("\"harbour or flood\"")).suggestions.allSatisfy { !$0.contains("OR") })
            // The JSON of the results carries them.
            let json = try JSONOutput.line(SearchResultsJSON(none))
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            #expect(object?["suggestions"] as? [String] == ["harbour"])
            #expect(object?["notes"] as? [String] == [])
            #expect(try JSONDecoder().decode(SearchResultsJSON.self, from: Data(json.utf8)).suggestions == ["harbour"])
        }
    }

    @Test("newsindex search prints did-you-mean and notes on stderr")
    func commandLine() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(QuerySemanticsTests.dated)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = index
        let r = try CLI.run(["search", "harbur", "--index", dir])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("0 matches"))
        #expect(r.err.contains("no matches; did you mean: harbour?"), "\(r.err)")
        let json = try CLI.run(["search", "harbur", "--index", dir, "--json"])
        #expect(json.status == 0 && json.out.isEmpty)
        #expect(json.err.contains("did you mean: harbour?"))
        // --json-results: one object, the suggestions in it.
        let page = try CLI.run(["search", "harbur", "--index", dir, "--json-results"])
        let object = try JSONSerialization.jsonObject(with: Data(page.out.utf8)) as? [String: Any]
        #expect(page.status == 0 && object?["suggestions"] as? [String] == ["harbour"] && object?["total_hits"] as? Int == 0, "\(page.out)")
        let hits = try CLI.run(["search", "harbour", "--index", dir, "--json-results", "--limit", "2"])
        let decoded = try JSONDecoder().decode(SearchResultsJSON.self, from: Data(hits.out.utf8))
        #expect(decoded.hits.count == 2 && decoded.totalHits == 3 && decoded.suggestions.isEmpty)
        #expect(try CLI.run(["search", "harbour", "--index", dir, "--json-results", "--json"]).status == 64)
        let found = try CLI.run(["search", "harbur~1", "--index", dir])
        #expect(found.out.hasPrefix("3 matches") && !found.err.contains("did you mean"), "\(found.out)\(found.err)")
        let bad = try CLI.run(["search", "str?ng", "--index", dir])
        #expect(bad.status != 0 && bad.err.contains("? wildcards are not supported"))
        // A query that starts with - is read as an option: the error says to put -- first.
        let dash = try CLI.run(["search", "--index", dir, "-council budget"])
        #expect(dash.status == 64 && dash.err.contains("goes after --"), "\(dash.err)")
        // With an h in it, it would print the help (-h): a space marks it as a query.
        let help = try CLI.run(["search", "--index", dir, "-harbour strike"])
        #expect(help.status == 64 && help.err.contains("goes after --") && help.out.isEmpty, "\(help.status) \(help.err)")
        // One word after one dash reaches the option parser, whose error gets the hint too; a
        // misspelt long option does not.
        let word = try CLI.run(["search", "--index", dir, "-council"])
        #expect(word.status == 64 && word.err.contains("goes after --"), "\(word.err)")
        let typo = try CLI.run(["search", "--index", dir, "--limt", "3", "harbour"])
        #expect(typo.status == 64 && !typo.err.contains("goes after --"), "\(typo.err)")
        let after = try CLI.run(["search", "--index", dir, "--", "-harbour council"])
        #expect(after.status == 0 && !after.err.contains("goes after --"), "\(after.err)")
    }
}
