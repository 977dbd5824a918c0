import NewsIndexCore

/// The character set of a web page, decided as browsers do.
public enum TextEncoding {
    /// The encoding to decode `bytes` with, as a name libxml2 (iconv) knows.
    ///
    /// In order: a byte-order mark; the charset `declared` outside the page (an HTTP
    /// `Content-Type` header's, when there is one); a `<meta charset>` or `<meta http-equiv>`
    /// in the first 4 KiB; else UTF-8 when the bytes are valid UTF-8, and Windows-1252 when they
    /// are not. As in browsers, Latin-1 and ASCII labels are read as Windows-1252 (its superset),
    /// and a page labelled UTF-8 whose bytes are not is read as Windows-1252.
    public static func detect(_ bytes: UnsafeRawBufferPointer, declared: String? = nil) -> String {
        let u = bytes.bindMemory(to: UInt8.self)
        if u.starts(with: [0xEF, 0xBB, 0xBF]) { return "UTF-8" }
        if u.starts(with: [0xFF, 0xFE]) { return "UTF-16LE" }
        if u.starts(with: [0xFE, 0xFF]) { return "UTF-16BE" }
        let label = declared.flatMap(normalized) ?? metaCharset(u).flatMap(normalized)
        let validUTF8 = UTF8Text.firstInvalid(u) == nil
        switch label {
        case nil: return validUTF8 ? "UTF-8" : "windows-1252"
        case "UTF-8": return validUTF8 ? "UTF-8" : "windows-1252"
        case let other?: return other
        }
    }

    /// The bytes of a page that is UTF-8 but for a few bad bytes, with each bad sequence made
    /// U+FFFD; nil when the page is valid UTF-8, is labelled with another charset, or is not
    /// mostly UTF-8 (then ``detect(_:declared:)`` reads it as Windows-1252). A stray Latin-1
    /// byte in a UTF-8 page must not turn all of its accented letters into mojibake.
    static func repairedUTF8(_ bytes: UnsafeRawBufferPointer, declared: String? = nil) -> [UInt8]? {
        let u = bytes.bindMemory(to: UInt8.self)
        guard UTF8Text.firstInvalid(u) != nil, !u.starts(with: [0xFF, 0xFE]), !u.starts(with: [0xFE, 0xFF]) else { return nil }
        let label = declared.flatMap(normalized) ?? metaCharset(u).flatMap(normalized)
        guard label == nil || label == "UTF-8" else { return nil }
        let text = String(decoding: u, as: UTF8.self)
        var good = 0, bad = 0
        for scalar in text.unicodeScalars where scalar.value >= 0x80 {
            if scalar == "\u{FFFD}" { bad += 1 } else { good += 1 }
        }
        return good > 2 * bad ? Array(text.utf8) : nil
    }

    /// The charset named by a `charset` parameter of an HTTP `Content-Type` value
    /// (`text/html; charset=ISO-8859-1`), nil when it names none.
    public static func charset(ofContentType value: String) -> String? {
        let lower = Array(value.lowercased().utf8)
        guard let at = find(Array("charset=".utf8), in: lower[...]) else { return nil }
        let name = token(lower[(at + 8)...])
        return name.isEmpty ? nil : name
    }

    /// A charset label as the encoding to use: Latin-1 and ASCII labels become Windows-1252,
    /// UTF-8 labels "UTF-8"; nil for an empty label.
    static func normalized(_ label: String) -> String? {
        let l = token(Array(label.lowercased().utf8)[...])
        if l.isEmpty { return nil }
        switch l {
        case "utf-8", "utf8", "unicode-1-1-utf-8": return "UTF-8"
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "ansi_x3.4-1968",
             "cp1252", "windows-1252", "x-cp1252", "cp819", "ibm819", "iso-ir-100", "csisolatin1":
            return "windows-1252"
        // A page cannot really be UTF-16 once it was read as ASCII up to its meta tag.
        case "utf-16", "utf-16le", "utf-16be": return "UTF-8"
        default: return l
        }
    }

    /// The charset of the first `<meta charset=…>` or `<meta http-equiv="Content-Type"
    /// content="…; charset=…">` in the first 4 KiB of `u`, without parsing the page.
    static func metaCharset(_ u: UnsafeBufferPointer<UInt8>) -> String? {
        let head = u.prefix(4096).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        var from = 0
        while let m = find(Array("<meta".utf8), in: head[from...]) {
            let end = head[m...].firstIndex(of: UInt8(ascii: ">")) ?? head.count
            if let c = find(Array("charset".utf8), in: head[m..<end]) {
                let rest = head[(c + 7)..<end].drop { $0 == 0x20 }
                if rest.first == UInt8(ascii: "=") {
                    let name = token(rest.dropFirst())
                    if !name.isEmpty { return name }
                }
            }
            from = end
        }
        return nil
    }

    /// Where `needle` first occurs in `hay` (an index of `hay`), nil when it does not.
    private static func find(_ needle: [UInt8], in hay: ArraySlice<UInt8>) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = hay.startIndex
        while i + needle.count <= hay.endIndex {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// The charset name at the start of `s`, after spaces and quotes, up to the next delimiter.
    private static func token(_ s: ArraySlice<UInt8>) -> String {
        let skip: Set<UInt8> = Set(" \t\"'".utf8)
        let ends: Set<UInt8> = Set(";\"' \t,/>".utf8)
        return String(decoding: s.drop { skip.contains($0) }.prefix { !ends.contains($0) }, as: UTF8.self)
    }
}
