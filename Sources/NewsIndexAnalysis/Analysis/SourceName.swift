/// The analysis of an article's source (the site or outlet), for indexing and for `source:` queries.
///
/// A source is a host (`www.bbc.co.uk`, or a URL, whose host is taken) or a name (`Al Jazeera`).
/// A host is lower-cased, loses a leading `www.` and a trailing dot, and is indexed as each of
/// its suffixes at label boundaries that keep at least two labels (`news.bbc.co.uk`,
/// `bbc.co.uk`, `co.uk`), so `source:bbc.co.uk` matches its subdomains. A name is lower-cased
/// with its runs of white space made one space, and indexed as that one exact term.
package enum SourceName {
    /// The source's terms for the `source` field, and the form facets show (`display`); nil
    /// when the source is blank.
    package static func analyze(_ source: String) -> (display: String, terms: [String])? {
        guard let key = normalized(source) else { return nil }
        if !isHost(key) { return (collapsed(source), [key]) }
        let labels = key.split(separator: ".", omittingEmptySubsequences: false)
        var terms = [key]
        if labels.count > 2 {
            for k in 1...(labels.count - 2) { terms.append(labels[k...].joined(separator: ".")) }
        }
        return (key, terms)
    }

    /// The one term a `source:` value searches for, or nil when it has nothing to search.
    package static func queryTerm(_ value: String) -> String? { normalized(value) }

    /// The host of a URL, lower-cased and without a leading `www.`; nil when `url` has none.
    package static func host(ofURL url: String) -> String? {
        var s = Substring(url.trimmingWhitespace())
        guard let scheme = s.firstRange(of: "://") else { return nil }
        s = s[scheme.upperBound...]
        if let end = s.firstIndex(where: { "/?#".contains($0) }) { s = s[..<end] }
        if let at = s.lastIndex(of: "@") { s = s[s.index(after: at)...] }
        if let colon = s.lastIndex(of: ":"), !s.contains("]") { s = s[..<colon] }
        let host = stripped(s.lowercased())
        return host.isEmpty || !isHost(host) ? nil : host
    }

    /// The matching key of a source or query value: a host as ``host(ofURL:)`` gives it, or the
    /// lower-cased name with white space collapsed; nil when blank.
    static func normalized(_ text: String) -> String? {
        let name = collapsed(text).lowercased()
        if name.isEmpty { return nil }
        if name.contains("://"), let h = host(ofURL: name) { return h }
        let host = stripped(name)
        return isHost(host) ? host : name
    }

    /// Whether `s` (lower-cased) reads as a host name: labels of letters, digits and `-`, at least two.
    static func isHost(_ s: String) -> Bool {
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { l in
            !l.isEmpty && l.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }

    /// `s` without a leading `www.` and a trailing dot.
    private static func stripped(_ s: String) -> String {
        var h = Substring(s)
        if h.hasSuffix(".") { h = h.dropLast() }
        if h.hasPrefix("www."), h.dropFirst(4).contains(".") { h = h.dropFirst(4) }
        return String(h)
    }

    /// `text` trimmed, each run of white space (and control characters) made one space.
    private static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.unicodeScalars.allSatisfy { $0.properties.generalCategory == .control } })
            .joined(separator: " ")
    }
}

extension String {
    /// The string without white space at either end.
    fileprivate func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return s
    }
}
