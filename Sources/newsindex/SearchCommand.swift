import Foundation
import ArgumentParser
import NewsIndex
import NewsIndexJSON

extension SearchOptions.Order: ExpressibleByArgument {}

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index and print the best matches.",
        discussion: """
        Query syntax (words are analyzed as at index time: case and accents do not matter, Xi’s \
        finds xi, Russian-Chinese is the phrase "russian chinese"):
          word  "a phrase"        parts next to each other must all match (AND)
          a OR b   a AND b   NOT a   -a   +a   ( … )
                                  precedence: NOT/- first, then AND, then OR
          "putin cooperation"~5   the words within 5 moves of each other, any order
          putin NEAR/3 xi         at most 3 positions apart, either order;
                                  NEAR alone means NEAR/10
          title:xi  body:"…"  id:ID  url:example.com
                                  limit a part to one field (title, body, id, url)
          entity:putin  entity:"xi jinping"
                                  mentions of a known entity (see newsindex entities)
          strateg*                words starting with strateg (refused if too many)
          date:2022-12-30  date:2022-12  date:2022-12-01..2022-12-31  date:>=2022-12
          date:>=now-7d           publication date filters (UTC; units h d w m y);
                                  undated documents never match a date filter
          date:[2022-12-01 TO 2022-12-31]  date:{2022-12 TO *}  id:[a TO c]
                                  Lucene ranges: [ ] include an end, { } leave it out
          putin^2  (a OR b)^0.5   boost a part's score
          kremln~1  samarknd~     words within 1 (2) edits; the 50 closest are searched
          a && b  a || b  !a      AND, OR, NOT;  \\ escapes the next character

        When nothing matches, stderr suggests close words: no matches; did you mean: kremlin?

        A query that starts with - needs -- right before it, after the options:
          newsindex search --limit 5 -- '-date:2022 putin'

        Results are ranked for news by default (--ranking news): each query word is weighed by \
        BM25F over the title (counting double) and the body, a word in the lead (the first 80 \
        words) counts extra, other forms of a word (cooperation for cooperate) match and count \
        half, and a word close to the one before it in the body adds a bonus. --ranking bm25 \
        gives Lucene's BM25 scores. Parts joined by AND or OR add up; excluded parts and date \
        filters do not score. --recency 7d prefers newer articles (a 7-day-old one keeps 3/4 of \
        its score).

        Output: the number of matches, then for each hit its rank, score, id, date and title and \
        the best passage with the matched words highlighted, and last the entities mentioned in \
        all matches with their document counts (Putin 5 · Xi 5 · CCTV 3). With --json, one JSON object per hit \
        and line: rank, id, score, title, date, url, snippet, highlights ([start, end) offsets \
        into the snippet in Unicode scalars) and, with --explain, explanation. --json-results \
        writes the whole page as one object instead, with the entity and source counts, the notes \
        and, when nothing matched, the did-you-mean suggestions.

        Examples:
          newsindex search "strategic cooperation"
          newsindex search 'taiwan -samarkand' --sort date --limit 3
          newsindex search '"no limits" OR "dear friend"' --explain
          newsindex search 'title:xi date:2022-12' --count
          newsindex search 'kremlin' --since 2w
          newsindex search '"strategic cooperation"' --entity CCTV
          newsindex search 'C++ "unbalanced' --lenient
          newsindex search "harbour strike" --index /srv/news-index --json | jq .id
          newsindex search "kremln" --json-results | jq .suggestions
          newsindex search "flood" --index news-2022-11 --index news-2022-12
          newsindex search "flood date:2022-12" --archive indexes.txt
          newsindex search 'entity:xi' --collapse --sort date
          newsindex search 'ferry strike' --recency 7d
          newsindex search 'harbour strike' --ranking bm25 --explain

        --collapse shows one hit per story: an article and its copies (the same text \
        republished by other outlets, under other headlines, cut to its lead or lightly edited; \
        see newsindex copies) count as one. The best-scoring copy stands for the story, or with \
        --sort date the earliest (who published first); the line under it lists the other \
        matching copies and their sources. Counts are given in articles and in stories, and the \
        facets count stories. With --json each hit has a "copies" array; with --count the \
        output is the articles and the stories, separated by a tab.

        Several indexes (--index repeated, or --archive FILE listing one index directory per \
        line; # starts a comment, relative paths are read from the file's directory) are \
        searched as one: scores, ranks and counts are those one index of all their articles \
        would give, ties going to the index listed first. Indexes whose dates all lie outside \
        a date filter are passed over. The text output names each hit's index; --json adds \
        an "index" key.

        Opening an index reads its headers, footers and small files only. --verify also \
        checks the CRC-32 of every file, which reads the whole index (newsindex check reports \
        every problem instead).
        """
    )

    @Argument(help: ArgumentHelp("The query (see the syntax above).", valueName: "query"))
    var query: String

    @Option(name: .long, help: ArgumentHelp("Index directory (default: $NEWSINDEX_INDEX or ./newsindex); repeat to search several as one.", valueName: "dir"))
    var index: [String] = []

    @Option(name: .long, help: ArgumentHelp("A file that lists index directories, one per line, to search as one.", valueName: "file"))
    var archive: String?

    @Flag(name: .long, help: "Check the CRC-32 of every index file before searching (reads the whole index).")
    var verify = false

    @Option(name: [.short, .long], help: "Show at most this many hits.")
    var limit = 10

    @Option(name: .long, help: "Skip this many hits first (for paging: --offset 10 shows hits 11 to 20).")
    var offset = 0

    @Option(name: .long, help: ArgumentHelp("Order the hits by score or by date (newest first, undated last).", valueName: "score|date"))
    var sort: SearchOptions.Order = .score

    @Option(name: .long, help: ArgumentHelp("Only documents published on or after this date: 2022-12-01, 2022-12, 2w, now-7d.", valueName: "date"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only documents published on or before this day (month, year): 2022-12-31, 2022-12.", valueName: "date"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Only documents that mention this entity (canonical name or alias); repeat for several, all must match.", valueName: "name"))
    var entity: [String] = []

    @Flag(name: .long, help: "Print only the number of matching documents.")
    var count = false

    @Flag(name: .long, help: "Never fail on the query's syntax: read what cannot be parsed as plain words, and say so on stderr.")
    var lenient = false

    @Flag(name: .long, help: "Show for each hit how its score was made, every part of it (the news ranking's BM25F, lead, forms and proximity, or BM25 per word, phrase and field).")
    var explain = false

    @Flag(name: .long, help: "One hit per story: copies of one article (syndicated, re-headlined, cut) shown once, with \"+N copies\" and their sources.")
    var collapse = false

    @Flag(name: .long, help: "Write one JSON object per hit (JSON Lines) instead of text.")
    var json = false

    @Flag(name: .customLong("json-results"), help: "Write the results as one JSON object instead of text: total_hits, total_hits_exact, hits, entities, sources, notes and suggestions (did you mean).")
    var jsonResults = false

    @OptionGroup var rankingOptions: RankingOptions

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be 0 or more (got \(limit))") }
        if offset < 0 { throw ValidationError("--offset must be 0 or more (got \(offset))") }
        if jsonResults && (json || count) {
            throw ValidationError("--json-results writes the hits and their count as one object; leave out \(json ? "--json" : "--count")")
        }
    }

    func run() throws {
        do { try search() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func search() throws {
        let parsed = try Query.parse(query, lenient: lenient, now: Date())
        for note in parsed.notes { Terminal.note(note) }
        var parts = [parsed]
        if let since { parts.append(try Query.published(since: since)) }
        if let until { parts.append(try Query.published(until: until)) }
        for name in entity { parts.append(Query.filter(Query.entity(name))) }
        let full = parts.count == 1 ? parsed : Query.all(parts)
        let paths = try indexPaths()
        let single = paths.count == 1 ? try IndexReader(path: paths[0], verify: verify) : nil
        let archive = single == nil ? try Archive(paths: paths, verify: verify) : nil
        var options = SearchOptions()
        options.limit = count ? 0 : limit
        options.offset = offset
        options.order = sort
        options.explain = explain
        try rankingOptions.apply(to: &options)
        options.snippets = !count
        options.entityFacets = !count && !json
        options.sourceFacets = !count && !json
        options.collapse = collapse
        let results = try single?.search(full, options: options) ?? archive!.search(full, options: options)
        for note in results.notes { Terminal.note(note) }
        if results.totalHits == 0 && !results.suggestions.isEmpty {
            Terminal.err("no matches; did you mean: " + results.suggestions.joined(separator: " or ") + "?")
        }
        if count {
            Terminal.out(collapse ? "\(results.totalHits)\t\(results.totalStories ?? results.totalHits)" : String(results.totalHits))
            return
        }
        func source(_ hit: SearchHit) -> String? { archive.map { $0.indexes[hit.indexNumber].path } }
        if json {
            for line in try JSONOutput.lines(results.hits.map { SearchHitJSON($0, index: source($0), collapsed: collapse) }) { Terminal.out(line) }
            return
        }
        if jsonResults {
            var page = SearchResultsJSON(results)
            page.hits = results.hits.map { SearchHitJSON($0, index: source($0), collapsed: collapse) }
            Terminal.out(try JSONOutput.line(page))
            return
        }
        let color = Terminal.colorOnStdout
        var head = "\(Format.count(results.totalHits)) match\(results.totalHits == 1 ? "" : "es")"
        if let stories = results.totalStories { head += " in \(Format.count(stories)) stor\(stories == 1 ? "y" : "ies")" }
        head += " for \(full)"
        if offset > 0 && !results.hits.isEmpty { head += " (hits \(offset + 1) to \(offset + results.hits.count))" }
        Terminal.out(head)
        for hit in results.hits {
            var line = "\(hit.rank). " + Terminal.style(hit.id, "1", color: color) + "  score " + Format.fixed(Double(hit.score), 3)
            if let d = hit.date { line += "  " + d.isoDay }
            if let from = source(hit) { line += "  " + Terminal.style("[\(from)]", "2", color: color) }
            Terminal.out("")
            Terminal.out(line)
            if !hit.title.isEmpty { Terminal.out("   " + Terminal.style(hit.title, "1;36", color: color)) }
            if !hit.snippet.text.isEmpty { Terminal.out("   " + highlighted(hit.snippet, color: color)) }
            if let line = copiesLine(hit, color: color) { Terminal.out(line) }
            if let e = hit.explanation {
                for l in e.description.split(separator: "\n") { Terminal.out("     " + l) }
            }
        }
        if !results.entities.isEmpty {
            Terminal.out("")
            let counted = results.totalStories.map { "\(Format.count($0)) stor\($0 == 1 ? "y" : "ies")" }
                ?? "\(Format.count(results.totalHits)) match\(results.totalHits == 1 ? "" : "es")"
            Terminal.out(Terminal.style("Entities in the \(counted)\(results.totalStories == nil ? " (documents)" : ""):", "2", color: color))
            // One line per kind, most documents first: people, organizations and media, places, the rest.
            let groups: [(String, (String) -> Bool)] = [
                ("people", { $0 == "person" }),
                ("organizations", { $0 == "organization" || $0 == "media" }),
                ("places", { $0 == "place" }),
                ("other", { !["person", "organization", "media", "place"].contains($0) }),
            ]
            for (label, member) in groups {
                let items = results.entities.filter { member($0.type) }.prefix(8)
                if items.isEmpty { continue }
                Terminal.out("  " + label.padding(toLength: 15, withPad: " ", startingAt: 0)
                             + items.map { "\($0.displayName) \($0.documents)" }.joined(separator: " · "))
            }
        }
        printSources(results, color: color)
    }

    /// The index directories to search: each --index, then those --archive lists; the default
    /// location when there is neither.
    private func indexPaths() throws -> [String] {
        var paths = index
        if let archive {
            let text: String
            do { text = try String(contentsOfFile: archive, encoding: .utf8) } catch {
                throw NewsIndexError(.inputNotFound, "cannot read the list of indexes \(archive): \(error.localizedDescription). Give a text file with one index directory per line.")
            }
            let base = (archive as NSString).deletingLastPathComponent
            for raw in text.split(whereSeparator: \.isNewline) {
                let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmingCharacters(in: .whitespaces)
                if line.isEmpty { continue }
                paths.append(line.hasPrefix("/") || base.isEmpty ? line : base + "/" + line)
            }
            if paths.count == index.count {
                throw NewsIndexError(.badInput, "the list of indexes \(archive) names no index. Write one index directory per line.")
            }
        }
        return paths.isEmpty ? [IndexLocation.defaultPath] : paths
    }

    /// The source facets under the hits: the top sources of all matches, most documents first.
    private func printSources(_ results: SearchResults, color: Bool) {
        guard !results.sources.isEmpty else { return }
        let n = results.totalStories ?? results.totalHits
        let what = results.totalStories == nil ? "match\(n == 1 ? "" : "es") (documents)" : "stor\(n == 1 ? "y" : "ies")"
        Terminal.out("")
        Terminal.out(Terminal.style("Sources of the \(Format.count(n)) \(what):", "2", color: color))
        Terminal.out("  " + results.sources.prefix(10).map { "\($0.name) \($0.documents)" }.joined(separator: " · "))
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
}
