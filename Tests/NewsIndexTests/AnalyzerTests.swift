import Testing
@testable import NewsIndex
import NewsIndexTestSupport

@Suite("News analyzer")
struct AnalyzerTests {
    func terms(_ s: String, _ a: Analyzer = .news) -> [String] { a.tokens(s).map(\.term) }

    @Test("case and diacritic folding")
    func folding() {
        #expect(terms("Öne Çıkan") == ["one", "cikan"])
        #expect(terms("Łódź São Paulo Erdoğan Müller İstanbul Straße Ærø") ==
                ["lodz", "sao", "paulo", "erdogan", "muller", "istanbul", "strasse", "aero"])
        #expect(terms("ZELENSKYY Tymoshenko") == ["zelenskyy", "tymoshenko"])
    }

    @Test("straight and curly apostrophes, possessives and inner apostrophes")
    func apostrophes() {
        #expect(terms("Xi's") == ["xi"])
        #expect(terms("Xi’s") == ["xi"])
        #expect(terms("Xi") == ["xi"])
        #expect(terms("Moscow’s countries’ ‘Western pressure’") == ["moscow", "countries", "western", "pressure"])
        #expect(terms("don't Xi'an O’Brien") == ["dont", "xian", "obrien"])
        // The possessive's range covers the word only.
        let t = Analyzer.news.tokens("Xi’s visit")
        #expect(t[0].byteRange == 0..<2)
    }

    @Test("hyphens and slashes split into consecutive positions")
    func hyphens() {
        let t = Analyzer.news.tokens("the Russian-Chinese partnership")
        #expect(t.map(\.term) == ["the", "russian", "chinese", "partnership"])
        #expect(t.map(\.position) == [0, 1, 2, 3])
        #expect(terms("10-month-long Shahed-131/136 U.S.-led") == ["10", "month", "long", "shahed", "131", "136", "us", "led"])
    }

    @Test("numbers stay whole")
    func numbers() {
        #expect(terms("24 3,392 1.7 15,000 in 2022.") == ["24", "3392", "1.7", "15000", "in", "2022"])
        #expect(terms("1,2,3") == ["1", "2", "3"])
        #expect(terms("2022-12-30") == ["2022", "12", "30"])
    }

    @Test("acronyms, stop words kept, punctuation dropped")
    func misc() {
        #expect(terms("the U.S. and the U.K. met") == ["the", "us", "and", "the", "uk", "met"])
        #expect(terms("the strength of the") == ["the", "strength", "of", "the"])
        #expect(terms("“crisis”, (he said) — ok!? 🙂") == ["crisis", "he", "said", "ok"])
        #expect(terms(String(repeating: "a", count: 101) + " short") == ["short"])
    }

    @Test("byte ranges slice back to their terms")
    func ranges() {
        let text = "A harbour’s café in Zürich re-opened on Monday; 1,250 dockers (and the U.S. envoy) cheered."
        let utf8 = Array(text.utf8)
        for t in Analyzer.news.tokens(text) {
            let slice = String(decoding: utf8[t.byteRange], as: UTF8.self)
            #expect(Analyzer.news.tokens(slice).map(\.term) == [t.term], "\(slice)")
        }
    }

    @Test("simple analyzer matches tantivy's default tokenizer")
    func simple() {
        #expect(terms("Xi's Russian-Chinese Öne 3,392", .simple) == ["xi", "s", "russian", "chinese", "öne", "3", "392"])
        #expect(terms(String(repeating: "b", count: 39) + " " + String(repeating: "c", count: 40), .simple) == [String(repeating: "b", count: 39)])
    }

    @Test("simple analyzer: random text gives the lower-cased runs of letters and digits", arguments: [4, 5])
    func simpleReference(seed: UInt64) {
        // The reference splits on scalars that are neither alphabetic nor numeric and lower-cases
        // each run whole, which the tokenizer's ASCII fast path must agree with.
        var rng = SeededRandom(seed: seed)
        let alphabet: [Character] = Array("abcdefghXYZ0129 .,-'’/\n\téÇıΣσ中文🙂") + ["e\u{0301}"]
        func isWord(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil }
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0...60, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            var expected: [String] = []
            var run = ""
            for s in text.unicodeScalars {
                if isWord(s) { run.unicodeScalars.append(s); continue }
                if !run.isEmpty { expected.append(run.lowercased()); run = "" }
            }
            if !run.isEmpty { expected.append(run.lowercased()) }
            #expect(terms(text, .simple) == expected.filter { $0.utf8.count < 40 }, "\(text.debugDescription)")
        }
    }

    @Test("random text never crashes and yields valid ranges", arguments: [1, 2, 3])
    func random(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabet: [Character] = Array("abcXYZ019 .,-'’‘“”/\n\té\u{301}Çı中文🙂ʼ") + ["e\u{0301}"]
        for _ in 0..<2000 {
            let s = String((0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let count = s.utf8.count
            var last = -1
            var lastEnd = 0
            for t in Analyzer.news.tokens(s) {
                #expect(t.position == last + 1)
                #expect(t.byteRange.lowerBound >= lastEnd && t.byteRange.upperBound <= count && !t.byteRange.isEmpty)
                #expect(!t.term.isEmpty)
                last = t.position
                lastEnd = t.byteRange.upperBound
            }
        }
    }
}
