import NewsIndex

/// What a check of an index found, as `newsindex check --json` prints it.
public struct CheckReportJSON: Codable, Sendable, Equatable {
    /// One damaged place in a file.
    public struct Problem: Codable, Sendable, Equatable {
        /// The damaged file's path.
        public var file: String
        /// The byte offset of the problem, or nil (`null`) when it concerns the whole file.
        @Nullable public var offset: Int?
        /// What is wrong.
        public var message: String

        /// The JSON form of a library problem.
        public init(_ p: IndexProblem) {
            file = p.file
            offset = p.offset
            message = p.message
        }
    }

    /// The index directory that was checked.
    public var index: String
    /// Segments in the manifest.
    public var segments: Int
    /// Documents in the manifest.
    public var documents: Int
    /// Term dictionary entries walked.
    public var terms: Int
    /// Bytes read.
    public var bytes: Int
    /// Wall time of the check, rounded to milliseconds.
    public var seconds: Double
    /// Whether no problem was found.
    public var clean: Bool
    /// Every problem, in the order the files were checked.
    public var problems: [Problem]

    /// The JSON form of a check report of the index at `index`, which took `seconds`.
    public init(_ report: IndexCheckReport, index: String, seconds: Double) {
        self.index = index
        segments = report.segments
        documents = report.documents
        terms = report.terms
        bytes = report.bytes
        self.seconds = (seconds * 1000).rounded() / 1000
        clean = report.isClean
        problems = report.problems.map(Problem.init)
    }
}
