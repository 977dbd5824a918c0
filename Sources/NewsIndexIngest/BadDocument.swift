import NewsIndex
import NewsIndexCore
/// Where a document was read from: its file, and for JSON Lines its line.
public struct DocumentLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as given or found.
    public var path: String
    /// The 1-based line where the document starts in a file of many (JSON Lines, CSV, a feed);
    /// `nil` for a file that is one document.
    public var line: Int?
    /// The byte offset where the document starts in a file of records (a WARC record, counted
    /// in the uncompressed stream); `nil` elsewhere.
    public var offset: Int?

    /// Creates a location.
    public init(path: String, line: Int? = nil, offset: Int? = nil) {
        self.path = path
        self.line = line
        self.offset = offset
    }

    /// `path:line`, `path@offset`, or the path alone for a whole file.
    public var description: String {
        if let line { return "\(path):\(line)" }
        if let offset { return "\(path)@\(offset)" }
        return path
    }
}

/// A document of the input that cannot be indexed: where it is, why, and what is wrong with it.
///
/// ``ArticleInputs/forEachArticle(in:withSizes:)`` hands one over for each document it cannot
/// read, and reading goes on with the next document; ``reason`` classifies it for a summary.
public struct BadDocument: Error, Sendable, CustomStringConvertible {
    /// Why a document cannot be indexed, one summary phrase each.
    public enum Reason: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// A JSON line that does not parse.
        case notJSON
        /// A JSON line that parses but is not an object (an array, a string, a number, …).
        case notAnObject
        /// No `id`, a null one or an empty one.
        case missingID
        /// A field of the wrong type, such as a numeric `title` or an array `id`.
        case wrongFieldType
        /// No `body`, or one of white space only; for a text file, no text at all.
        case noBody
        /// A `date` that no known date format reads. Not a reason to skip: the document is indexed
        /// undated, and reported with this reason through ``IngestEvent/undated(_:)``.
        case badDate
        /// Bytes that are not UTF-8.
        case notUTF8
        /// NUL bytes: binary data rather than text.
        case binary
        /// More bytes than ``ArticleInputs/maxDocumentBytes``.
        case tooLarge
        /// An id that an earlier document of the same input already used.
        case repeatedID
        /// A CSV or TSV row that cannot be read as one: another number of fields than the header,
        /// or a quote never closed.
        case malformedRow
        /// A file read as a feed that holds no RSS channel, Atom feed or JSON Feed.
        case notAFeed
        /// Damaged data (compressed data cut short or corrupt) that ends the reading of a file:
        /// the documents before it are read, the rest of the file cannot be.
        case damaged

        /// The reason as a summary counts it, e.g. "not valid JSON" in "2 not valid JSON, 1 with a repeated id".
        public var description: String {
            switch self {
            case .notJSON: return "not valid JSON"
            case .notAnObject: return "not a JSON object"
            case .missingID: return "without an id"
            case .wrongFieldType: return "with a field of the wrong type"
            case .noBody: return "without a body"
            case .badDate: return "with an unreadable date"
            case .notUTF8: return "not UTF-8"
            case .binary: return "binary (NUL bytes)"
            case .tooLarge: return "too large"
            case .repeatedID: return "with a repeated id"
            case .malformedRow: return "not a well-formed row"
            case .notAFeed: return "not a feed"
            case .damaged: return "in damaged data"
            }
        }
    }

    /// Why the document cannot be indexed.
    public var reason: Reason
    /// Where the document is.
    public var location: DocumentLocation
    /// What is wrong, and what to do about it when that is not obvious.
    public var detail: String

    /// Creates a report of a bad document.
    public init(_ reason: Reason, at location: DocumentLocation, _ detail: String) {
        self.reason = reason
        self.location = location
        self.detail = detail
    }

    /// `location: detail`.
    public var description: String { "\(location): \(detail)" }

    /// The report as a `NewsIndexError.Kind.badInput` error.
    public var error: NewsIndexError { NewsIndexError(.badInput, description) }
}
