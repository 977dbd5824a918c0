import Foundation
import Testing
@testable import NewsIndexIngest
import NewsIndexHTML
import NewsIndex
import NewsIndexTestSupport

/// The articles and bad documents of a feed written to a file named `name`.
private func read(_ text: String, name: String = "feed.rss") throws -> (articles: [Article], bad: [BadDocument], lines: [Int?]) {
    let dir = temporaryDirectory("newsindex-feed")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    var articles: [Article] = [], bad: [BadDocument] = [], lines: [Int?] = []
    let file = try #require(try ArticleInputs.collect([dir + "/" + name]).files.first)
    try ArticleInputs.forEachArticle(in: file, options: ReadOptions()) { result, location, _, _ in
        lines.append(location.line)
        switch result {
        case .success(let a): articles.append(a)
        case .failure(let b): bad.append(b)
        }
    }
    return (articles, bad, lines)
}

@Suite("feeds: RSS, Atom, JSON Feed")
struct FeedTests {
    @Test("the shared feeds: items, titles, links, dates and the feed's title as source", .needsSharedCorpus)
    func sharedFeeds() throws {
        let dir = SharedCorpus.corpus.appendingPathComponent("feeds").path
        let rss = try read(try String(contentsOfFile: dir + "/trafilatura-feed2.rss", encoding: .utf8))
        #expect(rss.articles.map(\.id) == ["7bd204c6-1655-4c27-aeee-53f933c5395f"])
        #expect(rss.articles.first?.url == "http://www.example.com/blog/post/1" && rss.articles.first?.source == "RSS Title")
        #expect(rss.articles.first?.date?.text == "Sun, 06 Sep 2009 16:20:00 +0000")
        let atom = try read(try String(contentsOfFile: dir + "/trafilatura-feed1.atom", encoding: .utf8), name: "f.atom")
        #expect(atom.articles.count >= 2 && atom.articles.allSatisfy { $0.source == "Example Feed" })
        #expect(atom.articles.first?.title == "Atom-Powered Robots Run Amok" && atom.articles.first?.url == "http://example.org/2003/12/13/atom03")
        // A link with rel="self" is not the item's page.
        #expect(atom.articles.dropFirst().first?.url == nil)
        let json = try read(try String(contentsOfFile: dir + "/trafilatura-feed.json", encoding: .utf8), name: "f.json")
        #expect(json.articles.count > 5 && json.bad.isEmpty)
        #expect(json.articles.allSatisfy { $0.source == "Technology" && $0.date != nil && $0.url?.hasPrefix("https://www.npr.org/") == true })
    }

    @Test("RSS 2.0: content:encoded in CDATA wins over the description, dc:creator is the byline, relative links resolve, categories are read")
    func rss2() throws {
        let feed = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel><title>Valley Gazette</title><link>https://gazette.example/news/</link>
        <item><title>Bridge repairs start</title><link>/2024/05/bridge</link><guid isPermaLink="false">vg-101</guid>
        <pubDate>Thu, 02 May 2024 09:00:00 GMT</pubDate><dc:creator>Ines Varga</dc:creator><category>Transport</category>
        <description>Short teaser only.</description>
        <content:encoded><![CDATA[<p>Repairs to the old river bridge began on Thursday.</p><p>One lane will be closed until the autumn, the council said.</p>]]></content:encoded></item>
        <item><title>Market moves &amp; grows</title><link>https://gazette.example/market</link>
        <description>&lt;p&gt;The weekly market moves to the &lt;b&gt;square&lt;/b&gt;.&lt;/p&gt;</description><pubDate>sometime in May</pubDate></item>
        </channel></rss>
        """
        let r = try read(feed)
        #expect(r.articles.map(\.id) == ["vg-101", "https://gazette.example/market"])
        let first = r.articles[0]
        #expect(first.body == "Repairs to the old river bridge began on Thursday.\n\nOne lane will be closed until the autumn, the council said.")
        #expect(first.byline == "Ines Varga" && first.url == "https://gazette.example/2024/05/bridge" && first.source == "Valley Gazette")
        #expect(first.date?.secondsSinceEpoch == ArticleDate(parsing: "2024-05-02T09:00:00Z")?.secondsSinceEpoch)
        // An HTML-escaped description is cleaned like a page; an unreadable date leaves the item undated.
        #expect(r.articles[1].title == "Market moves & grows" && r.articles[1].body == "The weekly market moves to the square.")
        #expect(r.articles[1].date == nil && r.articles[1].unreadableDate == "sometime in May")
        #expect(r.lines.allSatisfy { ($0 ?? 0) > 1 })
        let parsed = try #require(Array(feed.utf8).withUnsafeBytes { Feed(parsing: $0) })
        #expect(parsed.items.first?.categories == ["Transport"])
    }

    @Test("RSS 0.91 without dates, RSS 1.0 (RDF) with dc:date, Atom 0.3")
    func olderFormats() throws {
        let rss091 = """
        <rss version="0.91"><channel><title>Old Times</title><link>http://old.example/</link>
        <item><title>First</title><link>http://old.example/1</link><description>The first story of the old feed.</description></item>
        </channel></rss>
        """
        let a = try read(rss091)
        #expect(a.articles.map(\.id) == ["http://old.example/1"] && a.articles.first?.date == nil && a.articles.first?.unreadableDate == nil)
        let rdf = """
        <?xml version="1.0"?>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="http://rdf.example/"><title>RDF News</title><link>http://rdf.example/</link></channel>
        <item rdf:about="http://rdf.example/a"><title>An RDF item</title><link>http://rdf.example/a</link>
        <description>Text of the RDF item.</description><dc:date>2022-12-30T07:55:00Z</dc:date><dc:creator>K. Osei</dc:creator></item>
        </rdf:RDF>
        """
        let b = try read(rdf, name: "news.rdf")
        #expect(b.articles.map(\.id) == ["http://rdf.example/a"] && b.articles.first?.source == "RDF News")
        #expect(b.articles.first?.byline == "K. Osei" && b.articles.first?.date?.text == "2022-12-30T07:55:00Z")
        let atom03 = """
        <feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Atom Zero Three</title>
        <link rel="alternate" type="text/html" href="http://a03.example/"/>
        <entry><title>Old Atom</title><link rel="alternate" type="text/html" href="http://a03.example/x"/><id>tag:a03,2004:x</id>
        <issued>2004-01-05T10:00:00Z</issued><modified>2004-01-06T10:00:00Z</modified>
        <content type="text/html" mode="escaped">&lt;p&gt;Escaped content of an old Atom entry.&lt;/p&gt;</content></entry></feed>
        """
        let c = try read(atom03, name: "old.atom")
        #expect(c.articles.first?.id == "tag:a03,2004:x" && c.articles.first?.body == "Escaped content of an old Atom entry.")
        #expect(c.articles.first?.date?.text == "2004-01-05T10:00:00Z")
    }

    @Test("Atom 1.0: xml:base and relative links, type=html and type=xhtml content, author name, published over updated")
    func atom1() throws {
        let feed = """
        <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/blog/">
        <title type="text">Atom Example</title><link href="https://atom.example/"/>
        <entry><title>Escaped</title><link href="posts/one"/><id>urn:one</id><updated>2023-02-01T00:00:00Z</updated><published>2023-01-31T12:00:00Z</published>
        <author><name>Mara Lindqvist</name></author><content type="html">&lt;p&gt;First &amp;amp; escaped paragraph.&lt;/p&gt;&lt;p&gt;Second one.&lt;/p&gt;</content></entry>
        <entry xml:base="/other/"><title>XHTML</title><link rel="alternate" href="two"/><link rel="enclosure" href="two.mp3"/><id>urn:two</id>
        <updated>2023-02-02T00:00:00Z</updated><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>An <b>xhtml</b> paragraph.</p><p>And another.</p></div></content></entry>
        <entry><title>Nothing</title><id>urn:three</id></entry>
        </feed>
        """
        let r = try read(feed, name: "blog.atom")
        #expect(r.articles.map(\.url) == ["https://atom.example/blog/posts/one", "https://atom.example/other/two"])
        #expect(r.articles[0].body == "First & escaped paragraph.\n\nSecond one." && r.articles[0].byline == "Mara Lindqvist")
        #expect(r.articles[0].date?.text == "2023-01-31T12:00:00Z")
        #expect(r.articles[1].body == "An xhtml paragraph.\n\nAnd another." && r.articles[1].date?.text == "2023-02-02T00:00:00Z")
        #expect(r.bad.map(\.reason) == [.noBody])
    }

    @Test("JSON Feed 1.1: content_html, authors, tags; a broken tag mid-feed still gives the other items; a sitemap is not a feed")
    func jsonFeedRecoveryAndNotAFeed() throws {
        let json = #"{"version":"https://jsonfeed.org/version/1.1","title":"JSON Times","home_page_url":"https://json.example/","items":[{"id":"j1","url":"/a","title":"Tram line opens","content_html":"<p>The tram line opens on Monday.</p>","date_published":"2022-12-30T07:55:00+01:00","authors":[{"name":"A. Writer"}],"tags":["city"]},{"id":"j2","content_text":"Plain text item.\nSecond line."}]}"#
        let j = try read(json, name: "feed.json")
        #expect(j.articles.map(\.id) == ["j1", "j2"] && j.articles[0].url == "https://json.example/a")
        #expect(j.articles[0].byline == "A. Writer" && j.articles[0].source == "JSON Times" && j.articles[1].body == "Plain text item.\n\nSecond line.")
        let broken = """
        <rss version="2.0"><channel><title>Broken</title>
        <item><title>Good one</title><description>The first item is fine.</description><guid>b1</guid></item>
        <item><title>Bad <b>markup</title><description>An unclosed tag in the title.</description><guid>b2</guid></item>
        <item><title>Good two</title><description>The third item is fine too.</description><guid>b3</guid></item>
        </channel></rss>
        """
        let b = try read(broken)
        #expect(b.articles.map(\.id).contains("b1") && b.articles.count >= 2)
        let sitemap = #"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/</loc></url></urlset>"#
        let s = try read(sitemap, name: "sitemap.xml")
        #expect(s.articles.isEmpty && s.bad.map(\.reason) == [.notAFeed])
    }

    @Test("the CLI: build a feed, search by a word and by source:\"feed title\"; --format rss on standard input; a folder's .xml files are not read as feeds")
    func cli() throws {
        let dir = temporaryDirectory("newsindex-feed-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let feed = "<rss version=\"2.0\"><channel><title>Coastline Courier</title><link>https://courier.example/</link><item><title>Harbour strike ends</title><link>https://courier.example/strike</link><description>Dock workers returned to work on Wednesday after nine days.</description></item></channel></rss>"
        try feed.write(toFile: dir + "/courier.rss", atomically: true, encoding: .utf8)
        try "<note>not a feed</note>".write(toFile: dir + "/config.xml", atomically: true, encoding: .utf8)
        let built = try CLI.run(["build", dir, "--index", dir + "/idx"])
        #expect(built.status == 0, "\(built.err)")
        #expect(try CLI.ids("dock workers", index: dir + "/idx") == ["https://courier.example/strike"])
        #expect(try CLI.ids("source:\"Coastline Courier\"", index: dir + "/idx") == ["https://courier.example/strike"])
        let piped = try CLI.run(["build", "-", "--format", "rss", "--index", dir + "/idx2"], input: feed)
        #expect(piped.status == 0, "\(piped.err)")
        #expect(try CLI.ids("harbour", index: dir + "/idx2") == ["https://courier.example/strike"])
    }
}
