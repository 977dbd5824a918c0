import Foundation
import Hummingbird
import NewsIndex
import NewsIndexJSON

/// An error answered as problem JSON (RFC 9457, `application/problem+json`), with a stable
/// `type` per kind; the OpenAPI document lists the kinds.
struct Problem: Error, Encodable {
    /// The kinds, each with its `type` path, HTTP status and fixed title.
    enum Kind: String {
        case badQuery = "bad-query", badParameter = "bad-parameter", tooLarge = "too-large", notFound = "not-found"
        case unauthorized, forbidden, writesDisabled = "writes-disabled", cursorExpired = "cursor-expired"
        case badCursor = "bad-cursor", badDocuments = "bad-documents", indexLocked = "index-locked"
        case timeout, busy, damagedIndex = "damaged-index", internalError = "internal"
        case methodNotAllowed = "method-not-allowed"

        var status: HTTPResponse.Status {
            switch self {
            case .badQuery, .badParameter, .badCursor, .tooLarge: return .badRequest
            case .notFound: return .notFound
            case .unauthorized: return .unauthorized
            case .forbidden, .writesDisabled: return .forbidden
            case .cursorExpired: return .gone
            case .badDocuments: return .unprocessableContent
            case .indexLocked: return .conflict
            case .timeout, .busy: return .serviceUnavailable
            case .damagedIndex, .internalError: return .internalServerError
            case .methodNotAllowed: return .methodNotAllowed
            }
        }

        var title: String {
            switch self {
            case .badQuery: return "The query cannot be parsed"
            case .badParameter: return "A parameter has a value that cannot be used"
            case .tooLarge: return "The request is over a limit"
            case .notFound: return "Not found"
            case .unauthorized: return "Writes need a bearer token"
            case .forbidden: return "The bearer token is wrong"
            case .writesDisabled: return "Writes are turned off"
            case .cursorExpired: return "The cursor's commit is no longer kept"
            case .badCursor: return "The cursor cannot be used"
            case .badDocuments: return "No document of the body can be indexed"
            case .indexLocked: return "Another process is writing the index"
            case .timeout: return "The query took longer than its time budget"
            case .busy: return "Too many queries are waiting"
            case .damagedIndex: return "The index is damaged"
            case .internalError: return "Internal error"
            case .methodNotAllowed: return "Method not allowed"
            }
        }
    }

    var kind: Kind
    var detail: String
    var status: HTTPResponse.Status
    /// Members beyond the standard ones (`query`, `column`, `caret`, `parameter`, `maximum`, `skipped`).
    var extra: [String: ExtraValue] = [:]

    enum ExtraValue: Encodable {
        case string(String), int(Int), skipped([SkippedJSON])
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .string(let s): try c.encode(s)
            case .int(let n): try c.encode(n)
            case .skipped(let list): try c.encode(list)
            }
        }
    }

    init(_ kind: Kind, _ detail: String, status: HTTPResponse.Status? = nil, extra: [String: ExtraValue] = [:]) {
        self.kind = kind
        self.detail = detail
        self.status = status ?? kind.status
        self.extra = extra
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode("/problems/" + kind.rawValue, forKey: Key("type"))
        try c.encode(kind.title, forKey: Key("title"))
        try c.encode(Int(status.code), forKey: Key("status"))
        try c.encode(detail, forKey: Key("detail"))
        for (k, v) in extra { try c.encode(v, forKey: Key(k)) }
    }

    /// The problem answer, with `WWW-Authenticate` on a 401.
    func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if kind == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"newsindex\"" }
        let body = (try? JSONOutput.encoder().encode(self)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The problem for a library error or anything else thrown by a handler.
    static func from(_ error: any Error) -> Problem {
        if let p = error as? Problem { return p }
        if let e = error as? NewsIndexError {
            switch e.kind {
            case .badQuery:
                return badQuery(e)
            case .timedOut:
                return Problem(.timeout, "The search took longer than the server's time budget per query and was stopped. Narrow the query (fewer prefixes, a date range) or ask the operator to raise --query-timeout.")
            case .indexLocked:
                return Problem(.indexLocked, e.message + " Try again once it has committed.")
            case .corruptIndex, .incompatibleIndex:
                return Problem(.damagedIndex, e.message + " Run `newsindex check` on the index.")
            case .badInput:
                return Problem(.badParameter, e.message)
            case .inputNotFound, .indexNotFound:
                return Problem(.notFound, e.message)
            case .io:
                return Problem(.internalError, e.message)
            }
        }
        if let h = error as? HTTPError {
            switch h.status {
            case .notFound: return Problem(.notFound, "There is nothing at this path. The API is described at /api/openapi.json.")
            case .contentTooLarge: return Problem(.tooLarge, "The request body is too large.", status: .contentTooLarge)
            case .methodNotAllowed: return Problem(.methodNotAllowed, "This path does not take that method.")
            default: return Problem(.badParameter, h.body ?? "\(h.status)", status: h.status)
            }
        }
        return Problem(.internalError, "\(error)")
    }

    /// A query that does not parse: the message, the 1-based column and the caret line, as the CLI prints them.
    static func badQuery(_ e: NewsIndexError) -> Problem {
        var extra: [String: ExtraValue] = [:]
        // The parser's messages quote the query on an indented line with a caret line under it.
        let lines = e.message.split(separator: "\n", omittingEmptySubsequences: false)
        if let i = lines.indices.dropFirst().first(where: { lines[$0].last == "^" && lines[$0].dropLast().allSatisfy { $0 == " " } }) {
            extra["caret"] = .string(lines[i - 1].dropFirst(2) + "\n" + lines[i].dropFirst(2))
            extra["column"] = .int(lines[i].count - 2)
            extra["message"] = .string(lines.prefix(i - 1).joined(separator: "\n"))
        }
        return Problem(.badQuery, e.message, extra: extra)
    }
}
