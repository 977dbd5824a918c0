import Foundation
import ArgumentParser
import NewsIndex
import NewsIndexJSON

struct EntitiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entities",
        abstract: "List the entities an index mentions, with document and mention counts.",
        discussion: """
        Counts the entities recognized at index time (people, organizations, places, media) over \
        the whole index, over the documents matching --query, or over the documents that mention \
        the entity given to --with (which is then left out of the list). --discover instead lists \
        frequent capitalized names that the entity list does not know yet, as lines ready for an \
        entities file (newsindex build --entities FILE).

        Output: documents, mentions, name and type per line; with --json one object per line.

        Examples:
          newsindex entities
          newsindex entities --query '"strategic cooperation"' --limit 5
          newsindex entities --with putin
          newsindex entities --discover > more-entities.txt
          newsindex entities --query 'taiwan' --significant --stories

        --significant ranks the entities over-represented in the matches of --query (or \
        --with) compared with the whole index, by JLH as Elasticsearch's significant_terms: \
        with fg the share of matching documents that mention the entity and bg the share of \
        all documents, (fg − bg) × fg / bg. --stories counts stories (an article and its \
        copies once) instead of documents; --min-docs leaves out rarer ones. Output: score, \
        matching documents with it / matching documents, documents with it / all, entity; \
        with --json one object per line (as newsindex terms --json).
        """
    )

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: ArgumentHelp("Count only over the documents matching this query.", valueName: "query"))
    var query: String?

    @Option(name: .long, help: ArgumentHelp("Count over the documents that mention this entity (left out of the list); repeat for several, all must be mentioned.", valueName: "name"))
    var with: [String] = []

    @Option(name: [.short, .long], help: "Show at most this many entities.")
    var limit = 50

    @Flag(name: .long, help: "List frequent names that are not known entities yet, in entities-file form.")
    var discover = false

    @Flag(name: .long, help: "Rank the entities over-represented in the matches of --query (JLH score).")
    var significant = false

    @Flag(name: .long, help: "With --significant: count stories (an article and its copies once).")
    var stories = false

    @Option(name: .customLong("min-docs"), help: "With --significant: leave out entities in fewer matching documents.")
    var minDocs = 3

    @Flag(name: .long, help: "Write one JSON object per entity (JSON Lines).")
    var json = false

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be 1 or more (got \(limit))") }
        if significant && query == nil && with.isEmpty {
            throw ValidationError("--significant compares the matches of a query with the whole index: add --query QUERY (or --with NAME)")
        }
        if (stories || minDocs != 3) && !significant { throw ValidationError("--stories and --min-docs go with --significant") }
    }

    func run() throws {
        do { try list() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func list() throws {
        var parts: [Query] = []
        if let query { parts.append(try Query.parse(query, now: Date())) }
        for name in with { parts.append(Query.entity(name)) }
        let filter = parts.isEmpty ? nil : (parts.count == 1 ? parts[0] : Query.all(parts))
        let index = try IndexReader(path: location.path)
        if discover {
            let names = try index.discoverNames(matching: filter, limit: limit)
            if json {
                for line in try JSONOutput.lines(names.map(DiscoveredNameJSON.init)) { Terminal.out(line) }
                return
            }
            Terminal.out("# Names not in the entity list, most documents first. Set each type, add aliases, and")
            Terminal.out("# pass the file to `newsindex build --entities FILE`.")
            for n in names {
                Terminal.out("# \(n.documents) document\(n.documents == 1 ? "" : "s"), \(n.mentions) mentions")
                Terminal.out("\(n.name) | unknown | \(n.name)")
            }
            return
        }
        if significant, let filter {
            var options = SignificanceOptions()
            options.limit = limit
            options.minimumDocuments = minDocs
            options.stories = stories
            let named = Set(with.compactMap { index.entity(named: $0)?.name })
            let terms = try index.significantEntities(matching: filter, options: options).filter { !named.contains($0.term) }
            return try printSignificant(terms, json: json, stories: stories, significant: true)
        }
        var counts = try index.entityCounts(matching: filter)
        let named = Set(with.compactMap { index.entity(named: $0)?.name })
        counts.removeAll { named.contains($0.name) }   // they are in every one of these documents
        counts = Array(counts.prefix(limit))
        if json {
            for line in try JSONOutput.lines(counts.map(EntityCountJSON.init)) { Terminal.out(line) }
            return
        }
        let color = Terminal.colorOnStdout
        Terminal.out(Terminal.style("documents  mentions  entity", "2", color: color))
        for c in counts {
            let docs = Format.count(c.documents), mentions = Format.count(c.mentions)
            Terminal.out(String(repeating: " ", count: max(0, 9 - docs.count)) + docs + "  "
                         + String(repeating: " ", count: max(0, 8 - mentions.count)) + mentions + "  "
                         + c.name + Terminal.style(" (\(c.type))", "2", color: color))
        }
    }
}
