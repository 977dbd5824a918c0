import ArgumentParser
import NewsIndex
import NewsIndexJSON

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one stored article as it was indexed.",
        discussion: """
        Shows the title, byline, date, URL and entities of the article with the given id, then \
        its searchable body, then the text of the page that was set aside (navigation, share \
        buttons, lists of other stories: stored, never searched). Ids are matched exactly.

        Examples:
          newsindex show 004_2ca4c52b2190831a
          newsindex show wire-003 --index /srv/news-index --json
        """
    )

    @Argument(help: ArgumentHelp("The article's id (as printed by search).", valueName: "id"))
    var id: String

    @OptionGroup var location: IndexLocation

    @Flag(name: .long, help: "Write the article as one JSON object.")
    var json = false

    func run() throws {
        do { try show() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func show() throws {
        let index = try IndexReader(path: location.path)
        guard let a = try index.article(id: id) else {
            throw noArticle(id, in: location.path)
        }
        if json {
            Terminal.out(try JSONOutput.line(ArticleJSON(a)))
            return
        }
        let day = a.date.map { ArticleDate(secondsSinceEpoch: $0, text: a.dateText ?? "").isoDay }
        let color = Terminal.colorOnStdout
        func field(_ name: String, _ value: String?) {
            Terminal.out(Terminal.style(name.padding(toLength: 10, withPad: " ", startingAt: 0), "2", color: color) + (value ?? "—"))
        }
        field("id", a.id)
        field("title", a.title)
        field("byline", a.byline)
        var dateText = day
        if let d = day, let raw = a.dateText, raw != d { dateText = "\(d) (\(raw))" }
        field("date", dateText)
        field("url", a.url)
        field("source", a.source)
        field("entities", a.entities.isEmpty ? nil : a.entities.map { "\($0.name) ×\($0.mentions)" }.joined(separator: " · "))
        Terminal.out("")
        Terminal.out(a.body)
        if let aside = a.setAside {
            Terminal.out("")
            Terminal.out(Terminal.style("── set aside, not searched ──", "2", color: color))
            Terminal.out(aside)
        }
    }
}
