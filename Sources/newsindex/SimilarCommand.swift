import Foundation
import ArgumentParser
import NewsIndex
import NewsIndexJSON

struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Find the articles most like one article (more like this), one hit per story.",
        discussion: """
        Takes the words that weigh most in the article by BM25 (its title's words count \
        double, the entities it mentions twice as much again; words no other article has are \
        left out), searches for them as an OR weighted by that weight, and leaves out the \
        article and its copies. Results are collapsed: each story once, with its matching \
        copies (as search --collapse). The query form similar:ID does the same inside a \
        search and combines with the rest: newsindex search 'similar:ID date:2022-12'.

        Output: as search. With --json, one JSON object per hit (as search --collapse --json).

        Examples:
          newsindex similar 004_2ca4c52b2190831a
          newsindex similar wire-0 --limit 5 --json
          newsindex search 'similar:wire-0 date:2025-03' --collapse
        """
    )

    @Argument(help: ArgumentHelp("The article's id (as printed by search).", valueName: "id"))
    var id: String

    @OptionGroup var location: IndexLocation

    @Option(name: [.short, .long], help: "Show at most this many hits.")
    var limit = 10

    @Option(name: .long, help: ArgumentHelp("Only articles published on or after this date: 2022-12-01, 2022-12, 2w.", valueName: "date"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only articles published on or before this day (month, year).", valueName: "date"))
    var until: String?

    @Flag(name: .long, help: "Show for each hit how its score was made.")
    var explain = false

    @Flag(name: .long, help: "Write one JSON object per hit (JSON Lines) instead of text.")
    var json = false

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be 1 or more (got \(limit))") }
    }

    func run() throws {
        do { try similar() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func similar() throws {
        let index = try IndexReader(path: location.path)
        guard try index.article(id: id) != nil else {
            throw noArticle(id, in: location.path)
        }
        var parts = [Query.similar(toID: id)]
        if let since { parts.append(try Query.published(since: since)) }
        if let until { parts.append(try Query.published(until: until)) }
        var options = SearchOptions()
        options.limit = limit
        options.explain = explain
        options.collapse = true
        let results = try index.search(parts.count == 1 ? parts[0] : Query.all(parts), options: options)
        if json {
            for line in try JSONOutput.lines(results.hits.map { SearchHitJSON($0, collapsed: true) }) { Terminal.out(line) }
            return
        }
        let color = Terminal.colorOnStdout
        let stories = results.totalStories ?? results.totalHits
        Terminal.out("\(Format.count(stories)) stor\(stories == 1 ? "y" : "ies") (\(Format.count(results.totalHits)) articles) like \(id)")
        for hit in results.hits {
            var line = "\(hit.rank). " + Terminal.style(hit.id, "1", color: color) + "  score " + Format.fixed(Double(hit.score), 3)
            if let d = hit.date { line += "  " + d.isoDay }
            if let s = hit.source { line += "  " + s }
            Terminal.out("")
            Terminal.out(line)
            if !hit.title.isEmpty { Terminal.out("   " + Terminal.style(hit.title, "1;36", color: color)) }
            if let line = copiesLine(hit, color: color) { Terminal.out(line) }
            if let e = hit.explanation {
                for l in e.description.split(separator: "\n") { Terminal.out("     " + l) }
            }
        }
    }
}
