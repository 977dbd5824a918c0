import NewsIndexCore

/// A JSON value, as the JSON-LD blocks of pages hold them (`<script type="application/ld+json">`).
///
/// Parsed leniently where pages are sloppy (a trailing comma, raw control characters in a
/// string) and bounded in depth; anything else that is not JSON gives nil.
indirect enum JSONValue: Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)), let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// The value of member `key` of an object (nil for other values or a missing key).
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The text of a string value, or of a number.
    var text: String? {
        switch self {
        case .string(let s), .number(let s): return s
        default: return nil
        }
    }

    /// Parses `text`; nil when it is not JSON.
    static func parse(_ text: String) -> JSONValue? {
        var p = JSONScanner(bytes: Array(text.utf8))
        guard let v = p.value(depth: 0) else { return nil }
        p.skipSpace()
        return p.at == p.bytes.count ? v : nil
    }
}

/// The scanner behind ``JSONValue/parse(_:)``.
private struct JSONScanner {
    let bytes: [UInt8]
    var at = 0
    static let maxDepth = 64

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    /// The value at the cursor, or nil.
    mutating func value(depth: Int) -> JSONValue? {
        skipSpace()
        guard at < bytes.count, depth < JSONScanner.maxDepth else { return nil }
        switch bytes[at] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return word("true", .bool(true))
        case UInt8(ascii: "f"): return word("false", .bool(false))
        case UInt8(ascii: "n"): return word("null", .null)
        default: return number()
        }
    }

    mutating func word(_ w: String, _ v: JSONValue) -> JSONValue? {
        let u = Array(w.utf8)
        guard at + u.count <= bytes.count, bytes[at..<(at + u.count)].elementsEqual(u) else { return nil }
        at += u.count
        return v
    }

    mutating func number() -> JSONValue? {
        let start = at
        while at < bytes.count, "+-0123456789.eE".utf8.contains(bytes[at]) { at += 1 }
        return at > start ? .number(String(decoding: bytes[start..<at], as: UTF8.self)) : nil
    }

    mutating func object(depth: Int) -> JSONValue? {
        at += 1
        var members: [(String, JSONValue)] = []
        while true {
            skipSpace()
            guard at < bytes.count else { return nil }
            if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
            guard bytes[at] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return nil }
            at += 1
            guard let v = value(depth: depth + 1) else { return nil }
            members.append((key, v))
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: ",") { at += 1 }
        }
    }

    mutating func array(depth: Int) -> JSONValue? {
        at += 1
        var items: [JSONValue] = []
        while true {
            skipSpace()
            guard at < bytes.count else { return nil }
            if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
            guard let v = value(depth: depth + 1) else { return nil }
            items.append(v)
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: ",") { at += 1 }
        }
    }

    /// A string at the cursor (which is on its opening quote), escapes decoded.
    mutating func string() -> String? {
        at += 1
        var out: [UInt8] = []
        while at < bytes.count {
            let b = bytes[at]
            at += 1
            if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            guard b == UInt8(ascii: "\\") else { out.append(b); continue }
            guard at < bytes.count else { return nil }
            let e = bytes[at]
            at += 1
            if let plain = JSONEscape.simple(e) { out.append(plain); continue }
            guard e == UInt8(ascii: "u") else { out.append(e); continue }
            guard var code = hex4() else { return nil }
            if code >= 0xD800 && code < 0xDC00, at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"),
               bytes[at + 1] == UInt8(ascii: "u") {
                at += 2
                guard let low = hex4(), let pair = JSONEscape.pair(code, low) else { return nil }
                code = pair
            }
            out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard at + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[at..<(at + 4)], as: UTF8.self), radix: 16) else { return nil }
        at += 4
        return v
    }
}
