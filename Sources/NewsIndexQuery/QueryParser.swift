import Foundation

import NewsIndexCore
/// Turns a query string into a ``Query``. Syntax only: no analysis, no index access.
///
/// A recursive-descent parser over Unicode scalars:
///
/// ```
/// query   := or
/// or      := and ("OR" and)*
/// and     := unary (["AND"] unary)*
/// unary   := ("NOT" | "!" | "-") unary | "+" unary | near
/// near    := primary (("NEAR" | "NEAR/" N) primary)*
/// primary := atom ["^" boost]
/// atom    := "(" or ")" | field ":" (value | range) | phrase | word ["*" | "~" [N]]
/// range   := ("[" | "{") end "TO" end ("]" | "}")       end := word | phrase | "*"
/// phrase  := quote text quote ["~" N]
/// ```
///
/// `&&` and `||` are `AND` and `OR`, wherever they stand outside quotes (`a||b` is `a || b`); a backslash makes the next character plain text (`yahoo\!`).
///
/// A lenient parse retries after each error with the offending character or keyword read as
/// plain text, so it always ends, at worst with every character literal.
package struct QueryParser {
    package let text: String
    package let scalars: [Unicode.Scalar]
    /// Scalar indices that lose their special meaning (lenient recovery).
    private(set) var literal: Set<Int> = []
    /// Scalars escaped by a backslash (plain text), and the backslashes that escape them (dropped).
    private(set) var escaped: Set<Int> = []
    private var escapes: Set<Int> = []
    /// A backslash at the very end, which escapes nothing.
    private(set) var danglingEscape: Int?
    var i = 0
    /// Open parentheses and NOTs around the current position.
    var depth = 0
    /// Deepest nesting accepted, far beyond any real query; keeps recursion off the stack's end.
    package static let maxDepth = 100
    /// Notes a lenient parse lists one by one before it summarizes.
    package static let maxNotes = 5

    /// A parse error: what is wrong, the scalar index it is at, and what to do.
    package struct Failure: Error {
        var what: String
        var at: Int
        var hint: String
        /// The scalar a lenient parse reads as plain text to get past the error (default: `at`).
        var recover: Int? = nil
    }

    /// Seconds since the epoch that relative dates count back from, when the caller gave it.
    package let now: Int64?

    package init(_ text: String, now: Int64? = nil) {
        self.now = now
        self.text = text
        self.scalars = Array(text.unicodeScalars)
        var k = 0
        while k < scalars.count {
            if scalars[k] == "\\" {
                if k + 1 < scalars.count {
                    escapes.insert(k)
                    escaped.insert(k + 1)
                    k += 2
                    continue
                }
                danglingEscape = k
            }
            k += 1
        }
    }

    /// Characters with a meaning in a bare word, which ``escaped(_:)`` puts a backslash before.
    private static let wordSpecials: Set<Unicode.Scalar> = Set("\\\"“”„():*~^?[]{}!".unicodeScalars)

    /// `word` as a bare word that reads back as this very word: special characters, white space
    /// and a leading `-`, `+` or `/` escaped with a backslash.
    package static func escaped(_ word: String) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(word.unicodeScalars)
        for (k, c) in scalars.enumerated() {
            if wordSpecials.contains(c) || c.properties.isWhitespace || (k == 0 && (c == "-" || c == "+" || c == "/")) { out.append("\\") }
            // The first of `&&` or `||`, which would read as an operator.
            else if (c == "&" || c == "|") && k + 1 < scalars.count && scalars[k + 1] == c { out.append("\\") }
            out.append(c)
        }
        let s = String(out)
        return ["AND", "OR", "NOT", "&&", "||"].contains(s) || s.hasPrefix("NEAR") ? "\\" + s : s
    }

    /// `text` inside quotes that read back as this text: backslashes and quotes escaped.
    package static func escapedInQuotes(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for c in text.unicodeScalars {
            if c == "\\" || isQuote(c) { out.append("\\") }
            out.append(c)
        }
        return String(out)
    }

    package static func isQuote(_ c: Unicode.Scalar) -> Bool { c == "\"" || c == "\u{201C}" || c == "\u{201D}" || c == "\u{201E}" }


    package mutating func parse(lenient: Bool) throws -> Query {
        var notes: [String] = []
        var scanned = 0
        while true {
            i = 0
            depth = 0
            do {
                let node = try parseQuery()
                return Query(node: node, notes: notes, lenient: lenient)
            } catch let f as Failure {
                guard lenient else { throw error(f) }
                let k = f.recover ?? f.at
                if k >= scalars.count || literal.contains(k) {
                    // Nothing left to read differently: an empty query.
                    notes.append("the query has nothing to search for, so nothing matches")
                    return Query(node: .nothing, notes: notes, lenient: true)
                }
                scanned += scalars.count + 1
                if scanned > QueryParser.lenientScanBudget && literal.count < scalars.count {
                    // Too many errors to mend one by one: every character is plain text.
                    notes.append("read the whole query as plain words (it has too many syntax errors to mend one by one)")
                    literal = Set(scalars.indices)
                    continue
                }
                if literal.count < QueryParser.maxNotes {
                    notes.append("read \(describeAt(k)) at column \(column(of: k) + 1) as plain text (\(f.what))")
                } else if literal.count == QueryParser.maxNotes {
                    notes.append("read more characters as plain text (not listed)")
                }
                literal.insert(k)
            }
        }
    }

    private func describeAt(_ k: Int) -> String {
        if keyword(at: k) != nil { return "'\(string(k..<keywordEnd(from: k)))'" }
        return "'\(String(scalars[k]))'"
    }

    // MARK: - Scanning helpers

    var atEnd: Bool { i >= scalars.count }

    func isSpace(_ k: Int) -> Bool { scalars[k].properties.isWhitespace && !escaped.contains(k) }

    mutating func skipSpace() {
        while i < scalars.count && isSpace(i) { i += 1 }
    }

    /// True when scalar `k` is `c` with its special meaning.
    func isSpecial(_ k: Int, _ c: Unicode.Scalar) -> Bool {
        k < scalars.count && scalars[k] == c && !literal.contains(k) && !escaped.contains(k)
    }

    func isSpecialQuote(_ k: Int) -> Bool {
        k < scalars.count && QueryParser.isQuote(scalars[k]) && !literal.contains(k) && !escaped.contains(k)
    }

    /// End of the bare word starting at `k`: up to whitespace, a special parenthesis, quote, `^`,
    /// or a `&&` or `||` (operators wherever they stand, as if spaced).
    func wordEnd(from k: Int) -> Int {
        var j = k
        while j < scalars.count && !isSpace(j) && !isSpecial(j, "(") && !isSpecial(j, ")") && !isSpecialQuote(j) && !isSpecial(j, "^")
                && !isOperatorPair(j) { j += 1 }
        return j
    }

    /// True when scalars `k` and `k + 1` are `&&` or `||` with their special meaning. A single
    /// `&` or `|` (`at&t`) is part of a word.
    func isOperatorPair(_ k: Int) -> Bool {
        guard k >= 0, k + 1 < scalars.count, scalars[k] == "&" || scalars[k] == "|" else { return false }
        return isSpecial(k, scalars[k]) && isSpecial(k + 1, scalars[k])
    }

    /// Where the operator keyword at `k` (see ``keyword(at:)``) ends.
    func keywordEnd(from k: Int) -> Int {
        isOperatorPair(k) ? k + 2 : wordEnd(from: k)
    }

    /// The text of scalars `r`, without the backslashes that escape a character.
    func string(_ r: Range<Int>) -> String {
        if escapes.isEmpty { return String(String.UnicodeScalarView(scalars[r])) }
        return String(String.UnicodeScalarView(r.filter { !escapes.contains($0) || literal.contains($0) }.map { scalars[$0] }))
    }

    /// The operator keyword (AND, OR, NOT, NEAR, NEAR/N; `&&`, `||` and `!` as AND, OR and NOT)
    /// standing as a whole word at `k`, if any.
    func keyword(at k: Int) -> String? {
        if isOperatorPair(k) { return scalars[k] == "&" ? "AND" : "OR" }
        guard k < scalars.count, !literal.contains(k),
              k == 0 || isSpace(k - 1) || isSpecial(k - 1, "(") || isSpecial(k - 1, ")") || isOperatorPair(k - 2) else { return nil }
        let end = wordEnd(from: k)
        if (k..<end).contains(where: { escapes.contains($0) || escaped.contains($0) }) { return nil }
        let w = string(k..<end)
        if w == "AND" || w == "OR" || w == "NOT" || w == "NEAR" { return w }
        if w == "!" { return "NOT" }
        if w.hasPrefix("NEAR/") { return w }
        return nil
    }
}
