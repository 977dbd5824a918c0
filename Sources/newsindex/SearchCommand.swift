import ArgumentParser
import NewsIndex

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index and print the best matches.",
        discussion: """
        A query is words and "quoted phrases"; a document must match all of them, in its title or \
        its body. Results are ranked by BM25 (title matches count double). Words are analyzed as at \
        index time: case and accents do not matter, Xi’s finds xi, Russian-Chinese is the phrase \
        "russian chinese".

        Output: the number of matches, then for each hit its rank, score, id, date and title and the \
        best passage of the article with the matched words highlighted. With --json, one JSON object \
        per hit and line: rank, id, score, title, date, url, snippet and highlights ([start, end) \
        offsets into the snippet, counted in Unicode scalars).

        Examples:
          newsindex search "strategic cooperation"
          newsindex search '"naval drills" china' --limit 3
          newsindex search "harbour strike" --index /srv/news-index --json | jq .id
        """
    )

    @Argument(help: ArgumentHelp("The query: words and \"quoted phrases\".", valueName: "query"))
    var query: String

    @OptionGroup var location: IndexLocation

    @Option(name: [.short, .long], help: "Show at most this many hits.")
    var limit = 10

    @Flag(name: .long, help: "Write one JSON object per hit (JSON Lines) instead of text.")
    var json = false

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be 0 or more (got \(limit))") }
    }

    func run() throws {
        do { try search() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func search() throws {
        let parsed = try Query.parse(query)
        let index = try IndexReader(path: location.path)
        var options = SearchOptions()
        options.limit = limit
        let results = try index.search(parsed, options: options)
        if json {
            for hit in results.hits { Terminal.out(jsonLine(hit)) }
            return
        }
        let color = Terminal.colorOnStdout
        Terminal.out("\(Format.count(results.totalHits)) match\(results.totalHits == 1 ? "" : "es") for \(parsed)")
        for hit in results.hits {
            var head = "\(hit.rank). " + Terminal.style(hit.id, "1", color: color) + "  score " + Format.fixed(Double(hit.score), 3)
            if let d = hit.date { head += "  " + d.isoDay }
            Terminal.out("")
            Terminal.out(head)
            if !hit.title.isEmpty { Terminal.out("   " + Terminal.style(hit.title, "1;36", color: color)) }
            if !hit.snippet.text.isEmpty { Terminal.out("   " + highlighted(hit.snippet, color: color)) }
        }
    }

    /// The snippet with matches in bold yellow on a terminal, unchanged otherwise.
    private func highlighted(_ s: Snippet, color: Bool) -> String {
        guard color else { return s.text }
        var out = ""
        var at = s.text.startIndex
        for r in s.highlights {
            out += s.text[at..<r.lowerBound]
            out += Terminal.style(String(s.text[r]), "1;33", color: true)
            at = r.upperBound
        }
        return out + s.text[at...]
    }

    private func jsonLine(_ hit: SearchHit) -> String {
        let t = hit.snippet.text
        let ranges = hit.snippet.highlights.map { r in
            "[\(t.unicodeScalars.distance(from: t.startIndex, to: r.lowerBound)),\(t.unicodeScalars.distance(from: t.startIndex, to: r.upperBound))]"
        }
        var fields = [
            "\"rank\":\(hit.rank)",
            "\"id\":\(Format.json(hit.id))",
            "\"score\":\(hit.score)",
            "\"title\":\(Format.json(hit.title))",
            "\"date\":" + (hit.date.map { Format.json($0.isoDay) } ?? "null"),
            "\"url\":" + (hit.url.map(Format.json) ?? "null"),
        ]
        fields.append("\"snippet\":\(Format.json(t))")
        fields.append("\"highlights\":[\(ranges.joined(separator: ","))]")
        return "{" + fields.joined(separator: ",") + "}"
    }
}
