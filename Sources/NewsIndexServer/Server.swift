import Foundation
import Hummingbird
import Logging
import NIOCore
import NewsIndex
import NewsIndexJSON

/// `newsindex serve`: the JSON API over one or more indexes, the search page and the API's
/// OpenAPI document, on Hummingbird.
///
/// ```swift
/// var configuration = ServerConfiguration(indexPaths: ["newsindex"])
/// configuration.port = 8080
/// let server = try NewsIndexServer(configuration: configuration)
/// try await server.run()   // until SIGINT or SIGTERM; requests in flight finish first
/// ```
public final class NewsIndexServer: Sendable {
    /// What the server was started with.
    public let configuration: ServerConfiguration
    let commits: Commits
    let pool: SearchPool
    let log: RequestLog

    /// Opens the indexes (a missing or damaged one fails here, before the server listens).
    ///
    /// - Throws: `NewsIndexError` as `IndexReader(path:)` does.
    public init(configuration: ServerConfiguration) throws {
        precondition(!configuration.indexPaths.isEmpty, "a server needs at least one index")
        self.configuration = configuration
        commits = try Commits(paths: configuration.indexPaths, keepAlive: configuration.cursorKeepAlive,
                              maxKept: configuration.maxKeptCommits)
        pool = SearchPool(threads: configuration.searchThreads, maxWaiting: configuration.maxWaitingSearches)
        log = RequestLog(enabled: configuration.logRequests)
    }

    /// Documents in the newest commit of all the indexes.
    public var documentCount: Int { (try? commits.current().documentCount) ?? 0 }

    /// Listens and answers until SIGINT or SIGTERM; requests in flight finish first.
    ///
    /// - Parameter started: called once the server listens, with the port it listens on.
    public func run(started: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        var logger = Logger(label: "newsindex")
        logger.logLevel = .warning
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "newsindex"),
            onServerRunning: { channel in started(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        do {
            try await app.runService()
        } catch {
            try? await pool.shutdown()
            throw error
        }
        try await pool.shutdown()
    }

    /// The routes (the tests drive them without a socket).
    func router() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.add(middleware: log)
        if let origin = configuration.corsOrigin {
            router.add(middleware: CORSMiddleware(allowOrigin: .custom(origin), allowHeaders: [.accept, .authorization, .contentType],
                                                  allowMethods: [.get, .post, .delete, .options]))
        }
        router.add(middleware: ProblemMiddleware())
        addPageRoutes(to: router)
        addInfoRoutes(to: router)
        addSearchRoute(to: router)
        addStoriesRoutes(to: router)
        addArticleRoutes(to: router)
        return router
    }
}

/// The request context: Hummingbird's, with the client's address for the request log.
struct ServerContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Answers every error, ours or Hummingbird's (no route, body too large), as problem JSON.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Problem.from(error).response()
        }
    }
}

/// One line per request on standard error, in Apache's Common Log Format with the time taken
/// appended: `127.0.0.1 - - [03/Dec/2026:11:50:00 +0000] "GET /api/search?q=x HTTP/1.1" 200 1234 1.25ms`.
final class RequestLog: RouterMiddleware, Sendable {
    typealias Context = ServerContext
    let enabled: Bool
    private let lock = NSLock()

    init(enabled: Bool) { self.enabled = enabled }

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard enabled else { return try await next(request, context) }
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Problem.from(error).response()
        }
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let host = context.remoteAddress?.ipAddress ?? "-"
        let size = response.body.contentLength.map(String.init) ?? "-"
        let target = request.uri.description.replacingOccurrences(of: "\"", with: "%22")
        let line = "\(host) - - [\(RequestLog.timestamp())] \"\(request.method.rawValue) \(target) HTTP/1.1\" \(response.status.code) \(size) \(String(format: "%.2f", ms))ms\n"
        lock.withLock { FileHandle.standardError.write(Data(line.utf8)) }
        return response
    }

    /// The time as the Common Log Format writes it, in UTC.
    static func timestamp(_ date: Date = Date()) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        var buffer = [Int8](repeating: 0, count: 40)
        let n = strftime(&buffer, buffer.count, "%d/%b/%Y:%H:%M:%S +0000", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension NewsIndexServer {
    /// A JSON answer, encoded as the CLI's `--json` is.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONOutput.encoder().encode(value))))
    }

    /// Milliseconds since `start`.
    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return ((Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15) * 100).rounded() / 100
    }
}
