import Foundation
import ArgumentParser
import NewsIndex
import NewsIndexJSON

struct TermsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terms",
        abstract: "List the words that stand out in the matches of a query (--significant), or the most frequent ones.",
        discussion: """
        --significant ranks the words over-represented in the matches compared with the whole \
        index by JLH, the score of Elasticsearch's significant_terms: with fg the share of \
        matching documents that contain the word and bg the share of all documents, \
        (fg − bg) × fg / bg. Without it, the words most matches contain. Words are shown as \
        indexed (analyzed); function words, numbers, words under three letters and the query's \
        own words are left out. Candidates are the words of the 200 best matches; every count \
        shown is exact, over all the matches. --stories counts stories (an article and its \
        copies once) so that syndication does not skew the result.

        Output: score, matching documents with the word / matching documents, documents with \
        it / all documents, word. With --json one object per line (term, score, score_name, \
        foreground, foreground_total, background, background_total, stories).

        Examples:
          newsindex terms --query bushfire --significant
          newsindex terms --query 'entity:xi' --significant --stories --limit 10
          newsindex terms --query 'date:2022-12' --json
        """
    )

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: ArgumentHelp("The documents to look at (the syntax of newsindex search).", valueName: "query"))
    var query: String

    @Flag(name: .long, help: "Rank by how much more frequent a word is in the matches than in the whole index (JLH).")
    var significant = false

    @Flag(name: .long, help: "Count stories (an article and its copies once) instead of articles.")
    var stories = false

    @Option(name: .customLong("min-docs"), help: "Leave out words in fewer matching documents than this.")
    var minDocs = 3

    @Option(name: [.short, .long], help: "Show at most this many words.")
    var limit = 25

    @Flag(name: .long, help: "Write one JSON object per word (JSON Lines).")
    var json = false

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be 1 or more (got \(limit))") }
        if minDocs < 1 { throw ValidationError("--min-docs must be 1 or more (got \(minDocs))") }
    }

    func run() throws {
        do { try list() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func list() throws {
        var options = SignificanceOptions()
        options.limit = limit
        options.minimumDocuments = minDocs
        options.stories = stories
        options.significant = significant
        let parsed = try Query.parse(query, now: options.now)
        let index = try IndexReader(path: location.path)
        let terms = try index.significantTerms(matching: parsed, options: options)
        try printSignificant(terms, json: json, stories: stories, significant: significant)
    }
}

/// Prints significant terms or entities: a table, or JSON Lines.
func printSignificant(_ terms: [SignificantTerm], json: Bool, stories: Bool, significant: Bool) throws {
    if json {
        for line in try JSONOutput.lines(terms.map { SignificantTermJSON($0, stories: stories) }) { Terminal.out(line) }
        return
    }
    let color = Terminal.colorOnStdout
    let unit = stories ? "stories" : "documents"
    guard let first = terms.first else {
        Terminal.out("no term in enough matching \(unit)" + (significant ? " is more frequent there than in the whole index" : ""))
        return
    }
    Terminal.out(Terminal.style((significant ? "  jlh  " : "") + "   matches (of \(Format.count(first.foregroundTotal)))   index (of \(Format.count(first.backgroundTotal)))   term", "2", color: color))
    for t in terms {
        let fg = Format.count(t.foreground), bg = Format.count(t.background)
        var line = significant ? Format.fixed(t.score, 3).padding(toLength: 7, withPad: " ", startingAt: 0) : ""
        line += String(repeating: " ", count: max(0, 13 - fg.count)) + fg + "   "
        line += String(repeating: " ", count: max(0, 14 - bg.count)) + bg + "   " + t.term
        if let type = t.entityType { line += Terminal.style(" (\(type))", "2", color: color) }
        Terminal.out(line)
    }
}
