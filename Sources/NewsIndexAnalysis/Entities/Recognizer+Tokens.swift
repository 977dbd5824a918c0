/// Helpers on the source text of tokens: apostrophes, word ends, UTF-8 scalars, sentence breaks, possessives.
extension Recognizer {
    /// The text of a token as written, with curly apostrophes made straight.
    package static func surface(_ text: String, _ range: Range<Int>) -> String {
        var bytes = Array(text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: range.lowerBound)...].prefix(range.count))
        Recognizer.straighten(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces each `’` (E2 80 99) in `bytes` with `'`.
    package static func straighten(_ bytes: inout [UInt8]) {
        guard bytes.contains(0xE2) else { return }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0xE2 && i + 2 < bytes.count && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x99 {
                out.append(UInt8(ascii: "'"))
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        bytes = out
    }

    /// False when the word goes on after an apostrophe (`Xi'an` split by the simple analyzer);
    /// a possessive `'s` is fine.
    package static func endsCleanly(_ bytes: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
        guard end < bytes.count else { return true }
        var at = end
        if bytes[at] == UInt8(ascii: "'") {
            at += 1
        } else if bytes[at] == 0xE2 && at + 2 < bytes.count && bytes[at + 1] == 0x80 && bytes[at + 2] == 0x99 {
            at += 3
        } else {
            return true
        }
        guard at < bytes.count, let (c, n) = scalar(bytes, at), c.properties.isAlphabetic else { return true }
        if c == "s" || c == "S" {
            guard at + n < bytes.count, let (d, _) = scalar(bytes, at + n) else { return true }
            return !d.properties.isAlphabetic
        }
        return false
    }

    /// The Unicode scalar at byte `i` and its length, or nil inside a malformed sequence.
    static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Unicode.Scalar, Int)? {
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2
        guard i + n <= bytes.count else { return nil }
        var v = UInt32(b0) & (0x7F >> UInt32(n))
        for k in 1..<n { v = v << 6 | UInt32(bytes[i + k] & 0x3F) }
        return Unicode.Scalar(v).map { ($0, n) }
    }

    /// Whether a sentence ends between two tokens: `.`, `!`, `?` or a line break in the text between them.
    package static func sentenceBreak(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Span, _ b: Span) -> Bool {
        guard a.end < b.start else { return false }
        for k in Int(a.end)..<Int(b.start) {
            switch bytes[k] {
            case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), 0x0A:
                // A dot between digits or inside an abbreviation is no sentence end; a dot before a space is.
                if bytes[k] == UInt8(ascii: "."), k + 1 < bytes.count, bytes[k + 1] != 0x20, bytes[k + 1] != 0x0A { continue }
                return true
            default:
                continue
            }
        }
        return false
    }

    /// Whether `'s` or `’s` follows at byte `at`.
    package static func possessiveFollows(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Bool {
        if at + 1 < bytes.count, bytes[at] == UInt8(ascii: "'"), bytes[at + 1] == UInt8(ascii: "s") { return true }
        if at + 3 < bytes.count, bytes[at] == 0xE2, bytes[at + 1] == 0x80, bytes[at + 2] == 0x99, bytes[at + 3] == UInt8(ascii: "s") { return true }
        return false
    }
}
