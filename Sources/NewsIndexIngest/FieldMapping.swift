import NewsIndex
import NewsIndexCore

/// Which input fields (JSON Lines keys, CSV columns) an article's fields are read from.
///
/// Without a mapping, the usual names of public news dumps are recognised: the article field's
/// own name first, then the others in the order of ``usualNames`` (`text`, `content` and
/// `article` for the body, `headline` for the title, …). The first of them that a document has
/// wins, whatever their order in the document.
///
/// `--field body=content.text` maps a field to another name, or to a dotted path into nested
/// JSON objects; the names given for a field replace its usual names. A field given twice is
/// read from the first of its names that the document has.
///
/// ```swift
/// let fields = try FieldMapping(["title=headline", "body=content.text", "date=published_at"])
/// ```
public struct FieldMapping: Sendable, Equatable {
    /// The fields of an article that can be mapped.
    public enum Field: String, CaseIterable, Sendable {
        case id, title, body, date, url, source, byline

        /// The field's place in a table of all of them.
        var slot: Int {
            switch self {
            case .id: 0
            case .title: 1
            case .body: 2
            case .date: 3
            case .url: 4
            case .source: 5
            case .byline: 6
            }
        }
    }

    /// The names each field is read from when no mapping names it, best first.
    public static let usualNames: [Field: [String]] = [
        .id: ["id"],
        .title: ["title", "headline"],
        .body: ["body", "text", "content", "article"],
        .date: ["date", "published", "publish_date", "pubDate", "published_at"],
        .url: ["url", "link"],
        .source: ["source", "publication", "site"],
        .byline: ["byline", "author"],
    ]

    /// For each field, the paths it is read from, best first; a path is a key, or keys into
    /// nested objects.
    public private(set) var paths: [Field: [[String]]]
    /// The fields that a `--field` names (read strictly: a value of the wrong type is a bad
    /// document); the others are read from their usual names, and a usual name other than the
    /// field's own with a value of another type is passed over.
    public private(set) var mapped: Set<Field> = []

    /// The usual names.
    public init() {
        paths = FieldMapping.usualNames.mapValues { $0.map { [$0] } }
    }

    /// The usual names, with the fields that `specs` (`field=path`, as `--field` takes them) name
    /// read from those paths instead.
    ///
    /// - Throws: `NewsIndexError.Kind.badInput` for a spec that is not `field=path`, names a
    ///   field that articles do not have, or has an empty key in its path.
    public init(_ specs: [String]) throws {
        self.init()
        var given: [Field: [[String]]] = [:]
        for spec in specs {
            guard let eq = spec.firstIndex(of: "=") else {
                throw NewsIndexError(.badInput, "the field mapping \"\(spec)\" is not FIELD=NAME, e.g. body=text or body=content.text")
            }
            let name = spec[..<eq].trimmingASCIISpaces.lowercased()
            guard let field = Field(rawValue: name) else {
                throw NewsIndexError(.badInput, "the field mapping \"\(spec)\" names \"\(name)\", which is not an article field; the fields are \(Field.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let path = spec[spec.index(after: eq)...].trimmingASCIISpaces.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !path.isEmpty, !path.contains(where: \.isEmpty) else {
                throw NewsIndexError(.badInput, "the field mapping \"\(spec)\" has an empty name in its path; give NAME or NAME.NAME…, e.g. \(name)=content.text")
            }
            given[field, default: []].append(path)
        }
        for (field, list) in given {
            paths[field] = list
            mapped.insert(field)
        }
    }

    /// Whether this is the usual names alone.
    public var isDefault: Bool { mapped.isEmpty }

    /// The rank of the top-level `key` for each field it may give (0 best), or nil when it gives
    /// none; `rest` is what is left of a dotted path.
    func targets(ofKey key: String) -> [(field: Field, rank: Int, rest: ArraySlice<String>)] {
        var out: [(Field, Int, ArraySlice<String>)] = []
        for (field, list) in paths {
            for (rank, path) in list.enumerated() where path[0] == key {
                out.append((field, rank, path.dropFirst()))
            }
        }
        return out
    }

    /// Whether a value of the wrong type at `rank` of `field` is an error (the field's own name,
    /// or a mapped one) rather than passed over (another usual name).
    func isStrict(_ field: Field, rank: Int) -> Bool { mapped.contains(field) || rank == 0 }

    /// The path of `field` at `rank`, dotted, for messages.
    func pathText(_ field: Field, rank: Int) -> String { paths[field]?[rank].joined(separator: ".") ?? field.rawValue }
}

extension Substring {
    /// Without spaces and tabs at either end.
    var trimmingASCIISpaces: String {
        let t = drop { $0 == " " || $0 == "\t" }
        return String(t.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
