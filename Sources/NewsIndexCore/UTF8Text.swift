/// Strict UTF-8 checks for text read from input files and from the index.
///
/// `String(validating:as:)` is generic over the encoding, and on this toolchain each call looks up
/// the encoding's metadata at run time: about a tenth of the JSON reader's time when it made every
/// string that way. These checks are plain loops over the bytes, eight at a time while they are ASCII.
package enum UTF8Text {
    /// The text of `bytes`, or nil if they are not well-formed UTF-8 (RFC 3629: no overlong forms,
    /// no surrogates, nothing past U+10FFFF).
    @inline(__always)
    package static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard firstInvalid(bytes) == nil else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The text of `bytes`, or nil if they are not well-formed UTF-8.
    @inline(__always)
    package static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        string(bytes.bindMemory(to: UInt8.self))
    }

    /// The offset of the first byte of the first sequence in `bytes` that is not well-formed UTF-8
    /// (a stray continuation byte, a sequence cut short, an overlong form, a surrogate, a code
    /// point past U+10FFFF), or nil if there is none.
    package static func firstInvalid(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let p = bytes.baseAddress else { return nil }
        let n = bytes.count
        let raw = UnsafeRawPointer(p)
        var i = 0
        @inline(__always) func continuation(_ at: Int) -> Bool { at < n && p[at] & 0xC0 == 0x80 }
        while i < n {
            while i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < n else { break }
            let b = p[i]
            if b < 0x80 { i += 1; continue }
            switch b {
            case 0xC2...0xDF:
                guard continuation(i + 1) else { return i }
                i += 2
            case 0xE0...0xEF:
                guard i + 1 < n else { return i }
                let second = p[i + 1]
                let low: UInt8 = b == 0xE0 ? 0xA0 : 0x80, high: UInt8 = b == 0xED ? 0x9F : 0xBF
                guard second >= low && second <= high, continuation(i + 2) else { return i }
                i += 3
            case 0xF0...0xF4:
                guard i + 1 < n else { return i }
                let second = p[i + 1]
                let low: UInt8 = b == 0xF0 ? 0x90 : 0x80, high: UInt8 = b == 0xF4 ? 0x8F : 0xBF
                guard second >= low && second <= high, continuation(i + 2), continuation(i + 3) else { return i }
                i += 4
            default:
                return i   // a continuation byte, C0, C1, F5–FF
            }
        }
        return nil
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces, tabs and line ends.
    package func trimmingASCIIWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\n" || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\n" || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
