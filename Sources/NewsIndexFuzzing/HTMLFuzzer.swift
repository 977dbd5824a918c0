import NewsIndex
import NewsIndexHTML
import NewsIndexIngest

/// The web-page target: pages of our own, damaged (bytes flipped, cut short, tags torn, put in
/// or repeated, charsets declared wrongly, elements nested thousands deep), or random bytes, are
/// read by ``WebPage`` and made into an article by ``PageArticle``. Reading must end, never trap
/// or overflow the stack; the same bytes must give the same page twice; no paragraph of the body may be
/// blank, and a page that gives an article must give it a non-empty body.
package enum HTMLFuzzer {
    /// The pages the inputs start from: an article with furniture, a page in Windows-1252, one
    /// with JSON-LD and a byline, a bare fragment.
    package static let seeds: [[UInt8]] = {
        let article = """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bridge repairs start | Town Post</title>
        <meta property="og:title" content="Bridge repairs start"><meta name="author" content="Ines Varga">
        <meta property="article:published_time" content="2024-05-02T09:00:00Z"><link rel="canonical" href="https://post.example/bridge">
        </head><body><header><nav><a href="/">Home</a><a href="/news">News</a></nav></header>
        <div class="cookie">We use cookies. <button>Accept</button></div>
        <main><article><h1>Bridge repairs start</h1><p class="byline">By Ines Varga, 2 May 2024</p>
        <p>Repairs to the old river bridge began on Thursday and will close one lane until the autumn, the council said.</p>
        <p>Engineers found cracks in two of the arches last winter &amp; asked for the work to be brought forward.</p>
        <ul><li>One lane closed until October</li><li>Buses diverted over the ring road</li></ul>
        <table><tr><th>Week</th><th>Work</th></tr><tr><td>1</td><td>Scaffolding</td></tr></table>
        <blockquote>&ldquo;We will keep the town moving,&rdquo; the mayor said.</blockquote></article>
        <aside class="related"><a href="/a">Other story one</a><a href="/b">Other story two</a></aside></main>
        <footer>&copy; Town Post</footer></body></html>
        """
        let latin1: [UInt8] = Array("<html><head><meta charset=\"windows-1252\"><title>Caf".utf8) + [0xE9]
            + Array(" opens</title></head><body><article><p>The new caf".utf8) + [0xE9, 0x20, 0x93]
            + Array("open late".utf8) + [0x94] + Array(" on the square opened on Monday with a queue around the block.</p></article></body></html>".utf8)
        let linked = """
        <html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Dam level falls",
        "datePublished":"2023/7/30","author":{"name":"K. Osei"},"publisher":{"name":"Delta News"},
        "articleBody":"The reservoir fell to a third of its level after the dry summer, the water board said on Monday.\\nFarmers in the valley have been asked to water their fields only at night, and the board will meet again next week to decide whether to limit the use of garden hoses across the district.\\nThe last time the level fell this far was in the summer of 1995, when the town's fountains were switched off for two months and water was brought in by lorry to the villages on the hills above the dam."}</script>
        </head><body><div id="app"></div></body></html>
        """
        return [Array(article.utf8), latin1, Array(linked.utf8), Array("<p>Just a fragment <b>bold<p>and another".utf8)]
    }()

    /// A random input and what was done to it.
    package static func generate(_ rng: inout FuzzRandom) -> (bytes: [UInt8], mutation: String) {
        if rng.oneIn(12) {
            return ((0..<rng.below(2_000)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, "random bytes")
        }
        let seed = rng.below(seeds.count)
        var bytes = seeds[seed]
        var done = ["seed \(seed)"]
        if rng.oneIn(10) { return (bytes, "seed \(seed) as is") }
        for _ in 0...rng.below(4) { done.append(mutate(&bytes, &rng)) }
        return (bytes, done.joined(separator: ", "))
    }

    /// Tags and text that stress a parser or the extraction: unclosed and stray tags, deep
    /// nesting, odd charsets, entities, comments and CDATA cut open.
    static let pieces: [String] = ["<div>", "</div>", "<p>", "</p>", "<table><tr><td>", "</article>", "<article>",
                                   "<script>", "</script>", "<!--", "-->", "<![CDATA[", "&#x0;", "&#1114112;", "&am",
                                   "<meta charset=\"utf-16\">", "<meta charset=\"x-unknown\">", "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">",
                                   "\u{FEFF}", "<noscript><p>", "<li>", "<h2>", "<br>", "<?xml version=\"1.0\"?>", "<svg><p>",
                                   "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"articleBody\":[[[[", "<time datetime=\"99999-99-99\">"]

    static func mutate(_ bytes: inout [UInt8], _ rng: inout FuzzRandom) -> String {
        let n = bytes.count
        let at = n == 0 ? 0 : rng.below(n + 1)
        switch rng.below(7) {
        case 0 where n > 0:
            let bit = rng.below(8)
            bytes[min(at, n - 1)] ^= 1 << bit
            return "bit \(bit) of byte \(min(at, n - 1)) flipped"
        case 1:
            bytes.removeSubrange(at...)
            return "cut at \(at)"
        case 2:
            let piece = pieces[rng.below(pieces.count)]
            bytes.insert(contentsOf: Array(piece.utf8), at: at)
            return "\(piece.debugDescription) put in at \(at)"
        case 3:
            let depth = 1 + rng.below(20_000)
            let open = rng.oneIn(2) ? "<div>" : "<blockquote><p>"
            bytes.insert(contentsOf: Array(String(repeating: open, count: depth).utf8), at: at)
            return "\(depth) × \(open) put in at \(at)"
        case 4 where n > 0:
            let end = min(n, at + 1 + rng.below(200))
            let from = min(at, n - 1)
            bytes.insert(contentsOf: Array(bytes[from..<end]), at: rng.below(n + 1))
            return "bytes \(from)..<\(end) repeated"
        case 5:
            let count = 1 + rng.below(32)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            return "\(count) random bytes put in at \(at)"
        default:
            let end = min(n, at + rng.below(100))
            if at < end { bytes.removeSubrange(at..<end) }
            return "bytes \(at)..<\(end) taken out"
        }
    }

    /// Checks one input (see the type's description); nil when it behaved.
    package static func check(_ bytes: [UInt8], mutation: String) -> FuzzFailure? {
        func fail(_ problem: String) -> FuzzFailure {
            FuzzFailure(input: "html \(mutation) (\(bytes.count) bytes)", problem: problem)
        }
        let first = bytes.withUnsafeBytes { WebPage(html: $0, url: "https://fuzz.example/story") }
        let second = bytes.withUnsafeBytes { WebPage(html: $0, url: "https://fuzz.example/story") }
        guard first.paragraphs == second.paragraphs, first.title == second.title, first.dates == second.dates,
              first.setAside == second.setAside else {
            return fail("the same bytes gave two different pages")
        }
        if let blank = first.paragraphs.firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) {
            return fail("paragraph \(blank) of the body is blank")
        }
        if let article = PageArticle.article(first, id: "fuzz") {
            guard !article.body.isEmpty else { return fail("an article with an empty body") }
            guard article.id == "fuzz" else { return fail("the article's id is \(article.id), not the one given") }
        }
        if mutation.hasSuffix("seed 0 as is") && !first.body.contains("Repairs to the old river bridge") {
            return fail("the undamaged article page lost its first paragraph")
        }
        return nil
    }
}
