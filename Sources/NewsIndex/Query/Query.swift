/// A search query: what a user typed, parsed into a tree, or built in code.
///
/// Parse a query string with ``parse(_:)``, or build one from parts:
///
/// ```swift
/// let typed = try Query.parse("harbour \"strike ended\"")
/// let built = Query.all([.term("harbour"), .phrase("strike ended")])
/// ```
///
/// Both mean the same: documents that contain *harbour* and the phrase *strike ended*, in the
/// title or the body. Words are analyzed with the index's own analyzer when the query runs, so
/// `Xi’s`, `Xi's` and `xi` are the same term, and a hyphenated word such as `Russian-Chinese`
/// matches as the phrase "russian chinese".
///
/// ## Syntax
/// - `word`: a word; several words must all match.
/// - `"a phrase"`: the words in this order, next to each other. Straight (`"…"`) and curly (`“…”`) quotes both work.
public struct Query: Sendable, Equatable, CustomStringConvertible {
    indirect enum Node: Sendable, Equatable {
        /// Raw text of one word, analyzed at search time.
        case term(String)
        /// Raw text of a phrase, analyzed at search time.
        case phrase(String)
        /// Every part must match.
        case all([Node])
    }

    let node: Node

    init(node: Node) { self.node = node }

    /// A query for one word (analyzed with the index's analyzer when it runs).
    public static func term(_ word: String) -> Query { Query(node: .term(word)) }

    /// A query for a phrase: its words in order, next to each other.
    public static func phrase(_ text: String) -> Query { Query(node: .phrase(text)) }

    /// A query that matches documents matching every one of `parts`.
    public static func all(_ parts: [Query]) -> Query { Query(node: .all(parts.map(\.node))) }

    /// Parses a query string.
    ///
    /// - Throws: ``NewsIndexError/Kind/badQuery`` with a message that quotes the query and points at
    ///   the problem with a caret, e.g. for an unbalanced quote or an empty query.
    public static func parse(_ string: String) throws -> Query {
        try QueryParser(string).parse()
    }

    /// The query in query syntax.
    public var description: String { Query.describe(node) }

    private static func describe(_ n: Node) -> String {
        switch n {
        case .term(let t): return t
        case .phrase(let p): return "\"\(p)\""
        case .all(let parts): return parts.map(describe).joined(separator: " ")
        }
    }
}

/// Turns a query string into a ``Query``. Syntax only: no analysis, no index access.
struct QueryParser {
    let text: String
    let scalars: [Unicode.Scalar]

    init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    static func isQuote(_ c: Unicode.Scalar) -> Bool { c == "\"" || c == "\u{201C}" || c == "\u{201D}" || c == "\u{201E}" }

    /// A `.badQuery` error quoting the query with a caret under character `at`.
    func error(_ what: String, at: Int, hint: String) -> NewsIndexError {
        var caretColumn = 0
        for (i, c) in scalars.enumerated() where i < at {
            // Combining marks take no column of their own.
            if c.properties.canonicalCombiningClass == .notReordered { caretColumn += 1 }
        }
        let shown = text.replacingControlCharacters()
        return NewsIndexError(.badQuery, "cannot parse the query: \(what)\n  \(shown)\n  \(String(repeating: " ", count: caretColumn))^\n\(hint)")
    }

    func parse() throws -> Query {
        var parts: [Query.Node] = []
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c.properties.isWhitespace { i += 1; continue }
            if QueryParser.isQuote(c) {
                var j = i + 1
                while j < scalars.count && !QueryParser.isQuote(scalars[j]) { j += 1 }
                if j == scalars.count {
                    throw error("the quote opened here is never closed", at: i, hint: "Close the phrase with a second \" or remove the quote.")
                }
                let inner = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
                if inner.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
                    throw error("the phrase is empty", at: i, hint: "Put words between the quotes or remove them.")
                }
                parts.append(.phrase(inner))
                i = j + 1
            } else {
                var j = i
                while j < scalars.count && !scalars[j].properties.isWhitespace && !QueryParser.isQuote(scalars[j]) { j += 1 }
                parts.append(.term(String(String.UnicodeScalarView(scalars[i..<j]))))
                i = j
            }
        }
        if parts.isEmpty {
            throw NewsIndexError(.badQuery, "the query is empty: give at least one word or \"quoted phrase\".")
        }
        return Query(node: parts.count == 1 ? parts[0] : .all(parts))
    }
}

extension String {
    /// The string with control characters (newlines, tabs, escapes) shown as spaces, for one-line messages.
    func replacingControlCharacters() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
