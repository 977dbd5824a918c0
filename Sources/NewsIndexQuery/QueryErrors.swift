import NewsIndexCore

/// How a parse error is shown: the query on one line, and a caret under the problem in the
/// column a terminal shows it at.
extension QueryParser {
    /// A `.badQuery` error quoting the query with a caret under scalar `at`.
    package func error(_ f: Failure) -> NewsIndexError {
        let caretColumn = column(of: f.at)
        let shown = text.replacingControlCharacters()
        return NewsIndexError(.badQuery, "cannot parse the query: \(f.what)\n  \(shown)\n  \(String(repeating: " ", count: caretColumn))^\n\(f.hint)")
    }

    /// The terminal column (0-based) where scalar `k` starts: wide East Asian characters and
    /// emoji take two columns; combining marks, joiners and emoji modifiers none.
    package func column(of k: Int) -> Int {
        var c = 0
        var afterJoiner = false
        for s in scalars.prefix(k) {
            // In an emoji sequence (👨‍👩‍👧) what follows a zero-width joiner shares the first glyph.
            if !afterJoiner { c += QueryParser.width(s) }
            afterJoiner = s == "\u{200D}"
        }
        return c
    }

    package static func width(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x300 { return 1 }
        let p = s.properties
        switch p.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1F3FB...0x1F3FF).contains(v) { return 0 }   // skin-tone modifiers
        if p.isEmojiPresentation { return 2 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v) { return 2 }
        return 1
    }

    /// Scalars a lenient parse may scan in all its retries before it gives up on the syntax and
    /// reads the whole query as plain words: each retry rescans the query, so without a budget
    /// 100,000 stray parentheses would take 100,000 passes over 100,000 scalars.
    package static let lenientScanBudget = 200_000
}

extension String {
    /// The string with control characters (newlines, tabs, escapes) shown as spaces, for one-line messages.
    package func replacingControlCharacters() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
