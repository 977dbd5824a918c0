/// An error raised by the NewsIndex library.
///
/// Every error carries a ``Kind`` (what went wrong, suitable for choosing an
/// exit code) and a human-readable ``message`` that says what happened, where,
/// and — when there is something to do about it — what to do.
///
/// ```swift
/// do {
///     let index = try IndexReader(path: "newsindex")
/// } catch let error as NewsIndexError {
///     print(error.message)   // "no index at newsindex: …"
/// }
/// ```
public struct NewsIndexError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The broad class of an error.
    public enum Kind: Sendable, Equatable {
        /// An input path does not exist, cannot be read, or holds no articles.
        case inputNotFound
        /// Input that exists but cannot be used: malformed JSON, non-UTF-8 text, a missing field.
        case badInput
        /// A query string that cannot be parsed or asks for something impossible.
        case badQuery
        /// There is no index at the given location.
        case indexNotFound
        /// An index file fails its checks (magic, version, checksum, structure).
        case corruptIndex
        /// An index written by a format version this build cannot read.
        case incompatibleIndex
        /// Another process holds the index's write lock.
        case indexLocked
        /// An operating-system call failed (disk full, permission denied, …).
        case io
        /// A search ran past its deadline (`SearchOptions.deadline`) and was stopped.
        case timedOut
    }

    /// What the user can do about an error, for a front end to word in its own terms (the CLI
    /// names a command, a server a request). The library's ``message`` names no command.
    public enum Remedy: Sendable, Equatable {
        /// Build the index again from its articles.
        case rebuildIndex
        /// Build an index at this location first.
        case buildIndex(at: String)
        /// Pick another location for the index.
        case chooseIndexLocation
        /// Build the index again, with the entity list wanted.
        case rebuildWithEntities
        /// List the entities of the index to find the right name.
        case listEntities
        /// List the ids of the index (search for them).
        case listIDs
        /// Run again without stopping at bad documents: they are then reported and skipped (and
        /// articles with an unreadable date indexed undated).
        case skipBadDocuments
    }

    /// What went wrong.
    public var kind: Kind
    /// A complete sentence for the user: what happened and where.
    public var message: String
    /// What to do about it, when there is something to do.
    public var remedy: Remedy?

    /// Creates an error of the given kind with a message for the user and, optionally, a remedy.
    public init(_ kind: Kind, _ message: String, remedy: Remedy? = nil) {
        self.kind = kind
        self.message = message
        self.remedy = remedy
    }

    /// The ``message``.
    public var description: String { message }
}

extension NewsIndexError {
    /// A damaged index file: what is wrong with it and where.
    package static func corrupt(_ file: String, _ detail: String) -> NewsIndexError {
        NewsIndexError(.corruptIndex, "index file \(file) is damaged: \(detail).", remedy: .rebuildIndex)
    }
}
