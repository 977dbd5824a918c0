import Foundation

/// A token: a normalized term with its position and where it came from in the original text.
public struct Token: Equatable, Hashable, Sendable {
    /// The normalized term, as stored in the index.
    public var term: String
    /// 0-based position of the token within the analyzed text.
    public var position: Int
    /// UTF-8 byte offsets of the token's source text in the original string. For a possessive
    /// (`Xi’s`) the range covers the word without the `’s`.
    public var byteRange: Range<Int>

    /// Creates a token.
    public init(term: String, position: Int, byteRange: Range<Int>) {
        self.term = term
        self.position = position
        self.byteRange = byteRange
    }
}

/// Turns text into tokens. The same analyzer runs at index time and at query time.
///
/// Three analyzers exist:
/// - ``news`` (the default): Unicode words, case and diacritic folding (`Öne Çıkan` → `one`, `cikan`),
///   straight and curly apostrophes alike with possessives removed (`Xi’s`, `Xi's` → `xi`), other
///   inner apostrophes joined (`don't` → `dont`), hyphenated and slashed words split into
///   consecutive tokens (`Russian-Chinese` → `russian`, `chinese`), numbers kept whole (`3,392` →
///   `3392`, `1.7` → `1.7`), dotted acronyms joined (`U.S.` → `us`). No stop words are removed.
/// - ``english``: ``news`` plus Snowball's English (Porter2) stemmer from the Snowball project's C
///   library (`cooperation` → `cooper`, `strategies` → `strategi`); proper names of the entity list
///   are left as they are (`Jinping`, `Paris`, `Reuters`).
/// - ``simple``: the same tokens as tantivy's default tokenizer: lower-cased runs of letters and
///   digits, tokens of 40 bytes or more dropped (their position stays taken, as in tantivy).
///
/// ```swift
/// Analyzer.news.tokens("Xi’s Russian-Chinese ties").map(\.term)   // ["xi", "russian", "chinese", "ties"]
/// ```
public struct Analyzer: Sendable, Hashable {
    @usableFromInline package enum Kind: String, Sendable, Hashable, CaseIterable {
        case news, english, simple
    }

    @usableFromInline package let kind: Kind
    /// Terms the stemmer leaves as they are (the proper names of the entity list, handed over by
    /// ``english``); empty for analyzers that do not stem.
    @usableFromInline package let protectedTerms: Set<String>

    /// The analyzer's name as stored in an index.
    public var name: String { kind.rawValue }

    /// The default news-aware analyzer.
    public static let news = Analyzer(kind: .news)

    /// tantivy-compatible: lower-cased runs of letters and digits; tokens of 40 bytes or more are dropped.
    public static let simple = Analyzer(kind: .simple)

    /// An analyzer of `kind`; a stemming one leaves the terms in `protectedTerms` unstemmed.
    package init(kind: Kind, protectedTerms: Set<String> = []) {
        self.kind = kind
        self.protectedTerms = kind == .english ? protectedTerms : []
    }

    /// Analyzers are equal when they are of one kind: the protected terms follow from it.
    public static func == (a: Analyzer, b: Analyzer) -> Bool { a.kind == b.kind }

    /// Hashes the kind.
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    /// The tokens of `text`, positions starting at 0.
    public func tokens(_ text: String) -> [Token] {
        var out: [Token] = []
        forEachToken(in: text) { out.append($0) }
        return out
    }

    /// Calls `body` with each token of `text` in order, without collecting them.
    public func forEachToken(in text: String, _ body: (Token) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            forEachTerm(inUTF8: bytes) { term, position, range in
                body(Token(term: String(decoding: term, as: UTF8.self), position: position, byteRange: range))
            }
        }
    }

    /// The indexing path: calls `body` with each term's normalized UTF-8 bytes (valid only during
    /// the call), its position and the byte range of its source in `bytes`, making no strings.
    @inlinable
    package func forEachTerm(inUTF8 bytes: UnsafeBufferPointer<UInt8>,
                             _ body: (UnsafeBufferPointer<UInt8>, Int, Range<Int>) -> Void) {
        let stemmer = kind == .english ? SnowballStemmer(algorithm: "english") : nil
        var t = Tokenizer(bytes: bytes, kind: kind, stemmer: stemmer, protected: protectedTerms)
        t.run(body)
    }
}

/// The tokenizer's state over a UTF-8 buffer.
@usableFromInline package struct Tokenizer {
    @usableFromInline package let bytes: UnsafeBufferPointer<UInt8>
    @usableFromInline package let kind: Analyzer.Kind
    @usableFromInline package var position = 0
    /// Longest term the news analyzer keeps, in UTF-8 bytes.
    @usableFromInline package static let maxNewsTermBytes = 100
    @usableFromInline package static let maxSimpleTermBytes = 40

    @usableFromInline package let stemmer: SnowballStemmer?
    @usableFromInline package let protected: Set<String>

    @usableFromInline package init(bytes: UnsafeBufferPointer<UInt8>, kind: Analyzer.Kind, stemmer: SnowballStemmer? = nil, protected: Set<String> = []) {
        self.bytes = bytes
        self.kind = kind
        self.stemmer = stemmer
        self.protected = stemmer == nil ? [] : protected
    }

    /// Decodes the scalar at `i` (the buffer is valid UTF-8): (scalar, length).
    @inlinable @inline(__always)
    package func scalar(at i: Int) -> (Unicode.Scalar, Int) {
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        if b0 < 0xE0 {
            let v = UInt32(b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 2)
        }
        if b0 < 0xF0 {
            let v = UInt32(b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 3)
        }
        let v = UInt32(b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
        return (Unicode.Scalar(v) ?? "\u{FFFD}", 4)
    }

    @inlinable @inline(__always)
    package static func isASCIIAlnum(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
    }

    @inlinable @inline(__always)
    package static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }

    @usableFromInline package static func isWordScalar(_ s: Unicode.Scalar, simple: Bool) -> Bool {
        if s.value < 0x80 { return isASCIIAlnum(UInt8(s.value)) }
        let p = s.properties
        if p.isAlphabetic || p.numericType != nil { return true }
        if simple { return false }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    @inlinable
    package static func isApostrophe(_ s: Unicode.Scalar) -> Bool {
        s == "'" || s == "\u{2019}" || s == "\u{2018}" || s == "\u{02BC}"
    }

    @inlinable
    package func isWord(at i: Int) -> Bool {
        guard i < bytes.count else { return false }
        let b = bytes[i]
        if b < 0x80 { return Tokenizer.isASCIIAlnum(b) }
        return Tokenizer.isWordScalar(scalar(at: i).0, simple: kind == .simple)
    }

    @inlinable
    package func isDigit(at i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }

    @inlinable
    package func isLetter(at i: Int) -> Bool {
        guard i < bytes.count else { return false }
        let b = bytes[i]
        if b < 0x80 { return (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) }
        return scalar(at: i).0.properties.isAlphabetic
    }

    /// End of the run of word scalars starting at `i`.
    @inlinable
    package func runEnd(from i: Int) -> Int {
        var j = i
        while j < bytes.count {
            let b = bytes[j]
            if b < 0x80 {
                if !Tokenizer.isASCIIAlnum(b) { break }
                j += 1
            } else {
                let (s, n) = scalar(at: j)
                if !Tokenizer.isWordScalar(s, simple: kind == .simple) { break }
                j += n
            }
        }
        return j
    }

    /// Calls `body` with each term, its position and its source range (inlinable, so that the
    /// indexer's closure is specialized into the loop: a call per token otherwise).
    @inlinable
    package mutating func run(_ body: (UnsafeBufferPointer<UInt8>, Int, Range<Int>) -> Void) {
        var i = 0
        var term = TermBuffer()
        defer { term.free() }
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 ? Tokenizer.asciiLowered(b) == 0 : !isWord(at: i) {
                i += b < 0x80 ? 1 : scalar(at: i).1
                continue
            }
            let start = i
            term.count = 0
            var end = i
            var next = i   // where scanning resumes after the token
            while true {
                // Most runs are ASCII: lower-case them as they are scanned. A run that goes on
                // with a word scalar beyond ASCII is normalized whole, as before (folding and
                // lower-casing work on the whole run).
                let mark = term.count
                var r = end
                while r < bytes.count {
                    let lowered = Tokenizer.asciiLowered(bytes[r])
                    if lowered == 0 { break }
                    term.append(lowered)
                    r += 1
                }
                if r < bytes.count && bytes[r] >= 0x80 {
                    let whole = runEnd(from: r)
                    if whole > r {
                        term.count = mark
                        appendNormalized(end..<whole, to: &term)
                        r = whole
                    }
                }
                let runStart = end
                end = r
                next = r
                if kind == .simple || r >= bytes.count { break }
                let (c, n) = scalar(at: r)
                if Tokenizer.isApostrophe(c) {
                    let after = r + n
                    if isLetter(at: after) {
                        // Possessive 's at the end of a word: drop it.
                        if (bytes[after] == UInt8(ascii: "s") || bytes[after] == UInt8(ascii: "S")) && !isWord(at: after + 1) {
                            next = after + 1
                            break
                        }
                        end = after          // inner apostrophe: join the parts
                        continue
                    }
                    break
                }
                if (c == "," || c == ".") && r > runStart && isDigit(at: r - 1) && isDigit(at: r + 1) {
                    if c == "." {
                        term.append(UInt8(ascii: "."))
                        end = r + 1
                        continue
                    }
                    // A thousands separator: exactly three digits, then no digit.
                    if isDigit(at: r + 2) && isDigit(at: r + 3) && !isDigit(at: r + 4) {
                        end = r + 1
                        continue
                    }
                    break
                }
                if c == "." && r - runStart == scalar(at: runStart).1 && isLetter(at: runStart) && isLetter(at: r + 1) {
                    // Dotted acronym (U.S., U.K.): single letters separated by dots.
                    let afterLetter = r + 1 + scalar(at: r + 1).1
                    if afterLetter >= bytes.count || bytes[afterLetter] == UInt8(ascii: ".") || !isWord(at: afterLetter) {
                        end = r + 1
                        continue
                    }
                }
                break
            }
            emit(term.bytes, start..<end, body)
            i = max(next, end)
        }
    }

    /// The lower-cased byte of an ASCII letter or digit, 0 for any other byte.
    @inlinable @inline(__always)
    package static func asciiLowered(_ b: UInt8) -> UInt8 {
        let l = b | 0x20
        if l &- 0x61 < 26 { return l }
        return b &- 0x30 < 10 ? b : 0
    }

    @inlinable
    package mutating func emit(_ term: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>, Int, Range<Int>) -> Void) {
        if kind == .simple {
            // As tantivy's RemoveLongFilter: the token is dropped, its position stays used.
            defer { position += 1 }
            guard !term.isEmpty, term.count < Tokenizer.maxSimpleTermBytes else { return }
            body(term, position, range)
            return
        }
        guard !term.isEmpty, term.count <= Tokenizer.maxNewsTermBytes else { return }
        if let stemmer, !protected.contains(String(decoding: term, as: UTF8.self)) {
            var stemmed = Array(term)
            stemmer.stem(&stemmed)
            stemmed.withUnsafeBufferPointer { body($0, position, range) }
        } else {
            body(term, position, range)
        }
        position += 1
    }

    /// Appends the normalized form of the word scalars in `range`.
    @usableFromInline package func appendNormalized(_ range: Range<Int>, to term: inout TermBuffer) {
        var ascii = true
        for j in range where bytes[j] >= 0x80 { ascii = false; break }
        if ascii {
            for j in range {
                let b = bytes[j]
                term.append(b >= 0x41 && b <= 0x5A ? b + 32 : b)
            }
            return
        }
        let raw = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        if kind == .simple {
            term.append(contentsOf: raw.lowercased().utf8)
            return
        }
        let folded = raw.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        for s in folded.unicodeScalars {
            switch s {
            case "ı", "İ": term.append(UInt8(ascii: "i"))
            case "ł", "Ł": term.append(UInt8(ascii: "l"))
            case "ø", "Ø": term.append(UInt8(ascii: "o"))
            case "đ", "Đ", "ð", "Ð": term.append(UInt8(ascii: "d"))
            case "ħ", "Ħ": term.append(UInt8(ascii: "h"))
            case "æ", "Æ": term.append(contentsOf: "ae".utf8)
            case "œ", "Œ": term.append(contentsOf: "oe".utf8)
            case "þ", "Þ": term.append(contentsOf: "th".utf8)
            default:
                switch s.properties.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark: continue
                default: term.append(contentsOf: String(s).utf8)
                }
            }
        }
    }
}

/// The bytes of the term being built: a growable buffer without the uniqueness and capacity
/// checks an array makes on every byte appended. Its owner frees it.
@usableFromInline package struct TermBuffer {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    /// Bytes in use; setting a smaller count drops the bytes after it.
    @usableFromInline package var count = 0

    @inlinable
    package init(capacity: Int = 128) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    @inlinable package func free() { base.deallocate() }

    @inlinable package var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    @inlinable @inline(__always)
    package mutating func append(_ b: UInt8) {
        if count == capacity { grow() }
        base[count] = b
        count += 1
    }

    @inlinable
    package mutating func append<S: Sequence>(contentsOf bytes: S) where S.Element == UInt8 {
        for b in bytes { append(b) }
    }

    @usableFromInline
    mutating func grow() {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}
