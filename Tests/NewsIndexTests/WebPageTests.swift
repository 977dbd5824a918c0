import Foundation
import Testing
@testable import NewsIndex
@testable import NewsIndexIngest
@testable import NewsIndexHTML
import NewsIndexTestSupport

/// A news page of our own, with the furniture real pages have around the article.
private let storyPage = """
<!DOCTYPE html>
<html lang="en-GB"><head>
<meta charset="utf-8">
<title>Harbour strike ends after talks | Coastline Courier</title>
<meta property="og:title" content="Harbour strike ends after talks – Coastline Courier">
<meta property="og:site_name" content="Coastline Courier">
<meta name="author" content="Mara Lindqvist">
<link rel="canonical" href="/news/2023/04/12/harbour-strike-ends">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
 "headline":"Harbour strike ends after talks","datePublished":"2023-04-12T08:30:00+01:00",
 "dateModified":"2023-04-13T10:00:00+01:00","author":[{"@type":"Person","name":"Mara Lindqvist"}]}</script>
</head><body>
<header class="site-header"><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<main><article class="story">
<h1>Harbour strike ends after talks</h1>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<p>Dock workers at the northern harbour returned to work on Wednesday after nine days of strikes, once the union and the port authority agreed on a new shift plan.</p>
<p>The agreement, reached late on Tuesday night, raises night-shift pay by six per cent and limits weekend shifts to two a month, the union&#8217;s negotiator said.</p>
<h2>Ships waiting offshore</h2>
<p>More than forty container ships had been waiting offshore, and some freight companies had moved their cargo to ports further south, at a cost that traders put in the millions.</p>
<ul><li>Night shifts: six per cent more pay for every worker on the rota</li><li>Weekend shifts: at most two a month, and never two in a row</li></ul>
<blockquote><p>&ldquo;This is a fair deal for the people who keep the harbour running,&rdquo; the negotiator told reporters outside the port office.</p></blockquote>
<figure><img src="ships.jpg"><figcaption>Container ships at anchor. Photo: Harbour Authority</figcaption></figure>
<p>The port authority said traffic would be back to normal by the weekend, once the backlog of ships waiting at anchor had been cleared.</p>
<div class="newsletter-signup"><p>Sign up for our morning briefing and never miss a story from the coast.</p></div>
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Ferry prices rise again this summer</a></li><li><a href="/b">New crane arrives at the harbour</a></li></ul></aside>
<section id="comments"><p>Reader1: About time this strike was settled, the whole town depends on that port.</p></section>
</main>
<footer class="site-footer"><p>© 2023 Coastline Courier. All rights reserved. Contact us at the newsroom.</p></footer>
</body></html>
"""

private func page(_ html: String, url: String? = nil, contentType: String? = nil) -> WebPage {
    Array(html.utf8).withUnsafeBytes { WebPage(html: $0, url: url, contentType: contentType) }
}

private func page(bytes: [UInt8], contentType: String? = nil) -> WebPage {
    bytes.withUnsafeBytes { WebPage(html: $0, contentType: contentType) }
}

@Suite("web pages")
struct WebPageTests {
    @Test("the article's paragraphs, heading, list and quote are kept; navigation, share bar, caption, newsletter, related list, comments and footer are not")
    func articleBody() {
        let p = page(storyPage, url: "https://courier.example/news/2023/04/12/harbour-strike-ends")
        let body = p.body
        for kept in ["Dock workers at the northern harbour", "union\u{2019}s negotiator", "Ships waiting offshore",
                     "Night shifts: six per cent", "\u{201C}This is a fair deal", "back to normal by the weekend"] {
            #expect(body.contains(kept), "missing: \(kept)")
        }
        for left in ["Home", "cookies", "Share on Facebook", "Photo: Harbour Authority", "morning briefing",
                     "Ferry prices", "Reader1", "All rights reserved"] {
            #expect(!body.contains(left), "kept: \(left)")
        }
        #expect(p.paragraphs.first?.hasPrefix("Dock workers") == true)
        #expect(p.setAside.contains { $0.contains("Ferry prices") })
    }

    @Test("metadata: title without the site suffix, byline, JSON-LD dates, canonical URL made absolute, site name, language")
    func metadata() {
        let p = page(storyPage, url: "https://courier.example/news/2023/04/12/harbour-strike-ends?utm=x")
        #expect(p.title == "Harbour strike ends after talks")
        #expect(p.byline == "Mara Lindqvist")
        #expect(p.dates.first == "2023-04-12T08:30:00+01:00")
        #expect(p.modified == "2023-04-13T10:00:00+01:00")
        #expect(p.url == "https://courier.example/news/2023/04/12/harbour-strike-ends")
        #expect(p.source == "Coastline Courier")
        #expect(p.language == "en-GB")
    }

    @Test("without metadata: the h1, a \"By\" line, <time datetime>, the date in the URL, the host as source")
    func fallbacks() {
        let html = """
        <html><body><div id="wrap"><h1>Council approves river bridge</h1><p>By Tomas Ferreira</p>
        <time datetime="2021-06-02">2 June</time>
        <p>The city council approved the new river bridge on Tuesday evening, after a debate that lasted more than four hours and ended in a narrow vote.</p>
        <p>Building work is to begin next spring, and the bridge should open to cyclists and walkers two years later, the council's planning office said.</p></div></body></html>
        """
        let p = page(html, url: "https://www.rivertown.example/2021/06/02/bridge.html")
        #expect(p.title == "Council approves river bridge")
        #expect(p.byline == "Tomas Ferreira")
        #expect(p.dates == ["2021-06-02", "2021-06-02"])
        #expect(p.source == "rivertown.example")
        #expect(!p.body.contains("Tomas Ferreira"))
        #expect(p.body.contains("approved the new river bridge"))
    }

    @Test("encodings: meta charset Latin-1 read as Windows-1252, an HTTP charset, a UTF-8 BOM, undeclared non-UTF-8 bytes")
    func encodings() {
        let text = "Le caf\u{E9} du port a rouvert ses portes \u{2013} les habitu\u{E9}s sont revenus d\u{E8}s le premier matin, contents."
        let body = "<p>\(text)</p><p>\(text)</p><p>\(text)</p>"
        // Windows-1252: é E9, è E8, – 96 (Latin-1 has no en dash there: browsers read such pages as Windows-1252).
        func cp1252(_ s: String) -> [UInt8] {
            s.unicodeScalars.map { $0 == "\u{2013}" ? 0x96 : UInt8($0.value) }
        }
        let latin = page(bytes: cp1252("<html><head><meta charset=\"ISO-8859-1\"></head><body>\(body)</body></html>"))
        #expect(latin.body.contains(text))
        let undeclared = page(bytes: cp1252("<html><body>\(body)</body></html>"))
        #expect(undeclared.body.contains(text))
        let http = page(bytes: cp1252("<html><head><meta charset=\"utf-8\"></head><body>\(body)</body></html>"),
                        contentType: "text/html; charset=windows-1252")
        #expect(http.body.contains(text))
        let bom = page(bytes: [0xEF, 0xBB, 0xBF] + Array("<html><head><meta charset=\"iso-8859-1\"></head><body>\(body)</body></html>".utf8))
        #expect(bom.body.contains(text))
        #expect(TextEncoding.charset(ofContentType: "text/html;charset=\"Shift_JIS\"") == "shift_jis")
    }

    @Test("broken markup and entities: unclosed tags, stray end tags, named and numeric entities")
    func brokenMarkup() {
        let html = "<html><body><div class=content><p>Fishermen &amp; farmers met on Monday &#8212; for the first time since the flood &ndash; to plan the repairs of the old sea wall together<p>The meeting</b> lasted until late, and a second one is planned for the first week of next month in the town hall<div></body>"
        let p = page(html)
        #expect(p.body.contains("Fishermen & farmers met on Monday \u{2014} for the first time since the flood \u{2013} to plan"))
        #expect(p.paragraphs.count == 2)
        let empty = page("")
        #expect(empty.paragraphs.isEmpty && empty.title == nil)
        let binary = page(bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        _ = binary.body   // no crash: the parser recovers from anything
    }

    @Test("an HTML fragment (a feed item's content) as paragraphs")
    func fragment() {
        #expect(WebPage.paragraphs(ofFragment: "<p>One &amp; two</p><ul><li>three</li></ul>four") == ["One & two", "three", "four"])
    }

    @Test("build reads .html and .html.gz pages: the id is the file name, the source and date come from the page")
    func buildPages() throws {
        let dir = temporaryDirectory("pages")
        let pages = dir + "/in"
        try FileManager.default.createDirectory(atPath: pages, withIntermediateDirectories: true)
        try Data(storyPage.utf8).write(to: URL(fileURLWithPath: pages + "/harbour-strike.html"))
        let second = storyPage.replacingOccurrences(of: "Dock workers", with: "Crane drivers")
        try Data(Gzip.compress(Array(second.utf8))).write(to: URL(fileURLWithPath: pages + "/crane.htm.gz"))
        let index = dir + "/index"
        let build = try CLI.run(["build", pages, "--index", index, "--quiet"])
        #expect(build.status == 0, "\(build.err)")
        #expect(try CLI.ids("\"crane drivers\"", index: index) == ["crane"])
        #expect(try CLI.ids("\"dock workers\"", index: index) == ["harbour-strike"])
        #expect(try CLI.ids("cookies", index: index).isEmpty)
        let show = try CLI.run(["show", "harbour-strike", "--index", index, "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(show.out.utf8)) as? [String: Any] ?? [:]
        let source = json["source"] as? String, title = json["title"] as? String, date = json["date"] as? String ?? ""
        #expect(source == "Coastline Courier")
        #expect(title == "Harbour strike ends after talks")
        #expect(date.hasPrefix("2023-04-12"))
    }

    @Test("a page without article text is a bad document, reported with its path")
    func noText() throws {
        let dir = temporaryDirectory("pages-empty")
        try Data("<html><body><nav><a href=/>Home</a></nav></body></html>".utf8).write(to: URL(fileURLWithPath: dir + "/empty.html"))
        try Data(storyPage.utf8).write(to: URL(fileURLWithPath: dir + "/story.html"))
        let build = try CLI.run(["build", dir, "--index", dir + "/index"])
        #expect(build.status == 1)   // documents were skipped
        #expect(build.err.contains("empty.html") && build.err.contains("no article text"))
        #expect(try CLI.ids("harbour", index: dir + "/index") == ["story"])
    }

    @Test("the shared development pages: snippet F1 of at least 0.88 on the first 150 (0.917 on all 990 with scripts/eval-extraction)", .needsSharedCorpus)
    func developmentSet() throws {
        let dir = SharedCorpus.corpus.appendingPathComponent("html")
        let annotations = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("annotations.json"))) as! [String: [String: Any]]
        var tp = 0, fn = 0, fp = 0
        func norm(_ s: String) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        for name in annotations.keys.sorted().prefix(150) {
            let page = try PageArticle.readPage(path: dir.appendingPathComponent("pages/\(name).gz").path)
            let body = norm(page.body)
            for s in annotations[name]?["with"] as? [String] ?? [] { if body.contains(norm(s)) { tp += 1 } else { fn += 1 } }
            for s in annotations[name]?["without"] as? [String] ?? [] where body.contains(norm(s)) { fp += 1 }
        }
        let precision = Double(tp) / Double(tp + fp), recall = Double(tp) / Double(tp + fn)
        let f1 = 2 * precision * recall / (precision + recall)
        #expect(f1 >= 0.88, "F1 \(f1) (precision \(precision), recall \(recall))")
    }
}

@Suite("page text white space")
struct WhitespaceTests {
    @Test("runs of ASCII and Unicode spaces become one space, trimmed; other characters of every length are kept")
    func collapse() {
        #expect(Whitespace.collapse("  a \t\n b  ") == "a b")
        #expect(Whitespace.collapse("\u{A0}caf\u{E9}\u{2009}\u{200B}au\u{A0}lait\u{3000}") == "caf\u{E9} au lait")
        #expect(Whitespace.collapse("\u{4E2D}\u{6587}  \u{1F4F0} news\u{FEFF}") == "\u{4E2D}\u{6587} \u{1F4F0} news")
        #expect(Whitespace.collapse("\u{2028}\u{2029}\u{85}") == "")
        #expect(Whitespace.collapse("\u{E9}") == "\u{E9}")
        #expect(Whitespace.collapse("Mit\u{AD}tel\u{AD}al\u{AD}ter") == "Mittelalter")
    }
}

@Suite("bylines")
struct BylineTests {
    @Test("a \"By …\" line gives its names as the byline and the date after them as the last date candidate")
    func bylineDate() throws {
        let html = """
        <html><body><article><h1>Ferry timetable changes</h1>
        <p>By Ines Varga, Transport Reporter, December 30, 2022, 7:55 AM ET</p>
        <p>The ferry company will run fewer crossings in January while two of its boats are repaired, it said on Friday, and passengers should check times before they travel.</p>
        <p>Crossings at night will stop for three weeks, and the first morning boat will leave half an hour later than it does now, the company's spokesman said.</p>
        </article></body></html>
        """
        let p = Array(html.utf8).withUnsafeBytes { WebPage(html: $0) }
        #expect(p.byline == "Ines Varga, Transport Reporter")
        #expect(p.dates == ["December 30, 2022, 7:55 AM ET"])
        #expect(!p.body.contains("Ines Varga"))
        let article = try #require(PageArticle.article(p, id: "ferry"))
        #expect(article.date?.secondsSinceEpoch == ArticleDate(parsing: "2022-12-30T12:55:00Z")?.secondsSinceEpoch)
        #expect(ArticleBody.splitByline("Ines Varga and Tom Li").date == nil)
        #expect(ArticleBody.splitByline("Ines Varga | 12/30/22").date == "12/30/22")
        #expect(ArticleBody.splitByline("Ines Varga, 3 hours ago").date == nil)
        #expect(ArticleBody.splitByline("Ines Varga - 2 May 2024").name == "Ines Varga")
    }
}

/// Paragraphs of our own for the fallback tests: `count` of them, each a sentence or two.
private func storyParagraphs(_ count: Int, topic: String) -> String {
    (0..<count).map { k in
        "<p>Part \(k) of the \(topic) story: the regional council met on Thursday and voted to keep the service running through the winter months, after residents had written in by the hundred.</p>"
    }.joined()
}

@Suite("web pages: fallbacks for unusual layouts")
struct PageFallbackTests {
    @Test("a wrapper around the whole page (an ASP.NET form) that holds many menus is not dropped as a link list")
    func linkHeavyWrapper() {
        let menu = "<ul>" + (0..<80).map { "<li><a href=\"/s\($0)\">Section number \($0) of the site menu</a></li>" }.joined() + "</ul>"
        let html = "<html><body><div id=\"wrapper\"><form id=\"aspnetForm\">\(menu)<div class=\"main\"><article>\(storyParagraphs(5, topic: "ferry"))</article></div>\(menu)</form></div></body></html>"
        let p = Array(html.utf8).withUnsafeBytes { WebPage(html: $0) }
        #expect(p.paragraphs.count == 5, "\(p.paragraphs.prefix(3))")
        #expect(p.body.contains("Part 4 of the ferry story") && !p.body.contains("Section number"))
    }

    @Test("an article that only the <noscript> content holds is found there; with the article outside it, noscript text stays out")
    func noscriptArticle() {
        let scripted = "<html><body><div id=\"app\"></div><noscript><div class=\"content\">\(storyParagraphs(4, topic: "bridge"))</div></noscript></body></html>"
        let p = Array(scripted.utf8).withUnsafeBytes { WebPage(html: $0) }
        #expect(p.paragraphs.count == 4)
        let plain = "<html><body><article>\(storyParagraphs(3, topic: "library"))</article><noscript><p>Please turn on JavaScript to see the comments and the video player below this article.</p></noscript></body></html>"
        let q = Array(plain.utf8).withUnsafeBytes { WebPage(html: $0) }
        #expect(q.paragraphs.count == 3 && !q.body.contains("JavaScript"))
    }

    @Test("ruby annotations (the readings over Japanese text) are left out of the body")
    func ruby() {
        let sentence = "<ruby>子<rt>こ</rt></ruby>どもの<ruby>教育<rp>(</rp><rt>きょういく</rt><rp>)</rp></ruby>について、市の委員会が新しい計画を発表しました。"
        let html = "<html><body><article>" + String(repeating: "<p>\(sentence)\(sentence)</p>", count: 4) + "</article></body></html>"
        let p = Array(html.utf8).withUnsafeBytes { WebPage(html: $0) }
        #expect(p.paragraphs.first?.hasPrefix("子どもの教育について、市の委員会が") == true, "\(p.paragraphs.first ?? "")")
    }

    @Test("a UTF-8 page with one stray Latin-1 byte keeps its accents; a page of Latin-1 bytes labelled UTF-8 is read as Windows-1252")
    func mostlyUTF8() {
        let text = "<p>Les élèves du lycée ont présenté leur projet à la mairie, où le conseil a voté la rénovation de la cantine et du gymnase avant l’été prochain.</p>"
        var bytes = Array("<html><head><meta charset=\"utf-8\"><title>Rénovation</title></head><body><article>".utf8)
        for _ in 0..<3 { bytes += Array(text.utf8) }
        bytes += [0xE9] + Array(" fin</article></body></html>".utf8)   // one Latin-1 é
        let p = bytes.withUnsafeBytes { WebPage(html: $0) }
        #expect(p.title == "Rénovation")
        #expect(p.body.contains("Les élèves du lycée ont présenté"))
        let repaired = bytes.withUnsafeBytes { TextEncoding.repairedUTF8($0) }
        #expect(repaired.map { String(decoding: $0, as: UTF8.self).hasSuffix("\u{FFFD} fin</article></body></html>") } == true)
        let latin1 = Array("<html><head><meta charset=\"utf-8\"></head><body><article><p>Caf".utf8) + [0xE9]
            + Array(" de la gare: le nouveau propri".utf8) + [0xE9] + Array("taire ouvre la terrasse d".utf8) + [0xE8]
            + Array("s lundi, et les habitants du quartier attendent avec impatience le retour des concerts.</p></article></body></html>".utf8)
        let q = latin1.withUnsafeBytes { WebPage(html: $0) }
        #expect(q.body.hasPrefix("Café de la gare: le nouveau propriétaire ouvre la terrasse dès lundi"))
    }
}
