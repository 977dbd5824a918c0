import Foundation

/// The parts themselves: phrases (~N), words (prefix*, fuzzy~N), ^boosts, ranges, similar: and date:.
extension QueryParser {
    mutating func parsePhrase(field: Query.Field?) throws -> Query.Node {
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
            // A fractional slop (~1.5) counts its whole moves, as Lucene's parser truncates it.
            if k + 1 < scalars.count && scalars[k] == "." && !escaped.contains(k) && isDigit(k + 1) {
                k += 1
                while isDigit(k) { k += 1 }
            }
            slop = n
            i = k
        }
        if i < scalars.count && !isSpace(i) && !isSpecial(i, ")") && !isSpecialQuote(i) && !isSpecial(i, "(") && !isSpecial(i, "^") && !isOperatorPair(i) {
            throw Failure(what: "a phrase must be followed by a space", at: i, hint: "Put a space after the closing quote.", recover: j)
        }
        return .phrase(inner, field, slop: slop)
    }

    mutating func parseWord(field: Query.Field?) throws -> Query.Node {
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
            return .fuzzy(string(start..<tilde), field, edits: try fuzzyEdits(tilde: tilde, end: end))
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

    /// The edits of a fuzzy word's `~N` at scalars `tilde..<end` (`~` alone is 2).
    private func fuzzyEdits(tilde: Int, end: Int) throws -> Int {
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
        return edits
    }

    /// True when scalar `k` is an ASCII digit (not escaped).
    func isDigit(_ k: Int) -> Bool {
        k < scalars.count && scalars[k].isASCII && scalars[k].properties.numericType != nil && !escaped.contains(k)
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
    mutating func parseBoost(_ node: Query.Node) throws -> Query.Node {
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
        var boosted = node
        if isSpecial(k, "~") {
            // Lucene's kremlin^2~1: the fuzzy word kremlin~1, boosted.
            switch node {
            case .term(let word, let f):
                let end = wordEnd(from: k)
                boosted = .fuzzy(word, f, edits: try fuzzyEdits(tilde: k, end: end))
                k = end
            case .phrase:
                throw Failure(what: "a phrase's ~ goes before its boost", at: k, hint: "Write \"putin xi\"~5^2.")
            case .prefix:
                throw Failure(what: "a word cannot be both a prefix and fuzzy", at: k, hint: "Write strateg* or kremln~1, not both.")
            default:
                throw Failure(what: "~ after a boost works on a single word only", at: k, hint: "Write kremln~1^2.")
            }
        }
        if isSpecial(k, "^") {
            throw Failure(what: "a part can have one boost only", at: k, hint: "Write one ^N, or multiply them: putin^6.")
        }
        if k < scalars.count && !isSpace(k) && !isSpecial(k, ")") && !isOperatorPair(k) {
            throw Failure(what: "a boost must be followed by a space or the end", at: k, hint: "Put a space after the number: xi^2 putin.",
                          recover: caret)
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
        return .boost(boosted, b)
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
        if i < scalars.count && !isSpace(i) && !isSpecial(i, ")") && !isSpecial(i, "^") && !isOperatorPair(i) {
            throw Failure(what: "a range must be followed by a space", at: i, hint: "Put a space after the closing bracket.")
        }
        return (lower, upper, includeLower, includeUpper, open)
    }

    /// `field:[a TO b]` over the terms of `title`, `body`, `url` or `id`.
    mutating func parseTermRange(_ f: Query.Field, fieldAt: Int, colon: Int) throws -> Query.Node {
        let hint = "Write id:[a TO c] (both ends included), id:{a TO c} (both left out), a mix, or * for an open end."
        guard f == .id || f == .title || f == .body || f == .url else {
            throw Failure(what: "ranges work on date:, id:, title:, body: and url:, not \(f.rawValue):", at: i, hint: hint, recover: colon)
        }
        let r = try parseRange(hint: hint)
        // Ids compare as written; words after folding, which plain ASCII letters and digits
        // only change in case (other ends the search checks once folded).
        func comparable(_ s: String) -> [UInt8]? {
            if f == .id { return Array(s.utf8) }
            let plain = s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil) }
            return plain && !s.isEmpty ? Array(s.lowercased().utf8) : nil
        }
        if let lo = r.lower, let hi = r.upper, let a = comparable(lo), let b = comparable(hi) {
            let swapped = Query.describe(.termRange(f, lower: hi, upper: lo, includeLower: r.includeLower, includeUpper: r.includeUpper), nested: true)
            if b.lexicographicallyPrecedes(a) {
                throw Failure(what: "this range is empty: its end comes before its start", at: r.at, hint: "Swap the ends: \(swapped).")
            }
            if a == b && !(r.includeLower && r.includeUpper) {
                let both = Query.describe(.termRange(f, lower: lo, upper: hi, includeLower: true, includeUpper: true), nested: true)
                throw Failure(what: "this range is empty: its ends are the same and { } leaves them out", at: r.at, hint: "Write \(both).")
            }
        }
        return .termRange(f, lower: r.lower, upper: r.upper, includeLower: r.includeLower, includeUpper: r.includeUpper)
    }

    /// `date:[2022-12-01 TO 2022-12-31]`: each end a day, month or year as in `date:`, `*` open.
    mutating func parseDateRange(fieldAt: Int, colon: Int) throws -> Query.Node {
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
        let range = DateRange(lower: lower, upper: upper, text: text)
        // {2022-12-01 TO 2022-12-02}: the ends are in order, but leaving both out leaves nothing.
        if let lo = r.lower, let hi = r.upper, !(r.includeLower && r.includeUpper), isEmpty(range),
           !isEmpty(DateRange(lower: try expr(lo).start, upper: try expr(hi).end, text: text)) {
            throw Failure(what: "this date range is empty: with \(r.includeLower || r.includeUpper ? "an end" : "both ends") left out ({ }), nothing is left between them",
                          at: r.at, hint: "Include the ends with [ ]: date:[\(lo) TO \(hi)].", recover: colon)
        }
        return try checkedDateRange(range, at: r.at, hint: hint, colon: colon)
    }

    /// `similar:ID` or `similar:"an id"`: the id as written, never analyzed.
    mutating func parseSimilar(at: Int, colon: Int) throws -> Query.Node {
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
        while j < scalars.count && !isSpace(j) && !isSpecial(j, ")") && !isOperatorPair(j) { j += 1 }
        let id = string(i..<j)
        i = j
        if id.isEmpty { throw Failure(what: "similar: needs an article's id right after the colon", at: at, hint: hint, recover: colon) }
        return .similar(id)
    }

    mutating func parseDate(fieldAt: Int, colon: Int) throws -> Query.Node {
        let hint = "Write date:2022-12-30, date:2022-12, date:2022-12-01..2022-12-31, date:>=2022-12 or date:>=now-7d."
        var start = i
        let value: String
        if i < scalars.count && scalars[i] == "\"" {
            // date:"2022-12-05", as a quoted value of any field.
            var j = i + 1
            while j < scalars.count && scalars[j] != "\"" { j += 1 }
            guard j < scalars.count else {
                throw Failure(what: "the quote opened here is never closed", at: i, hint: "Close the date with a second \" or remove the quote.")
            }
            start = i + 1
            value = string(start..<j)
            i = j + 1
        } else {
            let end = wordEnd(from: i)
            i = end
            value = string(start..<end)
        }
        if value.isEmpty {
            if start < scalars.count && scalars[start] == "(" {
                throw Failure(what: "date: takes one date or range, not a group", at: start, hint: "Write date:2022-12-01..2022-12-02, or (date:2022-12-01 OR date:2022-12-05).", recover: colon)
            }
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
        if isEmpty(range) {
            throw Failure(what: "this date range is empty: its end comes before its start", at: start, hint: hint, recover: colon)
        }
        return .date(range)
    }

    /// Whether `range` holds no time at all, as far as the parser can tell.
    private func isEmpty(_ range: DateRange) -> Bool {
        // Ends of one kind (both absolute, or both relative to the same "now") compare at any
        // reference time; a mixed range needs the caller's `now`.
        let mixed = range.lower.map(\.isRelative) != range.upper.map(\.isRelative)
        guard let reference = mixed ? now : 0, let lo = range.lower, let hi = range.upper else { return false }
        return lo.resolve(now: reference) >= hi.resolve(now: reference)
    }
}
