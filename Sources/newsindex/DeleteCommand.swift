import Foundation
import ArgumentParser
import NewsIndex

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Remove articles from the index, by id or by query.",
        discussion: """
        Deletes the articles with the given ids (matched exactly, case-sensitive) and, with \
        --query, every article the query matches. The change is one atomic commit: searches that \
        are running see the index before or after it, never in between. Deleted articles stop \
        counting in the ranking statistics at once; their space is given back when their segment \
        is merged (`newsindex merge`, or automatically as `newsindex add` goes on).

        Examples:
          newsindex delete wire-003 wire-017
          newsindex delete --query 'url:example.com date:<2020'
          newsindex delete --query 'entity:cctv' --dry-run
          newsindex delete wire-003 --index /srv/news-index --quiet

        Exits with 1 when some of the given ids are not in the index (the others are deleted).
        """
    )

    @Argument(help: ArgumentHelp("Ids of the articles to delete.", valueName: "id"))
    var ids: [String] = []

    @Option(name: .long, help: ArgumentHelp("Also delete every article this query matches (same syntax as search).", valueName: "query"))
    var query: String?

    @OptionGroup var location: IndexLocation

    @Flag(name: .long, help: "Only say how many articles would be deleted; change nothing.")
    var dryRun = false

    @Flag(name: [.short, .long], help: "Print nothing but errors and warnings.")
    var quiet = false

    func validate() throws {
        if ids.isEmpty && query == nil { throw ValidationError("give the ids of the articles to delete, or --query") }
    }

    func run() throws {
        do { try delete() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func delete() throws {
        let start = Terminal.now()
        let parsed = try query.map { try Query.parse($0, now: Date()) }
        var options = IndexWriter.Options()
        options.mode = .append
        let writer = try IndexWriter(path: location.path, options: options)
        var missing: [String] = []
        var found = 0
        // Ids are compared byte for byte, as the index does (not by Unicode equivalence).
        var seen = Set<[UInt8]>()
        for id in ids where seen.insert(Array(id.utf8)).inserted {
            if try writer.delete(id: id) { found += 1 } else { missing.append(id) }
        }
        let matched = try parsed.map { try writer.delete(matching: $0) } ?? 0
        for id in missing { Terminal.warning("no article with id \"\(id)\" in the index at \(location.path); nothing to delete for it") }
        if dryRun {
            // The writer is dropped without commit: nothing changes.
            Terminal.out("would delete \(found) article\(found == 1 ? "" : "s") by id and \(matched) by query (an article named both ways is counted in both)")
        } else if found + matched > 0 {
            let summary = try writer.commit()
            if !quiet && Terminal.stderrIsTerminal {
                Terminal.err("Deleted \(Format.count(summary.deletedCount)) article\(summary.deletedCount == 1 ? "" : "s") in \(Format.duration(Terminal.now() - start)) → \(location.path) (\(Format.count(summary.documentCount)) documents, \(summary.segmentCount) segment\(summary.segmentCount == 1 ? "" : "s"))")
            }
        } else if !quiet && Terminal.stderrIsTerminal {
            Terminal.err("Nothing to delete; the index at \(location.path) is unchanged")
        }
        if !missing.isEmpty { throw ExitCode(1) }
    }
}
