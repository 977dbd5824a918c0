import Foundation
import Testing
@testable import NewsIndex
import NewsIndexJSON

/// The JSON types: absent values as `null`, stable key order, offsets in Unicode scalars.
@Suite("JSON output types")
struct JSONOutputTests {
    func hit(date: ArticleDate?, url: String?, explanation: Explanation? = nil) -> SearchHit {
        let text = "née à Paris / Lyon"
        let start = text.range(of: "Paris")!
        return SearchHit(rank: 1, score: 2, id: "a\"1", title: "T\n", date: date, url: url, source: nil,
                         snippet: Snippet(text: text, highlights: [start]), documentNumber: 0, explanation: explanation)
    }

    @Test("a hit without date, url and explanation: nulls, no explanation key, sorted keys")
    func hitWithoutOptionals() throws {
        let line = try JSONOutput.line(SearchHitJSON(hit(date: nil, url: nil)))
        #expect(line == #"{"date":null,"highlights":[[6,11]],"id":"a\"1","rank":1,"score":2,"snippet":"née à Paris / Lyon","source":null,"title":"T\n","url":null}"#)
    }

    @Test("a hit with date, url and explanation round-trips through JSONDecoder")
    func hitRoundTrip() throws {
        let e = Explanation(value: 1.5, text: "sum of:", details: [Explanation(value: 1.5, text: "idf")])
        let json = SearchHitJSON(hit(date: ArticleDate(secondsSinceEpoch: 1_672_387_200, text: "x"), url: "https://x/y", explanation: e))
        let line = try JSONOutput.line(json)
        #expect(line.contains(#""date":"2022-12-30""#) && line.contains(#""url":"https://x/y""#))
        #expect(try JSONDecoder().decode(SearchHitJSON.self, from: Data(line.utf8)) == json)
        // The same value encodes to the same bytes every time (Linux's JSONEncoder has no insertion order).
        for _ in 0..<5 { #expect(try JSONOutput.line(json) == line) }
    }

    @Test("a check problem without offset writes null; bench percentiles are nearest-rank, 4 decimals")
    func checkAndBench() throws {
        let p = CheckReportJSON.Problem(IndexProblem(file: "i/x.doc", offset: nil, message: "bad"))
        #expect(try JSONOutput.line(p) == #"{"file":"i/x.doc","message":"bad","offset":null}"#)
        let b = BenchLineJSON(query: "q", hits: 3, milliseconds: [5, 1, 4, 2, 3.123456])
        #expect(b.medianMs == 3.1235 && b.p10Ms == 1 && b.p90Ms == 5)
        #expect(try JSONOutput.line(b) == #"{"hits":3,"median_ms":3.1235,"p10_ms":1,"p90_ms":5,"query":"q"}"#)
    }
}
