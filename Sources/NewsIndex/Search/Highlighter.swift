import NewsIndexAnalysis
/// One word or exact phrase to mark in a snippet: terms with their offsets from the first.
struct CompiledPart {
    var terms: [(term: String, offset: Int)]
    var isPhrase: Bool { terms.count > 1 }
}

/// Picks the best passage of an article for a query and marks the matched words.
///
/// The body is analyzed again with the index's analyzer (cheap for one page of hits), so the
/// marks cover exactly the words the index matched: single terms wherever they occur, phrases
/// only where all their words stand in order.
struct Highlighter {
    let analyzer: Analyzer
    let singles: Set<String>
    let phrases: [[(term: String, offset: Int)]]
    /// Target passage length in characters.
    let targetLength = 220

    /// Finds entity mentions, when the query asks for entities.
    let recognizer: Recognizer?

    init(parts: [CompiledPart], analyzer: Analyzer, recognizer: Recognizer? = nil) {
        self.analyzer = analyzer
        self.recognizer = recognizer
        singles = Set(parts.filter { !$0.isPhrase }.map { $0.terms[0].term })
        phrases = parts.filter(\.isPhrase).map(\.terms)
    }

    /// The best passage of `body` for the query, its matches marked (`title` helps settle entity mentions).
    func snippet(title: String = "", body: String) -> Snippet {
        let tokens = analyzer.tokens(body)
        let marks = self.marks(tokens, title: title, body: body)
        let utf8 = Array(body.utf8)
        let start = passageStart(marks, tokens, utf8)
        let end = passageEnd(from: start, tokens, utf8)
        let markBytes: [Range<Int>] = marks.map {
            tokens[$0.range.lowerBound].byteRange.lowerBound..<tokens[$0.range.upperBound - 1].byteRange.upperBound
        }.filter { $0.lowerBound >= start && $0.upperBound <= end }
        return Highlighter.render(utf8, start..<end, marks: markBytes)
    }

    /// Matched token index ranges, by start, and which query part each belongs to (0: a single word).
    private func marks(_ tokens: [Token], title: String, body: String) -> [(range: Range<Int>, part: Int)] {
        var marks: [(range: Range<Int>, part: Int)] = []
        var byPosition: [Int: Int] = [:]   // position → token index
        for (i, t) in tokens.enumerated() { byPosition[t.position] = i }
        for (i, t) in tokens.enumerated() where singles.contains(t.term) {
            marks.append((i..<(i + 1), 0))
        }
        // Entity parts: mark the mentions' words.
        if let recognizer, singles.contains(where: { $0.hasPrefix("\u{1}") }) {
            // The title takes part, as at index time: an unambiguous mention there settles the body's.
            for m in recognizer.recognize([(title, analyzer.tokens(title)), (body, tokens)])[1] where singles.contains(recognizer.terms[m.entity]) {
                marks.append((m.start..<(m.start + m.count), 0))
            }
        }
        for (pi, phrase) in phrases.enumerated() {
            for (i, t) in tokens.enumerated() where t.term == phrase[0].term {
                var last = i
                var ok = true
                for p in phrase.dropFirst() {
                    guard let j = byPosition[t.position + p.offset - phrase[0].offset], tokens[j].term == p.term else { ok = false; break }
                    last = max(last, j)
                }
                if ok { marks.append((i..<(last + 1), pi + 1)) }
            }
        }
        marks.sort { $0.range.lowerBound < $1.range.lowerBound }
        return marks
    }

    /// The byte where the passage starts: before the window holding the most distinct matched
    /// terms (then the most matches), at its sentence or line when close enough, on a character boundary.
    private func passageStart(_ marks: [(range: Range<Int>, part: Int)], _ tokens: [Token], _ utf8: [UInt8]) -> Int {
        var bestStart = 0
        if !marks.isEmpty {
            var bestScore = -1
            for anchor in marks.indices {
                let startByte = tokens[marks[anchor].range.lowerBound].byteRange.lowerBound
                var distinct = Set<String>()
                var count = 0
                for m in marks[anchor...] {
                    if tokens[m.range.upperBound - 1].byteRange.upperBound - startByte > targetLength * 3 / 2 { break }
                    distinct.insert(tokens[m.range.lowerBound].term)
                    count += 1
                }
                let score = distinct.count * 1000 + count
                if score > bestScore { bestScore = score; bestStart = startByte }
            }
            bestStart = Highlighter.sentenceStart(before: bestStart, utf8)
        }
        // Snap to a character boundary and the start of a word.
        while bestStart > 0 && bestStart < utf8.count && (utf8[bestStart] & 0xC0) == 0x80 { bestStart -= 1 }
        return bestStart
    }

    /// The start of the sentence or line holding byte `start`, when close enough; else the first
    /// whole word in reach.
    private static func sentenceStart(before start: Int, _ utf8: [UInt8]) -> Int {
        var s = start
        let earliest = max(0, start - 80)
        while s > earliest {
            let c = utf8[s - 1]
            if c == UInt8(ascii: "\n") { break }
            if s >= 2 && (utf8[s - 2] == UInt8(ascii: ".") || utf8[s - 2] == UInt8(ascii: "!") || utf8[s - 2] == UInt8(ascii: "?")) && c == UInt8(ascii: " ") { break }
            s -= 1
        }
        if s == earliest && s > 0 {
            // No sentence start nearby: begin at the first whole word instead.
            while s < start && utf8[s - 1] != UInt8(ascii: " ") && utf8[s - 1] != UInt8(ascii: "\n") { s += 1 }
        }
        return s
    }

    /// The byte where a passage starting at `start` ends: after the last whole token that fits.
    private func passageEnd(from start: Int, _ tokens: [Token], _ utf8: [UInt8]) -> Int {
        var end = min(utf8.count, start + targetLength)
        if end < utf8.count {
            if let last = tokens.last(where: { $0.byteRange.upperBound <= end && $0.byteRange.lowerBound >= start }) {
                end = last.byteRange.upperBound
                // Keep sentence punctuation right after it.
                while end < utf8.count && end < start + targetLength + 3,
                      [UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "!"), UInt8(ascii: "?")].contains(utf8[end]) { end += 1 }
            }
            while end < utf8.count && (utf8[end] & 0xC0) == 0x80 { end += 1 }
        }
        return end
    }

    /// The passage `bytes` of `utf8` with whitespace collapsed, the matches `markBytes` (byte
    /// ranges of `utf8`, by start) marked, and "…" where text is cut.
    private static func render(_ utf8: [UInt8], _ bytes: Range<Int>, marks markBytes: [Range<Int>]) -> Snippet {
        let bestStart = bytes.lowerBound, end = bytes.upperBound
        var out: [UInt8] = []
        var ranges: [Range<Int>] = []
        if bestStart > 0 { out += Array("… ".utf8) }
        var mi = 0
        var openAt: Int? = nil
        var pendingSpace = false
        var i = bestStart
        while i < end {
            if mi < markBytes.count && openAt == nil && i == markBytes[mi].lowerBound {
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                openAt = out.count
            }
            let c = utf8[i]
            if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D {
                pendingSpace = true
            } else {
                if pendingSpace && !out.isEmpty && !(out.count >= 1 && out.last == 0x20) { out.append(0x20) }
                pendingSpace = false
                out.append(c)
            }
            i += 1
            if let o = openAt, mi < markBytes.count, i == markBytes[mi].upperBound {
                ranges.append(o..<out.count)
                openAt = nil
                mi += 1
                while mi < markBytes.count && markBytes[mi].lowerBound < i { mi += 1 }
            }
        }
        if end < utf8.count { out += Array(" …".utf8) }
        let text = String(decoding: out, as: UTF8.self)
        let u = text.utf8
        let highlights = ranges.map { r in u.index(u.startIndex, offsetBy: r.lowerBound)..<u.index(u.startIndex, offsetBy: r.upperBound) }
        return Snippet(text: text, highlights: highlights)
    }
}
