import NewsIndex
/// Reads an article out of a plain-text web page scrape.
///
/// Scraped pages put navigation, section names and the HTML title around the headline, so the
/// headline is chosen by scoring the first 15 non-empty lines:
/// - a *candidate* has 4 to 30 words, at most 250 characters, does not end with `:`, and does not
///   start with a credit (`Copyright`, `Photo:`) or read as navigation (`View all`, `Load more`, `Just In`);
/// - +5 when the next line is a byline (`By Jane Doe`, `by Jane Doe - 12/30/22 7:55 AM ET`);
/// - +4 when the same line is repeated verbatim right after it (pages often print the headline twice);
/// - +4 when an earlier line is this line plus a site suffix (`Headline - Site Name`, `Headline | Site`),
///   comparing straight and curly quotes alike: the in-page form wins over the HTML title;
/// - +2 for the first line when it has no sentence-final period (it is usually the page title).
/// The best score wins, the earlier line on ties; without any candidate the first line is the title.
/// A byline found under the headline gives `Article.byline` and, when it carries one, the date;
/// a line that is a URL alone gives `Article.source`, its host.
/// The body is the article's own text: paragraphs that read as prose (at least three words ending
/// like a sentence, or twenty words or more) and short questions used as subheadings. Everything else
/// is set aside (stored, shown by `newsindex show`, never searched): lines before the headline,
/// the byline, page furniture (share buttons, advertisements, credits, comment forms, navigation:
/// `boilerplatePrefixes`), short unpunctuated fragments, and lists of other stories, which start
/// at a heading such as "You might also like" or "Most Popular" after the article has begun and
/// run until the next long paragraph.
public enum TextArticle {
    /// Builds an `Article` from a scraped page; `dateOrder` reads an all-numeric byline date.
    public static func parse(_ text: String, id: String, dateOrder: ArticleDate.Order = .mdy) -> Article {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters() }
        var nonEmpty: [Int] = []   // indices into lines
        for (i, l) in lines.enumerated() where !l.isEmpty { nonEmpty.append(i) }
        guard !nonEmpty.isEmpty else { return Article(id: id, title: "", body: "") }

        let window = Array(nonEmpty.prefix(15))
        var best: (score: Int, k: Int)? = nil
        var titleLine = window[0]
        for (k, li) in window.enumerated() {
            let line = lines[li]
            guard isCandidate(line) else { continue }
            var score = 0
            if k + 1 < window.count, parseByline(lines[window[k + 1]]) != nil { score += 5 }
            if k + 1 < window.count, lines[window[k + 1]] == line { score += 4 }
            let folded = foldQuotes(line)
            for e in window[..<k] {
                let earlier = foldQuotes(lines[e])
                for sep in [" - ", " | ", " – ", " — "] where earlier.hasPrefix(folded + sep) { score += 4 }
            }
            if k == 0 && !line.hasSuffix(".") { score += 2 }
            if best == nil || score > best!.score { best = (score, k) }
        }
        if let b = best { titleLine = window[b.k] }
        // Without any signal, a short unpunctuated first line ("Putin meets Xi") is the headline
        // rather than the first candidate further down (which is usually the first paragraph).
        let first = lines[window[0]]
        if best.map({ $0.score == 0 && $0.k > 0 }) ?? true, (2...30).contains(wordCount(first)),
           !".!?:".contains(first.last!), classify(first) != .boilerplate, classify(first) != .storyListMarker {
            titleLine = window[0]
        }
        let title = lines[titleLine]

        var byline: String?
        var date: ArticleDate?
        if let k = window.firstIndex(of: titleLine), k + 1 < window.count, let (name, d) = parseByline(lines[window[k + 1]], order: dateOrder) {
            byline = name
            date = d
        }
        // Body: the article's own paragraphs; the page around them is set aside.
        var body: [Substring] = []
        var aside: [Substring] = []
        var inStoryList = false
        var seenProse = false
        let credits = lines.filter { !$0.isEmpty && classify($0) == .boilerplate && $0.count > 20 }.map { foldQuotes($0) }
        for (i, l) in lines.enumerated() where !l.isEmpty {
            if i == titleLine || (l == title && i > titleLine && i <= titleLine + 3) { continue }
            let line = l
            var kind = classify(line)
            if byline != nil && i > titleLine && i <= titleLine + 3 && parseByline(l) != nil { kind = .boilerplate }
            if kind == .storyListMarker && seenProse { inStoryList = true }
            // Inside a list of other stories, numbered items stay items even when they end like a sentence.
            if inStoryList && isNumberedItem(line) { kind = .fragment }
            // A photo caption repeated in a credit line ("… at a meeting. Copyright …") is page furniture.
            if kind == .prose && credits.contains(where: { $0 != foldQuotes(line) && $0.hasPrefix(foldQuotes(line)) }) { kind = .fragment }
            let keep: Bool
            switch kind {
            case .prose:
                // A sentence ends a list of other stories; headlines in such lists have no full stop.
                inStoryList = false
                // Before the headline only a long paragraph is article text (a lede above a late headline).
                keep = i > titleLine || wordCount(line) >= 20
            case .question:
                keep = !inStoryList && seenProse
            default:
                keep = false
            }
            if keep {
                body.append(line)
                if kind == .prose { seenProse = true }
            } else {
                aside.append(line)
            }
        }
        return Article(id: id, title: String(title), body: body.joined(separator: "\n\n"), date: date, byline: byline,
                       source: urlLineHost(lines), setAside: aside.isEmpty ? nil : aside.joined(separator: "\n"))
    }

    /// The host of the page's first line that is a URL and nothing else (`https://www.bbc.co.uk/news/…`
    /// gives `bbc.co.uk`), or nil.
    static func urlLineHost(_ lines: [Substring]) -> String? {
        for l in lines where (l.hasPrefix("http://") || l.hasPrefix("https://")) && !l.contains(where: \.isWhitespace) {
            if let host = SourceName.host(ofURL: String(l)) { return host }
        }
        return nil
    }

    /// What a line of a scraped page is.
    enum LineKind: Equatable {
        /// A paragraph of the article: at least 3 words ending like a sentence, or 20 words or more.
        case prose
        /// A short question, as articles use for subheadings ("What did Putin say?").
        case question
        /// Page furniture: share buttons, advertisements, credits, comment forms, navigation.
        case boilerplate
        /// The start of a list of other stories ("You might also like", "Most Popular").
        case storyListMarker
        /// Anything else that is short and unpunctuated: navigation, captions, list items.
        case fragment
    }

    /// Lines that are page furniture wherever they stand (compared lower-cased, from the line's start).
    static let boilerplatePrefixes = [
        "share this article", "share this", "share on", "advertisement", "sponsored", "abone ol", "back to top",
        "to top", "leave a reply", "leave a comment", "post a comment", "no comments", "click to comment",
        "your email address will not be published", "required fields are marked", "copyright", "©", "photo:",
        "image:", "credit:", "tags ", "copy/paste", "copy to clipboard", "sign up", "sign in", "subscribe",
        "follow us", "newsletter", "load more", "view all", "see all", "just in", "trending", "read more",
        "all rights reserved", "cookie", "skip to content",
    ]

    /// Headings that start a list of other stories.
    static let storyListMarkers = [
        "you might also like", "you may also like", "related articles", "related stories", "related news",
        "related", "most popular", "most read", "more stories", "more news", "top stories", "recommended",
        "read next", "latest news", "editor's picks", "more international news",
    ]

    static func wordCount(_ line: Substring) -> Int {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).count
    }

    static func classify(_ line: Substring) -> LineKind {
        guard !line.isEmpty else { return .fragment }
        let lower = foldQuotes(line).lowercased()
        let words = wordCount(line)
        if storyListMarkers.contains(where: { lower == $0 || lower == $0 + ":" }) { return .storyListMarker }
        if lower.hasPrefix("more ") && lower.hasSuffix(" news") && words <= 5 { return .storyListMarker }
        let last = line.last!
        // A line ending in "..." or "…" is a cut-off teaser, not a sentence.
        let truncated = line.hasSuffix("...") || last == "…"
        let sentence = !truncated && ".!\"”’)".contains(last) && line.first.map { !$0.isLowercase } == true
        let prose = words >= 20 || (sentence && words >= 2) || (last == ":" && words >= 4 && line.contains(where: \.isLowercase))
        // Furniture is a short line, or one that does not read as prose; prose that merely
        // starts with such a word ("Subscribers to the utility…") stays prose.
        if !prose || words <= 6 {
            if boilerplatePrefixes.contains(where: { startsWithWord(lower, $0) }) { return .boilerplate }
            if lower.contains("copyright") || lower.contains("all rights reserved") { return .boilerplate }
        }
        if !sentence && words <= 20 && isNumberedItem(line) {
            return .fragment   // a numbered list item: "1. Headline of another story"
        }
        if prose { return .prose }
        if words >= 2 && last == "?" { return .question }
        return .fragment
    }

    /// "1. …" to "999. …".
    static func isNumberedItem(_ line: Substring) -> Bool {
        let digits = line.prefix(while: { $0.isASCII && $0.isNumber }).count
        return (1...3).contains(digits) && line.dropFirst(digits).hasPrefix(". ")
    }

    /// Whether `line` starts with `prefix` followed by a word boundary (or `prefix` ends in a separator).
    static func startsWithWord(_ line: String, _ prefix: String) -> Bool {
        guard line.hasPrefix(prefix) else { return false }
        if let end = prefix.last, !end.isLetter { return true }
        guard let next = line.dropFirst(prefix.count).first else { return true }
        return !next.isLetter
    }

    static let navigation = ["view all", "load more", "just in", "read more", "see all", "sign in", "subscribe", "share this"]

    static func isCandidate(_ line: Substring) -> Bool {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count >= 4, words.count <= 30, line.count <= 250, !line.hasSuffix(":") else { return false }
        let lower = line.lowercased()
        if lower.hasPrefix("copyright") || lower.hasPrefix("photo") || lower.hasPrefix("©") { return false }
        if parseByline(line) != nil { return false }
        return !navigation.contains { lower.hasPrefix($0) }
    }

    static func foldQuotes(_ s: Substring) -> String {
        String(s.map { c -> Character in
            switch c {
            case "\u{2018}", "\u{2019}", "\u{02BC}": return "'"
            case "\u{201C}", "\u{201D}": return "\""
            default: return c
            }
        })
    }

    /// "By Jane Doe", "by Jane Doe - 12/30/22 7:55 AM ET", "By Jane Doe and John Roe, Reuters": (name, date?).
    static func parseByline(_ line: Substring, order: ArticleDate.Order = .mdy) -> (String, ArticleDate?)? {
        guard line.hasPrefix("By ") || line.hasPrefix("by ") || line.hasPrefix("BY ") else { return nil }
        var rest = line.dropFirst(3)
        var date: ArticleDate?
        for sep in [" - ", " | ", " – ", " — "] {
            if let r = rest.firstRange(of: sep) {
                date = ArticleDate(parsing: String(rest[r.upperBound...]), order: order)
                rest = rest[..<r.lowerBound]
                break
            }
        }
        let name = rest.trimmingCharacters()
        let words = name.split(separator: " ")
        guard !words.isEmpty, words.count <= 12, let f = name.first, f.isUppercase else { return nil }
        // A sentence is not a byline: "By Friday, officials expected the storm to pass."
        if name.hasSuffix(".") && date == nil { return nil }
        let person = name.split(separator: ",").first.map { $0.split(separator: " ") } ?? []
        let joiners: Set<Substring> = ["and", "with", "de", "da", "van", "von", "der", "bin", "al", "in"]
        guard person.count <= 6, person.allSatisfy({ w in w.first.map { $0.isUppercase } == true || joiners.contains(w) }) else { return nil }
        let notNames: Set<String> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                                     "january", "february", "march", "april", "may", "june", "july", "august",
                                     "september", "october", "november", "december", "then", "now", "the"]
        if person.count == 1, notNames.contains(person[0].lowercased()) { return nil }
        return (String(name), date)
    }
}

extension Substring {
    func trimmingCharacters() -> Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}

