import Foundation

import NewsIndexCore
/// A search query: what a user typed, parsed into a tree, or built in code.
///
/// Parse a query string with ``parse(_:lenient:)``, or build one from parts:
///
/// ```swift
/// let typed = try Query.parse("harbour \"strike ended\" -ferry")
/// let built = Query.all([.term("harbour"), .phrase("strike ended"), .not(.term("ferry"))])
/// ```
///
/// Both mean the same. Words are analyzed with the index's own analyzer when the query runs, so
/// `Xi’s`, `Xi's` and `xi` are the same term, and a hyphenated word such as `Russian-Chinese`
/// matches as the phrase "russian chinese".
///
/// ## Syntax
/// - `word`: a word. Parts next to each other must all match (AND).
/// - `"a phrase"`: the words in this order, next to each other. Straight (`"…"`) and curly (`“…”`) quotes both work.
/// - `"a phrase"~N`: the words within N moves of each other, in any order (Lucene's sloppy phrase:
///   `"putin cooperation"~5`; swapping two neighbours costs 2; `~1.5` is `~1`, as Lucene truncates it).
/// - `a NEAR/N b`: `a` and `b` (words, phrases or NEAR groups) at most N positions apart, in either
///   order; neighbours are 1 apart. `NEAR` alone means `NEAR/10`.
/// - `a AND b`, `a OR b`, `NOT a`, `-a` (exclude), `+a` (require, the default), `( … )` for grouping.
///   Precedence: `NOT` and `-` bind tightest, then `AND` (and plain adjacency), then `OR`:
///   `a OR b c -d` is `a OR (b AND c AND NOT d)`.
/// - `entity:putin`, `entity:"xi jinping"`: mentions of a known entity (canonical name or any alias,
///   case-insensitive), found at index time; they combine with words like any term
///   (`entity:xi NEAR/10 cooperation`). An unknown name is an error listing the closest known ones.
/// - `field:value` with the fields `title`, `body`, `id` (the exact id), `url` and `date`;
///   the value can be a word, a phrase or a group: `title:(putin OR xi)`.
/// - `source:bbc.co.uk`, `source:"Al Jazeera"`: articles from a site or outlet, case-insensitive.
///   A host matches itself and its subdomains (`news.bbc.co.uk`, `www.bbc.co.uk`; `www.` is
///   dropped), and a parent domain of two labels or more too (`source:co.uk` matches every
///   `.co.uk` host); a name matches the whole name, white space aside (`source:"bbc news"`, not
///   `source:bbc`). `source:` filters: it does not add to the score.
/// - `prefix*`: every word that starts with the prefix (`strateg*`); a prefix that stands for more
///   than ``maxPrefixExpansions`` different words is refused. Inside a phrase, `"harbour stri*"`
///   works too, and a lone `*` stands for any one word: `"the * of"`.
/// - `date:2022-12-30`, `date:2022-12`, `date:2022`, `date:2022-12-01..2022-12-31`, `date:>=2022-12`,
///   `date:<2023`, `date:>=now-7d` (units `h`, `d`, `w`, `m` for months, `y`): a filter on the
///   publication date, in UTC; documents without a date never match it. Filters do not score.
/// - `date:[2022-12-01 TO 2022-12-31]`: Lucene's range; `[ ]` include an end, `{ }` leave it out,
///   `*` is open, and each end is a day, month or year (`[2022-12 TO 2023]` includes all of 2023).
/// - `id:[a TO c]`, `title:[a TO c}`: the terms of a field in that range, in byte order, searched
///   as their OR (refused past ``maxPrefixExpansions`` terms).
/// - `word^2`, `"a phrase"^3`, `(group)^0.5`, `title:word^2`: the part's score times the boost, a
///   non-negative decimal; on a group, every word in it. The `^` follows its part with no space,
///   and a space or the end follows the number; `kremln^2~1` is `kremln~1^2`, as in Lucene.
/// - `kremln~1`, `samarknd~` (2 edits): the words within that many edits (a swap of neighbours is
///   one), at most ``maxFuzzyEdits``; the ``maxFuzzyExpansions`` closest are searched, each
///   weighted by `1 − edits / length`.
/// - `a && b`, `a || b`, `!a`: `AND`, `OR`, `NOT`; `&&` and `||` are operators wherever they
///   stand outside quotes (`a||b`), a single `&` or `|` is part of a word (`at&t`). A backslash
///   makes the next character plain text: `yahoo\!`.
///
/// Other characters of Lucene's syntax (`?` wildcards, `/regex/`, brackets outside a range) are
/// errors, never a part that silently matches nothing.
///
/// Boolean parts score as the sum of their scoring parts; excluded parts and date filters do not
/// score. A group of only excluded parts (`-a` alone) is an error: there is nothing to exclude from.
/// An `OR` branch that only excludes excludes from the whole `OR` (Lucene's must-not clause):
/// `a OR -b` is `a -b`.
public struct Query: Sendable, Equatable, CustomStringConvertible {
    /// The fields a query part can be limited to with `field:`.
    public enum Field: String, Sendable, CaseIterable {
        /// The headline.
        case title
        /// The article text.
        case body
        /// The article's id, matched exactly (case-sensitive).
        case id
        /// The article's URL; `url:example.com` matches URLs that contain the words `example com` in a row.
        case url
        /// Mentions of a known entity, by canonical name or alias (case-insensitive): `entity:putin`.
        case entity
        /// The site or outlet (case-insensitive, a filter that does not score): `source:bbc.co.uk`
        /// matches that host and its subdomains (`news.bbc.co.uk`), `source:"Al Jazeera"` that exact name.
        case source
    }

    package indirect enum Node: Sendable, Equatable {
        /// Raw text of one word (analyzed at search time).
        case term(String, Field?)
        /// Every word that starts with the raw prefix.
        case prefix(String, Field?)
        /// Raw text of a phrase; slop 0 is an exact phrase.
        case phrase(String, Field?, slop: Int)
        /// Two positional parts at most `distance` positions apart, either order.
        case near(Node, Node, distance: Int)
        /// A filter on the publication date.
        case date(DateRange)
        /// Every part must match; `.not` parts must not.
        case and([Node])
        /// At least one part must match.
        case or([Node])
        /// Excluded (only meaningful inside `.and`).
        case not(Node)
        /// Must match, does not score.
        case filter(Node)
        /// Matches nothing (a lenient parse of a query without any searchable part).
        case nothing
        /// Articles like the one with this id (``Query/similar(toID:)``).
        case similar(String)
        /// The part with its score multiplied by a non-negative factor (`part^2`).
        case boost(Node, Float)
        /// Every word within `edits` (0 to 2) Damerau–Levenshtein edits of the raw word (`word~1`).
        case fuzzy(String, Field?, edits: Int)
        /// Every term of a field from `lower` to `upper` in byte order (`id:[a TO c]`); nil ends are open.
        case termRange(Field, lower: String?, upper: String?, includeLower: Bool, includeUpper: Bool)
    }

    package let node: Node

    /// What a lenient parse read differently from the strict syntax, one sentence each (empty otherwise).
    public let notes: [String]

    /// Whether the query came from a lenient parse: then a query without searchable words
    /// matches nothing instead of failing.
    package let lenient: Bool

    package init(node: Node, notes: [String] = [], lenient: Bool = false) {
        self.node = node
        self.notes = notes
        self.lenient = lenient
    }

    /// The most words a `prefix*` or a range of words (`id:[a TO c]`) may stand for.
    public static let maxPrefixExpansions = 1000

    /// The most edits a fuzzy word (`kremln~2`) may allow, as in Lucene's `FuzzyQuery`.
    public static let maxFuzzyEdits = 2

    /// The most words a fuzzy word is searched as: the closest (fewest edits, then most
    /// documents). When more are that close, the search says so in ``SearchResults/notes``.
    public static let maxFuzzyExpansions = 50

    /// The most words one query's fuzzy words, prefixes and ranges of terms may be searched as
    /// together, in each index (Lucene's `IndexSearcher.maxClauseCount`, 1024); past it the
    /// search is refused, as 100 fuzzy words ORed (`w0~2 OR … w99~2`) would take seconds. A
    /// fuzzy word counts the words it is searched as (at most ``maxFuzzyExpansions``).
    public static let maxExpandedWords = 1024

    /// The largest boost (`putin^N`) a query may give.
    public static let maxBoost: Float = 10_000

    /// `part` with its score multiplied by `factor` (`part^factor`; 0 keeps it matching
    /// without scoring). A boost on a group multiplies every word in it.
    ///
    /// - Precondition: `factor` is between 0 and ``maxBoost``.
    public static func boosted(_ part: Query, by factor: Float) -> Query {
        precondition(factor >= 0 && factor <= maxBoost, "a boost must be between 0 and \(maxBoost)")
        return Query(node: .boost(part.node, factor))
    }

    /// The words of the index within `maxEdits` edits of `word` (insertions, deletions,
    /// substitutions and swaps of neighbours, each one edit): `word~maxEdits`.
    public static func fuzzy(_ word: String, maxEdits: Int = 2, in field: Field? = nil) -> Query {
        Query(node: .fuzzy(word, field, edits: min(max(0, maxEdits), maxFuzzyEdits)))
    }

    /// The terms of `field` (``Field/id``, ``Field/title``, ``Field/body`` or ``Field/url``) from
    /// `lower` to `upper` in byte order, each end included or not; nil for an open end:
    /// `id:[a TO c]`.
    public static func range(in field: Field, from lower: String?, to upper: String?,
                             includeLower: Bool = true, includeUpper: Bool = true) -> Query {
        Query(node: .termRange(field, lower: lower, upper: upper, includeLower: includeLower, includeUpper: includeUpper))
    }

    /// A query for one word (analyzed with the index's analyzer when it runs), in the title and
    /// body or in one `field`.
    public static func term(_ word: String, in field: Field? = nil) -> Query { Query(node: .term(word, field)) }

    /// A query for a phrase: its words in order, next to each other; with `slop` > 0, within that
    /// many moves of each other in any order.
    public static func phrase(_ text: String, slop: Int = 0, in field: Field? = nil) -> Query {
        Query(node: .phrase(text, field, slop: max(0, slop)))
    }

    /// A query for every word starting with `prefix`.
    public static func prefix(_ prefix: String, in field: Field? = nil) -> Query { Query(node: .prefix(prefix, field)) }

    /// Documents where `a` and `b` (words, phrases or other `near` queries) stand at most
    /// `distance` positions apart, in either order.
    public static func near(_ a: Query, _ b: Query, within distance: Int) -> Query {
        Query(node: .near(a.node, b.node, distance: max(1, distance)))
    }

    /// Documents matching every one of `parts` (parts made with ``not(_:)`` must not match).
    public static func all(_ parts: [Query]) -> Query { Query(node: .and(parts.map(\.node))) }

    /// Documents matching at least one of `parts`; the more parts match, the higher the score.
    public static func any(_ parts: [Query]) -> Query { Query(node: .or(parts.map(\.node))) }

    /// Articles like the one with id `id` (`similar:ID`): the words that weigh most in it by
    /// BM25 (the most telling of its title and body, entities counting double), searched as
    /// an OR weighted by that weight. The article and its copies are left out. Combines with
    /// other parts: `similar:wire-0 date:2022-12`.
    public static func similar(toID id: String) -> Query { Query(node: .similar(id)) }

    /// Documents that mention the entity `name` (canonical name or alias, case-insensitive).
    public static func entity(_ name: String) -> Query { Query(node: .term(name, .entity)) }

    /// Documents matching `part`, without `part` adding to the score (a filter).
    public static func filter(_ part: Query) -> Query { Query(node: .filter(part.node)) }

    /// Excludes the documents matching `part`; use it inside ``all(_:)``.
    public static func not(_ part: Query) -> Query { Query(node: .not(part.node)) }

    /// A filter on the publication date: documents dated at or after `from` and before `to`
    /// (either may be nil for an open end). Documents without a date never match.
    public static func dated(from: Date?, to: Date?) -> Query {
        func bound(_ d: Date?) -> DateBound? { d.map { DateBound.instant(Int64($0.timeIntervalSince1970.rounded(.down))) } }
        return Query(node: .date(DateRange(lower: bound(from), upper: bound(to), text: "")))
    }

    /// A filter on the publication date from a date expression as after `date:>=`: `2022-12-01`,
    /// `2022-12`, `2w` or `now-2w` (units `h`, `d`, `w`, `m`, `y`).
    ///
    /// - Throws: ``NewsIndexError/Kind/badQuery`` naming the expression when it is not a date.
    public static func published(since expression: String) throws -> Query {
        Query(node: .date(try DateRange.since(expression)))
    }

    /// A filter on the publication date up to and including the day (or month, year) of `expression`.
    ///
    /// - Throws: ``NewsIndexError/Kind/badQuery`` naming the expression when it is not a date.
    public static func published(until expression: String) throws -> Query {
        Query(node: .date(try DateRange.until(expression)))
    }

    /// Parses a query string (syntax above).
    ///
    /// - Parameter lenient: When true, the parse never fails: what it cannot read as syntax
    ///   (an unmatched quote or parenthesis, a dangling operator, an unknown `field:`) it reads as
    ///   plain words, and ``notes`` says what it did. For search boxes.
    /// - Parameter now: The time that relative dates (`date:>7d`) count back from, used only to
    ///   tell whether a range with one relative and one absolute end is empty. Parsing never
    ///   reads the clock; without `now` such a range is not checked, and matches nothing if empty.
    /// - Throws: ``NewsIndexError/Kind/badQuery`` with a message that quotes the query and points
    ///   at the problem with a caret (strict parses only).
    public static func parse(_ string: String, lenient: Bool = false, now: Date? = nil) throws -> Query {
        var parser = QueryParser(string, now: now.map { Int64($0.timeIntervalSince1970.rounded(.down)) })
        return try parser.parse(lenient: lenient)
    }

    /// The query in query syntax.
    public var description: String { Query.describe(node, nested: false) }

    package static func describe(_ n: Node, nested: Bool) -> String {
        func fieldPrefix(_ f: Field?) -> String { f.map { $0.rawValue + ":" } ?? "" }
        switch n {
        case .term(let t, let f):
            // A word that would read as syntax (a literal OR, -x, a:b) is shown quoted: same meaning.
            let special = f == .entity ? t.contains(" ") : ["AND", "OR", "NOT", "&&", "||", "!"].contains(t) || t.hasPrefix("NEAR") || t.hasPrefix("-") || t.hasPrefix("+")
                || t.unicodeScalars.contains { "():*~".unicodeScalars.contains($0) }
            // Characters of Lucene's syntax that quotes would not make plain are escaped instead.
            if f != .entity && (t.hasPrefix("/") || t.contains("&&") || t.contains("||") || t.unicodeScalars.contains(where: { QueryParser.isQuote($0) || $0.properties.isWhitespace || "\\^?[]{}!".unicodeScalars.contains($0) })) {
                return fieldPrefix(f) + QueryParser.escaped(t)
            }
            return fieldPrefix(f) + (special ? "\"\(t)\"" : t)
        case .prefix(let p, let f): return fieldPrefix(f) + QueryParser.escaped(p) + "*"
        case .phrase(let p, let f, let slop): return fieldPrefix(f) + "\"\(QueryParser.escapedInQuotes(p))\"" + (slop > 0 ? "~\(slop)" : "")
        case .near(let a, let b, let d): return describe(a, nested: true) + " NEAR/\(d) " + describe(b, nested: true)
        case .date(let r): return "date:" + r.description
        case .and(let parts):
            let s = parts.map { describe($0, nested: true) }.joined(separator: " ")
            return nested && parts.count > 1 ? "(\(s))" : s
        case .or(let parts):
            let s = parts.map { describe($0, nested: true) }.joined(separator: " OR ")
            return nested && parts.count > 1 ? "(\(s))" : s
        case .not(let p): return "-" + describe(p, nested: true)
        case .filter(let p): return describe(p, nested: true)
        case .nothing: return "(nothing)"
        case .similar(let id):
            let plain = !id.isEmpty && !id.contains("&&") && !id.contains("||") && !id.unicodeScalars.contains { $0.properties.isWhitespace || "\"()“”".unicodeScalars.contains($0) }
            return "similar:" + (plain ? id : "\"" + id + "\"")
        case .boost(let p, let b): return describe(p, nested: true) + "^" + describeBoost(b)
        case .fuzzy(let t, let f, let edits): return fieldPrefix(f) + QueryParser.escaped(t) + "~\(edits)"
        case .termRange(let f, let lo, let hi, let incLo, let incHi):
            func end(_ v: String?) -> String {
                guard let v else { return "*" }
                return v.isEmpty || v == "*" || v == "TO" || v.unicodeScalars.contains(where: { $0.properties.isWhitespace || QueryParser.isQuote($0) })
                    ? "\"" + v + "\"" : QueryParser.escaped(v)
            }
            return f.rawValue + ":" + (incLo ? "[" : "{") + end(lo) + " TO " + end(hi) + (incHi ? "]" : "}")
        }
    }

    /// A boost as the parser reads it back: `2`, `0.5`.
    package static func describeBoost(_ b: Float) -> String {
        b == b.rounded() && b.magnitude < 1e7 ? String(Int(b)) : "\(b)"
    }
}

/// One end of a date range.
package enum DateBound: Sendable, Equatable {
    /// Seconds since the epoch.
    case instant(Int64)
    /// `now` minus `count` units (h, d, w, m, y), resolved when the query runs.
    case ago(count: Int, unit: Character)

    /// Whether the end counts back from "now".
    package var isRelative: Bool { if case .ago = self { return true } else { return false } }

    package func resolve(now: Int64) -> Int64 {
        switch self {
        case .instant(let s): return s
        case .ago(let n, let unit):
            switch unit {
            case "h": return now - Int64(n) * 3600
            case "d": return now - Int64(n) * 86400
            case "w": return now - Int64(n) * 7 * 86400
            default:
                // Months and years on the calendar (UTC), day clamped to the month's length.
                let days = Int64((Double(now) / 86400).rounded(.down))
                let secondOfDay = now - days * 86400
                var (y, m, d) = DateParser.civil(fromDays: days)
                let months = unit == "y" ? 12 * n : n
                let total = y * 12 + (m - 1) - months
                y = total >= 0 ? total / 12 : (total - 11) / 12
                m = total - y * 12 + 1
                d = min(d, DateParser.daysInMonth(y, m))
                return DateParser.days(year: y, month: m, day: d) * 86400 + secondOfDay
            }
        }
    }
}

/// A half-open range of publication times `[lower, upper)`; nil ends are open.
package struct DateRange: Sendable, Equatable, CustomStringConvertible {
    package var lower: DateBound?
    package var upper: DateBound?
    /// The expression as written, for messages.
    package var text: String

    package var description: String { text.isEmpty ? "(range)" : text }

    /// `[lower, upper)` in seconds for the given current time.
    package func resolve(now: Int64) -> (Int64, Int64) {
        (lower?.resolve(now: now) ?? Int64.min + 1, upper?.resolve(now: now) ?? Int64.max)
    }

    package static func since(_ expression: String) throws -> DateRange {
        guard let v = DateExpression.parse(expression, allowBareDuration: true) else {
            throw NewsIndexError(.badQuery, DateExpression.problem(expression))
        }
        return DateRange(lower: v.start, upper: nil, text: ">=" + expression)
    }

    package static func until(_ expression: String) throws -> DateRange {
        guard let v = DateExpression.parse(expression, allowBareDuration: true) else {
            throw NewsIndexError(.badQuery, DateExpression.problem(expression))
        }
        return DateRange(lower: nil, upper: v.end, text: "<=" + expression)
    }
}

/// One date value: a calendar period (a year, month or day, or an instant) or a relative time.
package struct DateExpression {
    /// The first moment of the period.
    package var start: DateBound
    /// The first moment after the period.
    package var end: DateBound

    package static func problem(_ text: String) -> String {
        "\"\(text)\" is not a date: write YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH:MM, or now-N with a unit h, d, w, m or y (now-7d)."
    }

    /// Parses `2022`, `2022-12`, `2022-12-30`, `2022-12-30T10:00[:00][Z|±hh:mm]`, `now`, `now-7d`
    /// (and `7d` when `allowBareDuration`).
    package static func parse(_ raw: String, allowBareDuration: Bool = false) -> DateExpression? {
        let s = raw.lowercased()
        if s == "now" { return DateExpression(start: .ago(count: 0, unit: "h"), end: .ago(count: 0, unit: "h")) }
        var rel = Substring(s)
        if rel.hasPrefix("now-") { rel = rel.dropFirst(4) } else if !allowBareDuration { rel = "" }
        if let unit = rel.last, "hdwmy".contains(unit), let n = Int(rel.dropLast()), n >= 0, n <= 100_000, !rel.dropLast().isEmpty,
           rel.dropLast().allSatisfy(\.isASCII) {
            let b = DateBound.ago(count: n, unit: unit)
            return DateExpression(start: b, end: b)
        }
        // Calendar forms.
        let datePart: Substring
        let timePart: Substring?
        if let t = s.firstIndex(of: "t") {
            datePart = s[..<t]
            timePart = s[s.index(after: t)...]
        } else {
            datePart = Substring(s)
            timePart = nil
        }
        let pieces = datePart.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(pieces.count), pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              pieces[0].count == 4, pieces.dropFirst().allSatisfy({ $0.count <= 2 }) else { return nil }
        let y = Int(pieces[0])!
        let m = pieces.count > 1 ? Int(pieces[1])! : 1
        let d = pieces.count > 2 ? Int(pieces[2])! : 1
        guard (1...12).contains(m), d >= 1, d <= DateParser.daysInMonth(y, m) else { return nil }
        let startDay = DateParser.days(year: y, month: m, day: d)
        if timePart != nil {
            // A moment: 2022-12-30T10:00Z, parsed like article dates.
            guard pieces.count == 3, let full = DateParser.parse(raw) else { return nil }
            return DateExpression(start: .instant(full), end: .instant(full + 1))
        }
        let endDay: Int64
        switch pieces.count {
        case 1: endDay = DateParser.days(year: y + 1, month: 1, day: 1)
        case 2: endDay = m == 12 ? DateParser.days(year: y + 1, month: 1, day: 1) : DateParser.days(year: y, month: m + 1, day: 1)
        default: endDay = startDay + 1
        }
        return DateExpression(start: .instant(startDay * 86400), end: .instant(endDay * 86400))
    }
}
