/// Every constant of the on-disk format, in one place. IndexFormat.md is the normative description;
/// changing any value here changes the bytes and needs a new ``currentVersion``.
package enum FormatConstants {
    /// First four bytes of every index file: "NWSX".
    static let headerMagic: UInt32 = 0x5853_574E
    /// First four bytes of every footer: "XEND".
    package static let footerMagic: UInt32 = 0x444E_4558
    /// The format version this build writes.
    static let currentVersion: UInt32 = 7
    /// The first format version whose segments have the copy files (`.sig`, `.grp`).
    static let copiesVersion: UInt32 = 7
    /// The oldest format version this build reads.
    static let oldestReadableVersion: UInt32 = 5
    /// Header: magic u32, file type 4 bytes, version u32, segment id u64.
    static let headerSize = 20
    /// Footer: magic u32, CRC-32 u32.
    package static let footerSize = 8

    /// Documents per packed postings block.
    static let blockSize = 128
    /// Terms per front-coded block of the term dictionary.
    static let termsPerDictionaryBlock = 32
    /// Target uncompressed size of a stored-fields chunk.
    static let storedChunkBytes = 32 * 1024
    /// Stored-field documents per chunk at most.
    static let storedChunkMaxDocs = 128
    /// Inflated chunks a segment keeps for the next reads (32 × 32 KiB = 1 MiB at most).
    static let storedChunkCache = 32
    /// zlib level of stored-field chunks. Compression took a fifth of the build's time at level 4;
    /// at level 2 (no lazy matching) it takes about 0.6 of that, and the bench corpus's stored
    /// articles grow from 36.5 to 39.1 MB.
    static let storedCompressionLevel: Int32 = 2

    /// The manifest's file name inside the index directory.
    static let manifestName = "manifest"
    /// The lock file's name inside the index directory.
    static let lockName = "write.lock"

    /// Value of the date column for a document without a date.
    static let noDate = Int64.min
}

/// The four-byte file type written after the header magic, and the file name extension of each segment file.
enum FileType: String, CaseIterable {
    case manifest = "MANI"
    case termDictionary = "TDIC"
    case postings = "POST"
    case positions = "POSI"
    case norms = "NORM"
    case storedFields = "STOR"
    case dates = "DATE"
    case deletes = "DELS"
    case signatures = "SIGN"
    case groups = "GRPS"

    /// Extension of a segment's file of this type (the manifest has none).
    var fileExtension: String {
        switch self {
        case .manifest: return ""
        case .termDictionary: return "tdi"
        case .postings: return "doc"
        case .positions: return "pos"
        case .norms: return "nrm"
        case .storedFields: return "fdt"
        case .dates: return "dat"
        case .deletes: return "del"
        case .signatures: return "sig"
        case .groups: return "grp"
        }
    }

    var code: UInt32 {
        let u = Array(rawValue.utf8)
        return UInt32(u[0]) | UInt32(u[1]) << 8 | UInt32(u[2]) << 16 | UInt32(u[3]) << 24
    }

    /// Segment file types, in the order a segment writes them (a segment with deletions also has
    /// a `.del` file per deletions generation, named in the manifest).
    static let segmentFiles: [FileType] = [.termDictionary, .postings, .positions, .norms, .storedFields, .dates]
    /// The copy files of a segment of format ``FormatConstants/copiesVersion`` or later: the
    /// signatures, written with the segment, and the groups, written at its first commit.
    static let copyFiles: [FileType] = [.signatures, .groups]
}

/// Numbers of the indexed (inverted) fields. The term dictionary is keyed by (field, term).
enum IndexedField: UInt8, CaseIterable {
    /// The headline, analyzed with the index's analyzer.
    case title = 0
    /// The article text, analyzed with the index's analyzer.
    case body = 1
    /// The article id as one exact term (case-sensitive), for `id:` queries.
    case id = 2
    /// The URL, split like the `simple` analyzer does (lower-cased runs of letters and digits), for `url:` queries.
    case url = 3
    /// The source (site or outlet) as exact terms (a host also as its parent domains), and one
    /// facet term, byte 0x01 and the form to show, for `source:` queries and source counts.
    case source = 4

    /// The fields of a segment of format `version`: version 5 had no `source`.
    static func fields(inVersion version: UInt32) -> [IndexedField] {
        version < 6 ? [.title, .body, .id, .url] : allCases
    }

    var name: String {
        switch self {
        case .title: return "title"
        case .body: return "body"
        case .id: return "id"
        case .url: return "url"
        case .source: return "source"
        }
    }
}

/// Numbers of the stored fields inside a stored document record.
enum StoredField: UInt8 {
    case id = 0
    case title = 1
    case body = 2
    case date = 3
    case url = 4
    case byline = 5
    /// Page text kept out of the index (navigation, lists of other stories).
    case setAside = 6
    /// The entities recognized in the article: one `canonical name<TAB>mentions` line each.
    case entities = 7
    /// The site or outlet the article came from, as the input gave it.
    case source = 8
}
