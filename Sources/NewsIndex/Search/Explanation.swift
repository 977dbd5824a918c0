/// How a hit's score was made, as a tree: each node's value is computed from its details
/// (the way Lucene's `explain` reports it).
///
/// ```swift
/// var options = SearchOptions()
/// options.explain = true
/// let hit = try index.search(Query.parse("harbour strike"), options: options).hits[0]
/// print(hit.explanation!)   // 3.1416 = sum of: …
/// ```
public struct Explanation: Sendable, CustomStringConvertible {
    /// The value of this node.
    public let value: Float
    /// What the value is, e.g. `weight(body:harbour)` or `idf, computed as …`.
    public let text: String
    /// The values this one is made of.
    public let details: [Explanation]

    /// Creates an explanation node.
    public init(value: Float, text: String, details: [Explanation] = []) {
        self.value = value
        self.text = text
        self.details = details
    }

    /// The tree, one node per line, details indented under their parent.
    public var description: String {
        var lines: [String] = []
        func visit(_ e: Explanation, _ depth: Int) {
            lines.append(String(repeating: "  ", count: depth) + "\(e.value) = \(e.text)")
            for d in e.details { visit(d, depth + 1) }
        }
        visit(self, 0)
        return lines.joined(separator: "\n")
    }
}
