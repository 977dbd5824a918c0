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
/// `&&` and `||` are `AND` and `OR`; a backslash makes the next character plain text (`yahoo\!`).
///
/// A lenient parse retries after each error with the offending character or keyword read as
/// plain text, so it always ends, at worst with every character literal.
package struct QueryParser {
    package let text: String
    package let scalars: [Unicode.Scalar]
    /// Scalar indices that lose their special meaning (lenient recovery).
    private var literal: Set<Int> = []
    /// Scalars escaped by a backslash (plain text), and the backslashes that escape them (dropped).
    private var escaped: Set<Int> = []
    private var escapes: Set<Int> = []
    /// A backslash at the very end, which escapes nothing.
    private var danglingEscape: Int?
    private var i = 0
    /// Open parentheses and NOTs around the current position.
    private var depth = 0
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
        for (k, c) in word.unicodeScalars.enumerated() {
            if wordSpecials.contains(c) || c.properties.isWhitespace || (k == 0 && (c == "-" || c == "+" || c == "/")) { out.append("\\") }
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
        if keyword(at: k) != nil { return "'\(string(k..<wordEnd(from: k)))'" }
        return "'\(String(scalars[k]))'"
    }

    // MARK: - Scanning helpers

    private var atEnd: Bool { i >= scalars.count }

    private func isSpace(_ k: Int) -> Bool { scalars[k].properties.isWhitespace && !escaped.contains(k) }

    private mutating func skipSpace() {
        while i < scalars.count && isSpace(i) { i += 1 }
    }

    /// True when scalar `k` is `c` with its special meaning.
    private func isSpecial(_ k: Int, _ c: Unicode.Scalar) -> Bool {
        k < scalars.count && scalars[k] == c && !literal.contains(k) && !escaped.contains(k)
    }

    private func isSpecialQuote(_ k: Int) -> Bool {
        k < scalars.count && QueryParser.isQuote(scalars[k]) && !literal.contains(k) && !escaped.contains(k)
    }

    /// End of the bare word starting at `k`: up to whitespace, a special parenthesis, quote or `^`.
    private func wordEnd(from k: Int) -> Int {
        var j = k
        while j < scalars.count && !isSpace(j) && !isSpecial(j, "(") && !isSpecial(j, ")") && !isSpecialQuote(j) && !isSpecial(j, "^") { j += 1 }
        return j
    }

    /// The text of scalars `r`, without the backslashes that escape a character.
    private func string(_ r: Range<Int>) -> String {
        if escapes.isEmpty { return String(String.UnicodeScalarView(scalars[r])) }
        return String(String.UnicodeScalarView(r.filter { !escapes.contains($0) || literal.contains($0) }.map { scalars[$0] }))
    }

    /// The operator keyword (AND, OR, NOT, NEAR, NEAR/N; `&&`, `||` and `!` as AND, OR and NOT)
    /// standing as a whole word at `k`, if any.
    private func keyword(at k: Int) -> String? {
        guard k < scalars.count, !literal.contains(k), k == 0 || isSpace(k - 1) || isSpecial(k - 1, "(") || isSpecial(k - 1, ")") else { return nil }
        let end = wordEnd(from: k)
        if (k..<end).contains(where: { escapes.contains($0) || escaped.contains($0) }) { return nil }
        let w = string(k..<end)
        if w == "AND" || w == "OR" || w == "NOT" || w == "NEAR" { return w }
        if w == "&&" { return "AND" }
        if w == "||" { return "OR" }
        if w == "!" { return "NOT" }
        if w.hasPrefix("NEAR/") { return w }
        return nil
    }

    private func startsPart(_ k: Int) -> Bool {
        k < scalars.count && !isSpecial(k, ")") && keyword(at: k).map { $0 == "NOT" } ?? true
    }

    // MARK: - Grammar

    private mutating func parseQuery() throws -> Query.Node {
        skipSpace()
        if atEnd {
            throw Failure(what: "the query is empty", at: scalars.count, hint: "Give at least one word or \"quoted phrase\".")
        }
        if let k = danglingEscape, !literal.contains(k) {
            throw Failure(what: "a \\ at the end escapes nothing", at: k, hint: "Remove it, or write \\\\ to search for a backslash.")
        }
        let node = try parseOr(field: nil)
        skipSpace()
        if !atEnd {
            if isSpecial(i, ")") {
                throw Failure(what: "this parenthesis closes nothing", at: i, hint: "Remove it or add the matching \"(\" before it.")
            }
            throw Failure(what: "unexpected text here", at: i, hint: "Check the operators and parentheses around it.")
        }
        return node
    }

    private mutating func parseOr(field: Query.Field?) throws -> Query.Node {
        skipSpace()
        if let k = keyword(at: i), k == "OR" || k == "AND" {
            throw Failure(what: "\(k) needs a part before it", at: i, hint: "Put a word or phrase before \(k), or remove it.")
        }
        var branches = [try parseAnd(field: field)]
        while true {
            skipSpace()
            guard keyword(at: i) == "OR" else { break }
            let at = i
            i = wordEnd(from: i)
            skipSpace()
            if !startsPart(i) {
                throw Failure(what: "OR needs a part after it", at: at, hint: "Put a word or phrase after OR, or remove it.",
                              recover: keyword(at: i) != nil ? i : at)
            }
            branches.append(try parseAnd(field: field))
        }
        return branches.count == 1 ? branches[0] : .or(branches)
    }

    private mutating func parseAnd(field: Query.Field?) throws -> Query.Node {
        var items: [Query.Node] = []
        skipSpace()
        let groupStart = i
        var firstPositive = false
        while true {
            skipSpace()
            if atEnd || isSpecial(i, ")") { break }
            if let k = keyword(at: i) {
                if k == "OR" { break }
                if k == "AND" {
                    let at = i
                    i = wordEnd(from: i)
                    skipSpace()
                    if items.isEmpty {
                        throw Failure(what: "AND needs a part before it", at: at, hint: "Put a word or phrase before AND, or remove it.")
                    }
                    if !startsPart(i) {
                        throw Failure(what: "AND needs a part after it", at: at, hint: "Put a word or phrase after AND, or remove it.",
                                      recover: keyword(at: i) != nil ? i : at)
                    }
                    continue
                }
                if k.hasPrefix("NEAR") {
                    throw Failure(what: "\(k) needs a word or phrase before it", at: i, hint: "Write it between two words or phrases: putin NEAR/3 xi.")
                }
            }
            let item = try parseUnary(field: field)
            if case .not = item {} else { firstPositive = true }
            items.append(item)
        }
        if items.isEmpty {
            throw Failure(what: "a part is missing here", at: min(groupStart, scalars.count), hint: "Put a word or phrase here.")
        }
        if !firstPositive {
            throw Failure(what: "this group only excludes, so there is nothing to exclude from",
                          at: groupStart, hint: "Add a word or phrase to search for, e.g. taiwan -samarkand.")
        }
        return items.count == 1 ? items[0] : .and(items)
    }

    private mutating func parseUnary(field: Query.Field?) throws -> Query.Node {
        skipSpace()
        if keyword(at: i) == "NOT" {
            let at = i
            try enter(at)
            defer { depth -= 1 }
            i = wordEnd(from: i)
            skipSpace()
            if !startsPart(i) {
                throw Failure(what: "NOT needs a part after it", at: at, hint: "Put the word or phrase to exclude after NOT.")
            }
            let inner = try parseUnary(field: field)
            if case .not(let n) = inner { return n }
            return .not(inner)
        }
        if (isSpecial(i, "-") || isSpecial(i, "+") || isSpecial(i, "!")) {
            let sign = scalars[i]
            let at = i
            if i + 1 >= scalars.count || isSpace(i + 1) || isSpecial(i + 1, ")") {
                throw Failure(what: "\"\(sign)\" must stand right before a word or phrase", at: at,
                              hint: sign == "+" ? "Write +word to require a word." : "Write \(sign)word to exclude a word.")
            }
            i += 1
            let inner = try parseNear(field: field)
            if sign == "+" { return inner }
            if case .not(let n) = inner { return n }
            return .not(inner)
        }
        return try parseNear(field: field)
    }

    private mutating func enter(_ at: Int) throws {
        depth += 1
        if depth > QueryParser.maxDepth {
            throw Failure(what: "the query nests parentheses or NOTs more than \(QueryParser.maxDepth) deep", at: at,
                          hint: "Simplify the query.")
        }
    }

    package static func field(of n: Query.Node) -> Query.Field? {
        switch n {
        case .term(_, let f), .prefix(_, let f), .phrase(_, let f, _), .fuzzy(_, let f, _): return f
        case .termRange(let f, _, _, _, _): return f
        case .boost(let n, _): return field(of: n)
        case .near(let a, let b, _): return field(of: a) ?? field(of: b)
        default: return nil
        }
    }

    private static func isPositional(_ n: Query.Node) -> Bool {
        switch n {
        case .term, .prefix, .near: return true
        case .phrase(_, _, let slop): return slop == 0
        default: return false
        }
    }

    private mutating func parseNear(field: Query.Field?) throws -> Query.Node {
        let leftAt = i
        var left = try parsePrimary(field: field)
        let depthBefore = depth
        defer { depth = depthBefore }
        while true {
            let save = i
            skipSpace()
            guard let k = keyword(at: i), k.hasPrefix("NEAR") else { i = save; break }
            let at = i
            var distance = 10
            if k != "NEAR" {
                guard let n = Int(k.dropFirst(5)), n >= 1, n <= 10_000 else {
                    throw Failure(what: "\(k) needs a distance from 1 to 10000", at: at, hint: "Write NEAR/N with a number, e.g. putin NEAR/3 xi.")
                }
                distance = n
            }
            guard QueryParser.isPositional(left) else {
                throw Failure(what: "\(k) joins words and exact phrases only", at: leftAt, hint: "Put a word, \"exact phrase\" or prefix* on both sides.", recover: at)
            }
            try enter(at)
            i += k.unicodeScalars.count
            skipSpace()
            if !startsPart(i) || keyword(at: i) != nil {
                throw Failure(what: "\(k) needs a word or phrase after it", at: at, hint: "Write it between two words or phrases: putin NEAR/3 xi.")
            }
            if isSpecial(i, "-") || isSpecial(i, "+") {
                throw Failure(what: "\(k) cannot take an excluded or required part", at: i,
                              hint: "Exclude outside the NEAR group: putin NEAR/3 xi -taiwan.")
            }
            let rightAt = i
            let right = try parsePrimary(field: field)
            guard QueryParser.isPositional(right) else {
                throw Failure(what: "\(k) joins words and exact phrases only", at: rightAt, hint: "Put a word, \"exact phrase\" or prefix* on both sides.", recover: at)
            }
            if let a = QueryParser.field(of: left), let b = QueryParser.field(of: right), a != b {
                throw Failure(what: "\(k) joins parts of one field, not \(a.rawValue): and \(b.rawValue):", at: rightAt,
                              hint: "Search both in one field: title:(putin NEAR/3 xi).", recover: at)
            }
            left = .near(left, right, distance: distance)
        }
        return left
    }

    private mutating func parsePrimary(field: Query.Field?) throws -> Query.Node {
        let atom = try parseAtom(field: field)
        return try parseBoost(atom)
    }

    private mutating func parseAtom(field: Query.Field?) throws -> Query.Node {
        skipSpace()
        if isSpecial(i, "(") {
            let open = i
            try enter(open)
            defer { depth -= 1 }
            i += 1
            skipSpace()
            if isSpecial(i, ")") {
                throw Failure(what: "the parentheses are empty", at: open, hint: "Put words between them or remove them.")
            }
            if atEnd {
                throw Failure(what: "the parenthesis opened here is never closed", at: open, hint: "Add a \")\" or remove the \"(\".")
            }
            let inner = try parseOr(field: field)
            skipSpace()
            guard isSpecial(i, ")") else {
                throw Failure(what: "the parenthesis opened here is never closed", at: open, hint: "Add a \")\" or remove the \"(\".")
            }
            i += 1
            return inner
        }
        if isSpecialQuote(i) { return try parsePhrase(field: field) }
        if isSpecial(i, ")") {
            throw Failure(what: "this parenthesis closes nothing", at: i, hint: "Remove it or add the matching \"(\" before it.")
        }
        // A field?
        var j = i
        while j < scalars.count && (scalars[j].properties.isAlphabetic) && scalars[j].isASCII { j += 1 }
        if j > i && isSpecial(j, ":") {
            let name = string(i..<j)
            let at = i
            if name.lowercased() == "similar" {
                if field != nil {
                    throw Failure(what: "similar: cannot stand inside a field", at: at, hint: "Move similar:ID out of the field's parentheses.", recover: j)
                }
                i = j + 1
                return try parseSimilar(at: at, colon: j)
            }
            if name.lowercased() == "date" {
                if field != nil {
                    throw Failure(what: "date: cannot stand inside another field", at: at, hint: "Move the date filter out of the field's parentheses.", recover: j)
                }
                i = j + 1
                if isSpecial(i, "[") || isSpecial(i, "{") { return try parseDateRange(fieldAt: at, colon: j) }
                return try parseDate(fieldAt: at, colon: j)
            }
            guard let f = Query.Field(rawValue: name.lowercased()) else {
                let known = (Query.Field.allCases.map(\.rawValue) + ["date", "similar"]).joined(separator: ", ")
                throw Failure(what: "there is no field \"\(name)\"", at: at, hint: "The fields are \(known). To search for the text itself, put it in quotes.", recover: j)
            }
            if let outer = field, outer != f {
                throw Failure(what: "\(name): cannot stand inside \(outer.rawValue):(…)", at: at, hint: "Use one field per group.", recover: j)
            }
            i = j + 1
            if atEnd || isSpace(i) || isSpecial(i, ")") {
                throw Failure(what: "\(name): needs a value right after the colon", at: at, hint: "Write \(name):word, \(name):\"a phrase\" or \(name):(a OR b).", recover: j)
            }
            if isSpecial(i, "-") || isSpecial(i, "+") || isSpecial(i, "!") {
                throw Failure(what: "put \(scalars[i]) before the field, not after the colon", at: i,
                              hint: "Write \(scalars[i])\(name):word.", recover: j)
            }
            if isSpecial(i, "[") || isSpecial(i, "{") { return try parseTermRange(f, fieldAt: at, colon: j) }
            return try parsePrimary(field: f)
        }
        return try parseWord(field: field)
    }

    private mutating func parsePhrase(field: Query.Field?) throws -> Query.Node {
        let open = i
        var j = i + 1
        while j < scalars.count && !isSpecialQuote(j) { j += 1 }
        if j == scalars.count {
            throw Failure(what: "the quote opened here is never closed", at: open, hint: "Close the phrase with a second \" or remove the quote.")
        }
        let inner = string((i + 1)..<j)
        if inner.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) && !((i + 1)..<j).contains(where: escaped.contains) {
            throw Failure(what: "the phrase is empty", at: open, hint: "Put words between the quotes or remove them.")
        }
        i = j + 1
        var slop = 0
        if isSpecial(i, "~") {
            let tilde = i
            var k = i + 1
            while k < scalars.count && scalars[k].isASCII && scalars[k].properties.numericType != nil { k += 1 }
            guard k > i + 1, let n = Int(string((i + 1)..<k)), n <= 10_000 else {
                throw Failure(what: "~ after a phrase needs a number (0 to 10000)", at: tilde, hint: "Write \"putin cooperation\"~5.")
            }
            slop = n
            i = k
        }
        if i < scalars.count && !isSpace(i) && !isSpecial(i, ")") && !isSpecialQuote(i) && !isSpecial(i, "(") && !isSpecial(i, "^") {
            throw Failure(what: "a phrase must be followed by a space", at: i, hint: "Put a space after the closing quote.", recover: j)
        }
        return .phrase(inner, field, slop: slop)
    }

    private mutating func parseWord(field: Query.Field?) throws -> Query.Node {
        let start = i
        let end = wordEnd(from: i)
        i = end
        // The last unescaped ~ makes a fuzzy word; a final * a prefix.
        var tilde: Int?
        for k in (start..<end).reversed() where isSpecial(k, "~") { tilde = k; break }
        let stem = tilde ?? end
        let star = stem > start && isSpecial(stem - 1, "*") ? stem - 1 : nil
        try checkWordCharacters(start..<(star ?? stem))
        if let tilde {
            if tilde == start {
                throw Failure(what: "~ needs a word before it", at: tilde, hint: "Write word~1 for the words one edit away, or \"a phrase\"~N.")
            }
            if let star {
                throw Failure(what: "a word cannot be both a prefix and fuzzy", at: star, hint: "Write strateg* or kremln~1, not both.")
            }
            let digits = string((tilde + 1)..<end)
            guard digits.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.numericType != nil }),
                  !((tilde + 1)..<end).contains(where: escaped.contains) else {
                throw Failure(what: "~ after a word takes a number of edits: 0, 1 or 2", at: tilde,
                              hint: "Write kremln~1, or kremln~ for up to 2 edits.")
            }
            let edits = digits.isEmpty ? 2 : Int(digits.prefix(6)) ?? 3
            if edits > Query.maxFuzzyEdits {
                throw Failure(what: "a fuzzy word allows at most \(Query.maxFuzzyEdits) edits", at: tilde,
                              hint: "Write kremln~1 or kremln~2 (as Lucene, which stops at 2).")
            }
            return .fuzzy(string(start..<tilde), field, edits: edits)
        }
        if let star {
            let word = string(start..<star)
            if word.isEmpty {
                throw Failure(what: "a * needs some letters before it", at: start, hint: "Write a prefix such as strateg*.", recover: star)
            }
            return .prefix(word, field)
        }
        return .term(string(start..<end), field)
    }

    /// Throws at the first character of a bare word that has a meaning in Lucene's syntax we do
    /// not support there: wildcards inside words, `/regex/`, brackets outside ranges, `!` after
    /// the start. An escaped character (`\?`) is plain text.
    private func checkWordCharacters(_ r: Range<Int>) throws {
        let escape = "Put a \\ before it to search for the character itself."
        for k in r where !literal.contains(k) && !escaped.contains(k) {
            switch scalars[k] {
            case "?":
                throw Failure(what: "? wildcards are not supported", at: k,
                              hint: "Write a prefix (strateg*), a fuzzy word (kremln~1) or the whole word. \(escape)")
            case "*":
                throw Failure(what: "a * works at the end of a word only (a prefix)", at: k,
                              hint: "Write a prefix such as strateg*. \(escape)", recover: k)
            case "[", "{":
                throw Failure(what: "a range needs a field before it", at: k,
                              hint: "Write date:[2022-12-01 TO 2022-12-31] or id:[a TO c]. \(escape)")
            case "]", "}":
                throw Failure(what: "this bracket closes no range", at: k, hint: "Remove it. \(escape)")
            case "!":
                throw Failure(what: "! (NOT) must stand right before a word or phrase", at: k,
                              hint: "Write !word or NOT word to exclude a word. \(escape)")
            case "/" where k == r.lowerBound:
                throw Failure(what: "regular expressions (/…/) are not supported", at: k,
                              hint: "Write the words, a prefix (strateg*) or a fuzzy word (kremln~1). \(escape)")
            case "~":
                throw Failure(what: "~ after a word takes a number of edits: 0, 1 or 2", at: k,
                              hint: "Write kremln~1, or kremln~ for up to 2 edits. \(escape)")
            default:
                continue
            }
        }
    }

    /// `^N` after a part: its score times N (a non-negative decimal).
    private mutating func parseBoost(_ node: Query.Node) throws -> Query.Node {
        guard isSpecial(i, "^") else { return node }
        let caret = i
        let hint = "Write a non-negative number right after the ^: putin^2, \"xi jinping\"^0.5, (a OR b)^3."
        var k = i + 1
        while k < scalars.count && (scalars[k] == "." || (scalars[k].isASCII && scalars[k].properties.numericType != nil)) && !escaped.contains(k) { k += 1 }
        let digits = string((i + 1)..<k)
        guard !digits.isEmpty, digits.filter({ $0 == "." }).count <= 1, digits != ".", let b = Float(digits.hasPrefix(".") ? "0" + digits : digits) else {
            throw Failure(what: "^ needs a non-negative number after it", at: caret, hint: hint)
        }
        guard b <= Query.maxBoost else {
            throw Failure(what: "a boost can be at most \(Query.describeBoost(Query.maxBoost))", at: caret, hint: hint)
        }
        if k < scalars.count && !isSpace(k) && !isSpecial(k, ")") {
            throw Failure(what: "^ needs a non-negative number after it", at: caret, hint: hint)
        }
        switch node {
        case .boost:
            throw Failure(what: "a part can have one boost only", at: caret, hint: "Write one ^N, or multiply them: putin^6.")
        case .date, .filter, .term(_, .source?), .phrase(_, .source?, _), .similar:
            throw Failure(what: "this part does not add to the score, so it cannot be boosted", at: caret,
                          hint: "Boost words, phrases and groups: putin^2.")
        default:
            break
        }
        i = k
        return .boost(node, b)
    }

    /// One end of a range: a bare word or a quoted phrase; nil for `*` (an open end).
    private mutating func parseRangeEnd(open: Int, upper: Bool, hint: String) throws -> String? {
        skipSpace()
        if atEnd { throw Failure(what: "the range opened here is never closed", at: open, hint: hint) }
        if isSpecialQuote(i) {
            let q = i
            var j = i + 1
            while j < scalars.count && !isSpecialQuote(j) { j += 1 }
            if j == scalars.count { throw Failure(what: "the quote opened here is never closed", at: q, hint: hint) }
            i = j + 1
            return string((q + 1)..<j)
        }
        let start = i
        while i < scalars.count && !isSpace(i) && !(upper && (isSpecial(i, "]") || isSpecial(i, "}"))) { i += 1 }
        if i == start {
            throw Failure(what: "a range needs a value here", at: start, hint: hint)
        }
        for k in start..<i where !escaped.contains(k) && !literal.contains(k) {
            if "[]{}()".unicodeScalars.contains(scalars[k]) || QueryParser.isQuote(scalars[k]) {
                throw Failure(what: upper ? "unexpected character in a range" : "a range needs TO between its ends", at: k, hint: hint)
            }
        }
        let value = string(start..<i)
        return value == "*" && !escaped.contains(start) ? nil : value
    }

    /// `[a TO b]`, `{a TO b}` or a mix: the ends as written and whether each is included.
    private mutating func parseRange(hint: String) throws -> (lower: String?, upper: String?, includeLower: Bool, includeUpper: Bool, at: Int) {
        let open = i
        let includeLower = scalars[i] == "["
        try enter(open)
        defer { depth -= 1 }
        i += 1
        let lower = try parseRangeEnd(open: open, upper: false, hint: hint)
        skipSpace()
        let toAt = i
        var toEnd = i
        while toEnd < scalars.count && !isSpace(toEnd) && !isSpecial(toEnd, "]") && !isSpecial(toEnd, "}") { toEnd += 1 }
        let to = string(i..<toEnd)
        guard to == "TO" else {
            if to.uppercased() == "TO" {
                throw Failure(what: "TO in a range must be in capitals", at: toAt, hint: hint)
            }
            throw Failure(what: atEnd ? "the range opened here is never closed" : "a range needs TO between its ends",
                          at: atEnd ? open : toAt, hint: hint)
        }
        i += 2
        let upper = try parseRangeEnd(open: open, upper: true, hint: hint)
        skipSpace()
        guard isSpecial(i, "]") || isSpecial(i, "}") else {
            throw Failure(what: atEnd ? "the range opened here is never closed" : "a range ends with ] or } after its second end",
                          at: atEnd ? open : i, hint: hint)
        }
        let includeUpper = scalars[i] == "]"
        i += 1
        if i < scalars.count && !isSpace(i) && !isSpecial(i, ")") && !isSpecial(i, "^") {
            throw Failure(what: "a range must be followed by a space", at: i, hint: "Put a space after the closing bracket.")
        }
        return (lower, upper, includeLower, includeUpper, open)
    }

    /// `field:[a TO b]` over the terms of `title`, `body`, `url` or `id`.
    private mutating func parseTermRange(_ f: Query.Field, fieldAt: Int, colon: Int) throws -> Query.Node {
        let hint = "Write id:[a TO c] (both ends included), id:{a TO c} (both left out), a mix, or * for an open end."
        guard f == .id || f == .title || f == .body || f == .url else {
            throw Failure(what: "ranges work on date:, id:, title:, body: and url:, not \(f.rawValue):", at: i, hint: hint, recover: colon)
        }
        let r = try parseRange(hint: hint)
        if let lo = r.lower, let hi = r.upper, f == .id, !Array(lo.utf8).lexicographicallyPrecedes(Array(hi.utf8)),
           lo != hi || !(r.includeLower && r.includeUpper) {
            throw Failure(what: "this range is empty (its end is not after its start)", at: r.at, hint: hint)
        }
        return .termRange(f, lower: r.lower, upper: r.upper, includeLower: r.includeLower, includeUpper: r.includeUpper)
    }

    /// `date:[2022-12-01 TO 2022-12-31]`: each end a day, month or year as in `date:`, `*` open.
    private mutating func parseDateRange(fieldAt: Int, colon: Int) throws -> Query.Node {
        let hint = "Write date:[2022-12-01 TO 2022-12-31] (both days included), date:{2022-12-01 TO 2023} (both left out), or * for an open end."
        let r = try parseRange(hint: hint)
        func expr(_ s: String) throws -> DateExpression {
            guard let e = DateExpression.parse(s) else {
                throw Failure(what: "\"\(s)\" is not a date", at: r.at, hint: hint)
            }
            return e
        }
        let lower = try r.lower.map { r.includeLower ? try expr($0).start : try expr($0).end }
        let upper = try r.upper.map { r.includeUpper ? try expr($0).end : try expr($0).start }
        let text = (r.includeLower ? "[" : "{") + (r.lower ?? "*") + " TO " + (r.upper ?? "*") + (r.includeUpper ? "]" : "}")
        return try checkedDateRange(DateRange(lower: lower, upper: upper, text: text), at: r.at, hint: hint, colon: colon)
    }

    /// `similar:ID` or `similar:"an id"`: the id as written, never analyzed.
    private mutating func parseSimilar(at: Int, colon: Int) throws -> Query.Node {
        let hint = "Write similar:ID with an article's id, as search prints it (in quotes if it has spaces)."
        if isSpecialQuote(i) {
            let open = i
            var j = i + 1
            while j < scalars.count && !isSpecialQuote(j) { j += 1 }
            guard j < scalars.count else {
                throw Failure(what: "the quote opened here is never closed", at: open, hint: "Close the id with a second \" or remove the quote.")
            }
            let id = string((i + 1)..<j)
            i = j + 1
            if id.isEmpty { throw Failure(what: "similar: needs an article's id", at: at, hint: hint, recover: colon) }
            return .similar(id)
        }
        var j = i
        while j < scalars.count && !isSpace(j) && !isSpecial(j, ")") { j += 1 }
        let id = string(i..<j)
        i = j
        if id.isEmpty { throw Failure(what: "similar: needs an article's id right after the colon", at: at, hint: hint, recover: colon) }
        return .similar(id)
    }

    private mutating func parseDate(fieldAt: Int, colon: Int) throws -> Query.Node {
        let start = i
        let end = wordEnd(from: i)
        i = end
        let value = string(start..<end)
        let hint = "Write date:2022-12-30, date:2022-12, date:2022-12-01..2022-12-31, date:>=2022-12 or date:>=now-7d."
        if value.isEmpty {
            throw Failure(what: "date: needs a value right after the colon", at: fieldAt, hint: hint, recover: colon)
        }
        func expr(_ s: Substring, at: Int) throws -> DateExpression {
            guard let e = DateExpression.parse(String(s)) else {
                throw Failure(what: "\"\(s)\" is not a date", at: at, hint: hint, recover: colon)
            }
            return e
        }
        var range: DateRange
        if let dots = value.range(of: "..") {
            let a = value[..<dots.lowerBound], b = value[dots.upperBound...]
            let bAt = start + value.unicodeScalars.distance(from: value.unicodeScalars.startIndex, to: dots.upperBound)
            if a.isEmpty && b.isEmpty { throw Failure(what: "a date range needs at least one end", at: start, hint: hint, recover: colon) }
            range = DateRange(lower: a.isEmpty ? nil : try expr(a, at: start).start,
                              upper: b.isEmpty ? nil : try expr(b, at: bAt).end, text: value)
        } else {
            var op = ""
            for candidate in [">=", "<=", ">", "<"] where value.hasPrefix(candidate) { op = candidate; break }
            let rest = value.dropFirst(op.count)
            if rest.isEmpty { throw Failure(what: "\(op) needs a date after it", at: start, hint: hint, recover: colon) }
            let e = try expr(rest, at: start + op.count)
            switch op {
            case ">=": range = DateRange(lower: e.start, upper: nil, text: value)
            case ">": range = DateRange(lower: e.end, upper: nil, text: value)
            case "<=": range = DateRange(lower: nil, upper: e.end, text: value)
            case "<": range = DateRange(lower: nil, upper: e.start, text: value)
            default: range = DateRange(lower: e.start, upper: e.end, text: value)
            }
        }
        return try checkedDateRange(range, at: start, hint: hint, colon: colon)
    }

    /// `range` as a date filter, unless it is empty.
    private func checkedDateRange(_ range: DateRange, at start: Int, hint: String, colon: Int) throws -> Query.Node {
        // Ends of one kind (both absolute, or both relative to the same "now") compare at any
        // reference time; a mixed range needs the caller's `now`.
        let mixed = range.lower.map(\.isRelative) != range.upper.map(\.isRelative)
        let reference = mixed ? now : 0
        if let reference, let lo = range.lower, let hi = range.upper,
           lo.resolve(now: reference) >= hi.resolve(now: reference) {
            throw Failure(what: "this date range is empty (its end is not after its start)", at: start, hint: hint, recover: colon)
        }
        return .date(range)
    }
}
