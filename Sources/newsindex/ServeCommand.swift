import Foundation
import ArgumentParser
import NewsIndex
import NewsIndexServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer searches over HTTP: a JSON API and a search page.",
        discussion: """
        Serves the indexes (--index, repeated: searched as one) at http://HOST:PORT/: the search \
        page at /, the JSON API under /api/ (GET /api/search, /api/articles/ID, /api/entities, \
        /api/stats), described by the OpenAPI document at /api/openapi.json. Every search reads \
        the newest commit, so articles added by `newsindex add` from another process show up \
        without a restart; a request reads one commit from start to end.

        Reads need no authentication, so the server listens on loopback (127.0.0.1) unless \
        --host says otherwise, and then warns. Writes (POST /api/articles with JSON Lines or one \
        JSON article, DELETE /api/articles/ID) are off unless a token is given with \
        --write-token or NEWSINDEX_WRITE_TOKEN; they need `Authorization: Bearer TOKEN` and go \
        to the first index, each as one atomic commit.

        Limits: a query of at most 4,096 bytes, limit ≤ 1,000, offset ≤ 100,000 (page deeper \
        with search_after), a body of at most --max-body MB, and --query-timeout per search \
        (past it the answer is 503). Errors are problem JSON (RFC 9457).

        One line per request goes to stderr (Common Log Format plus the milliseconds taken) \
        unless --quiet. SIGINT or SIGTERM stops the server once the requests in flight are answered.

        Examples:
          newsindex serve
          newsindex serve --index /srv/news-index --port 9000
          newsindex serve --index news-2022 --index news-2023
          NEWSINDEX_WRITE_TOKEN=s3cret newsindex serve --quiet
          curl 'http://127.0.0.1:8080/api/search?q=putin&limit=3'
          curl -H 'Authorization: Bearer s3cret' --data-binary @today.jsonl http://127.0.0.1:8080/api/articles

        Exit codes: 0 after a clean stop; 66 no index; 69 the server cannot listen (the port is \
        taken, the host unknown); 74 a damaged index.
        """
    )

    @Option(name: .long, help: ArgumentHelp("Index directory (default: $NEWSINDEX_INDEX or ./newsindex); repeat to serve several as one.", valueName: "dir"))
    var index: [String] = []

    @Option(name: .long, help: ArgumentHelp("Address to listen on; anything but loopback lets other machines read the indexes.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(name: .long, help: "TCP port to listen on (0: any free port, printed at start, even with --quiet).")
    var port = 8080

    @Option(name: .long, help: ArgumentHelp("Allow writes with this bearer token (default: $NEWSINDEX_WRITE_TOKEN; none: writes are off).", valueName: "token"))
    var writeToken: String?

    @Option(name: .long, help: ArgumentHelp("Let pages from this origin call the API (CORS), e.g. https://news.example.org.", valueName: "origin"))
    var cors: String?

    @Option(name: .long, help: ArgumentHelp("Time budget of one search, in milliseconds.", valueName: "ms"))
    var queryTimeout = 2000

    @Option(name: .long, help: ArgumentHelp("Largest request body, in MB.", valueName: "MB"))
    var maxBody = 32

    @Option(name: .long, help: "Threads that run searches (default: one per core).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .long, help: "Log no requests; print only errors.")
    var quiet = false

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535 (got \(port))") }
        if queryTimeout < 1 { throw ValidationError("--query-timeout must be at least 1 ms (got \(queryTimeout))") }
        if maxBody < 1 { throw ValidationError("--max-body must be at least 1 MB (got \(maxBody))") }
        if threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads))") }
        if let t = writeToken, t.isEmpty { throw ValidationError("--write-token must not be empty") }
    }

    func run() async throws {
        var c = ServerConfiguration(indexPaths: index.isEmpty ? [IndexLocation.defaultPath] : index)
        c.host = host
        c.port = port
        c.writeToken = writeToken ?? Terminal.environment("NEWSINDEX_WRITE_TOKEN").flatMap { $0.isEmpty ? nil : $0 }
        c.corsOrigin = cors
        c.queryTimeout = .milliseconds(queryTimeout)
        c.maxBodyBytes = maxBody << 20
        c.searchThreads = threads
        c.logRequests = !quiet
        let server: NewsIndexServer
        do { server = try NewsIndexServer(configuration: c) } catch { throw fail(error) }
        if !c.isLoopback {
            Terminal.warning("listening on \(host), not on loopback: anyone who can reach this machine can read the indexes (reads have no authentication)")
        }
        let paths = c.indexPaths.joined(separator: ", "), documents = server.documentCount
        let writes = c.writeToken == nil ? "writes off" : "writes on (bearer token)"
        // With --port 0 the port is news to the caller: said even with --quiet.
        let announce = !quiet || port == 0
        do {
            try await server.run { port in
                if announce {
                    Terminal.err("newsindex serve: http://\(host.contains(":") ? "[\(host)]" : host):\(port)/ — \(paths), \(Format.count(documents)) documents, \(writes). Ctrl-C stops.")
                }
            }
        } catch {
            let text = "\(error)"
            if text.contains("Address already in use") {
                Terminal.error("cannot listen on \(host):\(port): the port is in use by another program. Pick another with --port.")
            } else {
                Terminal.error("cannot listen on \(host):\(port): \(text)")
            }
            throw ExitCode(69)
        }
    }
}
