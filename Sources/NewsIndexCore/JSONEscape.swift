/// The escapes of JSON strings, shared by the JSON readers (articles as JSON Lines, a page's JSON-LD).
package enum JSONEscape {
    /// The byte a one-letter escape (`\n`, `\"`, …; `e` is the letter) stands for, nil for `u` and invalid ones.
    @inline(__always)
    package static func simple(_ e: UInt8) -> UInt8? {
        switch e {
        case UInt8(ascii: "\""): return 0x22
        case UInt8(ascii: "\\"): return 0x5C
        case UInt8(ascii: "/"): return 0x2F
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        default: return nil
        }
    }

    /// The code point of a UTF-16 surrogate pair, nil when `high` and `low` are not one.
    package static func pair(_ high: UInt32, _ low: UInt32) -> UInt32? {
        guard high >= 0xD800 && high < 0xDC00, low >= 0xDC00 && low < 0xE000 else { return nil }
        return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
    }
}
