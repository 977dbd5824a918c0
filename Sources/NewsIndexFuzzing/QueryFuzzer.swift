import Foundation
import NewsIndex

/// The query target: any text must parse or fail with a `.badQuery` error, and searching the
/// fixture index with what parsed must return or throw a `NewsIndexError`.
package struct QueryFuzzer {
    /// Real queries the mutations start from.
    package static let seeds = FuzzFixture.queries + [
        "\"never closed", "((harbour)", "harbour)", "a AND", "OR b", "NOT NOT x", "-", "+x -y", "date:now-7d",
        "date:>2022-12-30T10:00Z", "date:..2023", "date:2023-02-30", "x NEAR/0 y", "x NEAR/10001 y", "NEAR/3",
        "title:(a OR \"b c\")", "url:x", "source:www.bbc.co.uk", "source:\"Al Jazeera\"", "source:(a.com OR b*)", "entity:Putin NEAR/2 xi", "“curly quotes”", "word~3", "*", "a**", "title:",
        "x:y", "\"a\"~", "\"a b\"~99999999999999999999", "date:", "date:<=now-100000y", "date:9999-12-31..",
        "(((a) OR (b)) AND NOT (c OR d))", "putin NEAR/3 (xi)", "日本語 テスト", "emoji 👨‍👩‍👧 ok",
    ]

    /// Pieces of syntax the generator glues together.
    static let fragments = ["(", ")", "\"", "“", "”", "AND", "OR", "NOT", "NEAR", "NEAR/", "NEAR/3", "-", "+", "*", "~", "~2",
                            ":", "title:", "body:", "entity:", "date:", "url:", "source:", "..", ">=", "<", "now-3d", "2022", "2022-12-31",
                            "harbour", "strike", "putin", "Xi Jinping", "strat", " ", "  ", "\t", "\n", "\u{0}", "\u{FFFD}",
                            "é", "e\u{301}", "\u{200D}", "🇦🇺", "ß", "İ", "99999999999999999999", "-1", "0"]

    let index: IndexReader?

    /// A fuzzer that also searches `index` (nil: parse only).
    package init(index: IndexReader?) { self.index = index }

    /// A random query: a mutated seed, a string of syntax fragments, random bytes or scalars, or
    /// a pathological shape (deep nesting, long chains, very long words) unless `longInputs` is false.
    package static func generate(_ rng: inout FuzzRandom, longInputs: Bool = true) -> String {
        switch rng.below(longInputs ? 20 : 16) {
        case 0..<7:
            var s = Array(seeds[rng.below(seeds.count)].unicodeScalars)
            for _ in 0...rng.below(4) { mutate(&s, &rng) }
            return String(String.UnicodeScalarView(s))
        case 7..<12:
            return (0..<(1 + rng.below(12))).map { _ in
                fragments[rng.below(fragments.count)] + (rng.oneIn(2) ? " " : "")
            }.joined()
        case 12..<14:
            let bytes = (0..<rng.below(40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            return String(decoding: bytes, as: UTF8.self)
        case 14..<16:
            return String(String.UnicodeScalarView((0..<rng.below(30)).compactMap { _ in
                Unicode.Scalar(UInt32(rng.oneIn(2) ? rng.below(0x80) : rng.below(0x3_0000)))
            }))
        default:
            return pathological(&rng)
        }
    }

    static func pathological(_ rng: inout FuzzRandom) -> String {
        // Up to 100,000 repetitions of one character, 50,000 characters of longer patterns: long
        // enough to catch recursion and quadratic work, short enough that linear work in a debug
        // build (about 25 µs per "x OR ") stays well under the hang limit.
        let n = [10, 99, 100, 101, 1_000, 10_000, 100_000][rng.below(7)]
        func r(_ s: String) -> String { String(repeating: s, count: s.count == 1 ? n : min(n, 50_000 / s.count)) }
        switch rng.below(12) {
        case 0: return r("(")
        case 1: return r("(") + "x" + r(")")
        case 2: return r("NOT ") + "x"
        case 3: return "x" + r(" OR x")
        case 4: return "x" + r(" NEAR/2 x")
        case 5: return r("\"")
        case 6: return r("-") + "x"
        case 7: return r("a")
        case 8: return r("(x ") + r(")")
        case 9: return r("title:(")
        case 10: return r("x AND ")
        default: return r(")")
        }
    }

    static func mutate(_ s: inout [Unicode.Scalar], _ rng: inout FuzzRandom) {
        let piece = Array(fragments[rng.below(fragments.count)].unicodeScalars)
        let at = rng.below(s.count + 1)
        switch rng.below(5) {
        case 0: s.insert(contentsOf: piece, at: at)
        case 1: if at < s.count { s.removeSubrange(at..<min(s.count, at + 1 + rng.below(4))) }
        case 2: if at < s.count, let c = Unicode.Scalar(UInt32(rng.below(0x80))) { s[at] = c }
        case 3: if at < s.count { s.insert(contentsOf: s[at..<min(s.count, at + 1 + rng.below(8))], at: rng.below(s.count + 1)) }
        default: s.append(contentsOf: Array(seeds[rng.below(seeds.count)].unicodeScalars))
        }
    }

    /// Runs one query: strict and lenient parse, then searches with varied options.
    /// Returns nil when everything behaved, else what went wrong.
    package func check(_ text: String, variant: Int = 0) -> FuzzFailure? {
        func fail(_ problem: String) -> FuzzFailure {
            FuzzFailure(input: "query \(QueryFuzzer.quoted(text))", problem: problem)
        }
        for lenient in [false, true] {
            let query: Query
            do {
                query = try Query.parse(text, lenient: lenient)
            } catch let e as NewsIndexError {
                if lenient { return fail("the lenient parse threw: \(e.message)") }
                if e.kind != .badQuery { return fail("the parse threw \(e.kind) instead of badQuery: \(e.message)") }
                continue
            } catch {
                return fail("the parse threw a \(type(of: error)), not a NewsIndexError: \(error)")
            }
            _ = query.description
            guard let index else { continue }
            var options = SearchOptions()
            options.limit = [0, 1, 5, 50][(variant + (lenient ? 1 : 0)) % 4]
            options.offset = variant % 7 == 3 ? 2 : 0
            options.order = variant % 3 == 1 ? .date : .score
            options.countAllMatches = variant % 2 == 0
            options.entityFacets = variant % 5 == 2
            options.sourceFacets = variant % 5 >= 2
            options.explain = variant % 11 == 5
            options.snippets = variant % 13 != 0
            do {
                _ = try index.search(query, options: options)
            } catch let e as NewsIndexError {
                // A healthy index: the only acceptable complaint is about the query.
                if e.kind != .badQuery { return fail("the search threw \(e.kind) instead of badQuery: \(e.message)") }
            } catch {
                return fail("the search threw a \(type(of: error)), not a NewsIndexError: \(error)")
            }
        }
        return nil
    }

    /// `text` in quotes with escapes, shortened when very long (for reports).
    static func quoted(_ text: String) -> String {
        let shown = text.unicodeScalars.count > 200
            ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(200))) + "… (\(text.unicodeScalars.count) scalars)"
            : text
        return shown.debugDescription
    }
}
