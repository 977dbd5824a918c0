import ArgumentParser
import NewsIndex
import NewsIndexJSON

struct CopiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copies",
        abstract: "List an article's copies (its copy group), earliest first: who published first.",
        discussion: """
        Copies are the same text published again: a wire story republished by other outlets, \
        under another headline, with their own boilerplate, cut to its lead or lightly edited. \
        newsindex finds them when it indexes (each article's body gets a MinHash signature over \
        its word 3-shingles; two articles are copies when most of the shorter one's shingles are \
        in the longer one) and keeps them as a copy group, which later additions, deletions and \
        merges keep. Bodies of fewer than about 27 words (page furniture, teasers) are never \
        grouped.

        Output: one line per article of the group, earliest first (undated last): date, source, \
        id and title; the article asked about is marked with *. With --json one object per \
        line (id, title, date, published, source, url, asked).

        --compare OTHER prints how the two articles' signatures compare instead: the estimated \
        Jaccard similarity, shingles in common and containment, and whether that makes them \
        copies.

        Examples:
          newsindex copies wire-0
          newsindex copies wire-0 --compare wire-3
          newsindex copies 004_2ca4c52b2190831a --json | jq -r .source
        """
    )

    @Argument(help: ArgumentHelp("The article's id (as printed by search).", valueName: "id"))
    var id: String

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: ArgumentHelp("Compare the article with this one instead: the estimates that decide whether they are copies.", valueName: "id"))
    var compare: String?

    @Flag(name: .long, help: "Write one JSON object per article (JSON Lines).")
    var json = false

    func run() throws {
        do { try list() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func list() throws {
        let index = try IndexReader(path: location.path)
        if let other = compare { return try compareWith(other, index) }
        let group = try index.copies(ofID: id)
        guard !group.isEmpty else {
            throw noArticle(id, in: location.path)
        }
        if json {
            for line in try JSONOutput.lines(group.map { CopyJSON($0, asked: $0.id == id) }) { Terminal.out(line) }
            return
        }
        let color = Terminal.colorOnStdout
        let others = group.count - 1
        Terminal.out(others == 0 ? "\(id) has no copies in the index."
                                 : "\(id) and \(others) cop\(others == 1 ? "y" : "ies"), earliest first:")
        guard others > 0 else { return }
        let sources = group.map { $0.source ?? "—" }
        let width = min(28, sources.map(\.count).max() ?? 0)
        for (c, source) in zip(group, sources) {
            let when = c.date.map { $0.text.isEmpty ? $0.isoDay : $0.text } ?? "undated"
            let mark = c.id == id ? "*" : " "
            Terminal.out("\(mark) " + when.padding(toLength: max(10, when.count), withPad: " ", startingAt: 0) + "  "
                         + source.padding(toLength: max(width, source.count), withPad: " ", startingAt: 0) + "  "
                         + Terminal.style(c.id, "1", color: color) + "  " + c.title)
        }
    }

    private func compareWith(_ other: String, _ index: IndexReader) throws {
        for i in [id, other] where try index.article(id: i) == nil {
            throw noArticle(i, in: location.path)
        }
        guard let c = try index.compareCopies(id, other) else {
            Terminal.out("\(id) and \(other) cannot be compared: at least one has a body too short for a signature (under about 27 words).")
            return
        }
        if json {
            Terminal.out(try JSONOutput.line(CopyComparisonJSON(c)))
            return
        }
        Terminal.out("shingles       \(c.shingles.0) and \(c.shingles.1)")
        Terminal.out("equal bins     \(c.equalBins) of \(c.comparedBins)")
        Terminal.out("jaccard        " + Format.fixed(c.jaccard, 2))
        Terminal.out("shared         about \(Int(c.sharedShingles.rounded())) shingles")
        Terminal.out("containment    " + Format.fixed(c.containment, 2))
        Terminal.out("copies         " + (c.isCopy ? "yes" : "no") + (c.sameGroup ? " (one copy group)" : " (different copy groups)"))
    }
}

/// The error of an id that names no article of the index at `path`.
func noArticle(_ id: String, in path: String) -> NewsIndexError {
    NewsIndexError(.inputNotFound, "no article with id \"\(id)\" in the index at \(path) (ids are case-sensitive; `newsindex search` prints them).")
}

/// The line under a collapsed hit: "+N copies: source day · …" (nil when it has none).
func copiesLine(_ hit: SearchHit, color: Bool) -> String? {
    guard !hit.copies.isEmpty else { return nil }
    let from = hit.copies.map { c in [c.source ?? c.id, c.date?.isoDay].compactMap { $0 }.joined(separator: " ") }
    return "   " + Terminal.style("+\(hit.copies.count) cop\(hit.copies.count == 1 ? "y" : "ies"): " + from.joined(separator: " · "), "2", color: color)
}
