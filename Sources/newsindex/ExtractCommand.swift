import ArgumentParser
import NewsIndex
import NewsIndexHTML
import NewsIndexIngest
import NewsIndexJSON

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Print the article newsindex finds in web pages, without indexing them.",
        discussion: """
        Reads each page (.html, .htm, .xhtml, each also .gz) as `build` does and prints its \
        title, byline, dates, canonical URL, source and language, then the article body. With \
        --aside, the text of the page that was set aside follows (navigation, related stories, \
        comments). With --json, one JSON object per page per line.

        Examples:
          newsindex extract saved/putin-xi-call.html
          newsindex extract crawl/*.html.gz --json > pages.jsonl
          newsindex extract page.html --url https://example.com/2022/12/30/story
        """
    )

    @Argument(help: ArgumentHelp("Web pages to read.", valueName: "page"))
    var pages: [String]

    @Option(name: .long, help: ArgumentHelp("The URL the page was fetched from (for relative links, a date in the URL and the host as source); only with one page.", valueName: "url"))
    var url: String?

    @Flag(name: .long, help: "Also print the text that was set aside.")
    var aside = false

    @Flag(name: .long, help: "Write one JSON object per page.")
    var json = false

    func validate() throws {
        if url != nil && pages.count > 1 { throw ValidationError("--url names the URL of one page; give a single page with it") }
    }

    func run() throws {
        do { try extract() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func extract() throws {
        for path in pages {
            let page = try PageArticle.readPage(path: path, url: url)
            if json {
                Terminal.out(try JSONOutput.line(PageJSON(page, file: path)))
                continue
            }
            show(page, path: path)
        }
    }

    private func show(_ page: WebPage, path: String) {
        let color = Terminal.colorOnStdout
        func field(_ name: String, _ value: String?) {
            Terminal.out(Terminal.style(name.padding(toLength: 10, withPad: " ", startingAt: 0), "2", color: color) + (value ?? "—"))
        }
        field("file", path)
        field("title", page.title)
        field("byline", page.byline)
        field("date", page.dates.first)
        field("modified", page.modified)
        field("url", page.url)
        field("source", page.source)
        field("language", page.language)
        Terminal.out("")
        Terminal.out(page.body)
        if aside && !page.setAside.isEmpty {
            Terminal.out("")
            Terminal.out(Terminal.style("── set aside, not searched ──", "2", color: color))
            Terminal.out(page.setAside.joined(separator: "\n"))
        }
        Terminal.out("")
    }
}
