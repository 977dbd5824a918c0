import ArgumentParser
import Foundation
import NewsIndex

@main
struct NewsIndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsindex",
        abstract: "Build and search a full-text index of news articles.",
        discussion: """
        Examples:
          newsindex build articles/ feed.jsonl --index ./newsindex
          newsindex add today.jsonl
          newsindex delete wire-003 --query 'url:example.com'
          newsindex search "strategic cooperation"
          newsindex search '"naval drills" china' --limit 5 --json
          newsindex search 'entity:putin taiwan -samarkand' --sort date
          newsindex entities --with cctv
          newsindex show 004_2ca4c52b2190831a
          newsindex check --index ./newsindex
          newsindex serve --index ./newsindex --port 8080

        The index location defaults to ./newsindex; the NEWSINDEX_INDEX environment variable \
        or --index overrides it.

        Exit codes:
          0   success
          1   build or add finished, but some documents were skipped (each is
              reported on stderr); delete finished, but some ids were not there
          64  usage error: unknown option, bad value, or a query that cannot be
              parsed
          65  bad input: with --strict, the first bad document; or no valid
              document at all
          66  not found: an input path, an empty folder, or no index at --index
          69  serve: cannot listen (the port is in use, the host unknown)
          74  the index is damaged or of an unknown format version, or an I/O
              error; for check: problems were found (each is listed on stdout)
          75  the index is locked by another newsindex process; try again later
        """,
        version: NewsIndexVersion.string,
        subcommands: [BuildCommand.self, AddCommand.self, DeleteCommand.self, MergeCommand.self, SearchCommand.self, ShowCommand.self, ExtractCommand.self,
                      EntitiesCommand.self, TermsCommand.self, TrendsCommand.self, SimilarCommand.self, CopiesCommand.self, CheckCommand.self, ServeCommand.self, BenchCommand.self]
    )

    /// ArgumentParser's `main`, with a hint where a query or id starting with `-` was read as
    /// an option (`newsindex search '-date:2022 putin'`).
    static func main() async {
        // "-harbour strike" would be read as the short options -h, -a, … (and print the help):
        // an argument with a single dash and a space, colon or quote in it is a query.
        let arguments = CommandLine.arguments.dropFirst().prefix { $0 != "--" }
        if let query = arguments.first(where: { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains(where: { " :\"".contains($0) }) }) {
            let message = "newsindex: error: '\(query)' reads as options\nA query or id that starts with - goes after --, as in: newsindex search -- '\(query)'\n"
            FileHandle.standardError.write(Data(message.utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let message = fullMessage(for: error)
            if exitCode(for: error) != .success, message.contains("Unknown option '-"), !message.contains("Unknown option '--") {
                let hint = "A query or id that starts with - goes after --, as in: newsindex search -- '-date:2022 putin'"
                FileHandle.standardError.write(Data((message + "\n" + hint + "\n").utf8))
                Foundation.exit(exitCode(for: error).rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Options shared by the subcommands that open an index.
struct IndexLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Index directory (default: $NEWSINDEX_INDEX or ./newsindex).", valueName: "dir"))
    var index: String?

    var path: String { index ?? IndexLocation.defaultPath }

    /// Where the index is when no --index says: $NEWSINDEX_INDEX, else ./newsindex.
    static var defaultPath: String {
        if let env = Terminal.environment("NEWSINDEX_INDEX"), !env.isEmpty { return env }
        return "newsindex"
    }
}

/// Maps library errors to documented exit codes and prints one message on stderr.
func fail(_ error: Error) -> ExitCode {
    guard let e = error as? NewsIndexError else {
        Terminal.error("\(error)")
        return ExitCode(70)
    }
    Terminal.error(e.message + (e.remedy.map { " " + hint($0) } ?? ""))
    switch e.kind {
    case .badQuery: return ExitCode(64)
    case .badInput: return ExitCode(65)
    case .inputNotFound, .indexNotFound: return ExitCode(66)
    case .corruptIndex, .incompatibleIndex, .io: return ExitCode(74)
    case .indexLocked, .timedOut: return ExitCode(75)
    }
}

/// The command line's wording of what to do about a library error.
func hint(_ remedy: NewsIndexError.Remedy) -> String {
    switch remedy {
    case .rebuildIndex: return "Rebuild the index with `newsindex build`."
    case .buildIndex(let path): return "Give the index directory with --index, or build one with `newsindex build PATH… --index \(path)`."
    case .chooseIndexLocation: return "Choose an empty or new directory with --index."
    case .rebuildWithEntities: return "To change it, build the index again with --entities."
    case .listEntities: return "`newsindex entities` lists the entities of an index; `newsindex build --entities FILE` adds more."
    case .listIDs: return "`newsindex search` prints the ids."
    case .skipBadDocuments: return "Without --strict, bad documents are reported and skipped, and unreadable dates indexed undated."
    }
}
