import NewsIndexCore
import NewsIndexAnalysis
/// One problem found by ``IndexCheck``: which file, where in it, and what is wrong.
public struct IndexProblem: Sendable, Equatable, CustomStringConvertible {
    /// The path of the damaged file (the index directory joined with the file's name).
    public var file: String
    /// The byte offset in ``file`` where the problem was found, or nil when it concerns the whole
    /// file (a missing file, one too short to hold a header and footer).
    public var offset: Int?
    /// What is wrong, as a sentence fragment without the file name.
    public var message: String

    /// Creates a problem report.
    public init(file: String, offset: Int?, message: String) {
        self.file = file
        self.offset = offset
        self.message = message
    }

    /// `file:offset: message`, or `file: message` without an offset.
    public var description: String {
        if let offset { return "\(file):\(offset): \(message)" }
        return "\(file): \(message)"
    }
}

/// What ``IndexCheck/run(path:progress:)`` found.
public struct IndexCheckReport: Sendable {
    /// Every problem found, file by file in the order the files were checked. Empty for a sound index.
    public var problems: [IndexProblem]
    /// Segments listed in the manifest.
    public var segments: Int
    /// Documents listed in the manifest.
    public var documents: Int
    /// Term dictionary entries whose postings were walked.
    public var terms: Int
    /// Bytes of the index files that were read.
    public var bytes: Int

    /// Whether no problem was found.
    public var isClean: Bool { problems.isEmpty }
}

/// Verifies every file of an index, like Lucene's CheckIndex.
///
/// Each file's header (magic, type, version, segment id), footer and CRC-32 are checked, and
/// checking goes on after a damaged file, so every damaged file is reported. The files that pass
/// are then decoded in full and their structure checked: the term dictionary's order and
/// trailer, every term's documents, frequencies, positions and skip entries, the norms and field
/// statistics against the postings, every stored-fields chunk, every date; and the files of a
/// segment against each other (document counts, each document's id term against its stored id).
///
/// ```swift
/// let report = try IndexCheck.run(path: "newsindex")
/// for problem in report.problems { print(problem) }   // "newsindex/g1_0.doc:4120: …"
/// ```
///
/// Checking never stops at the first problem and never trusts an offset it has not range-checked,
/// so it is safe on any damaged input. It reads every byte once or twice: about as long as a
/// search over every term.
public enum IndexCheck {
    /// Checks the index at `path`.
    ///
    /// - Parameters:
    ///   - path: the index directory.
    ///   - progress: called now and then with the bytes checked so far and the bytes to check in all.
    /// - Returns: the problems found (none for a sound index) and what was checked.
    /// - Throws: `NewsIndexError.Kind.indexNotFound` when there is no index at `path` (no
    ///   directory, or no manifest in it). Damage is reported in the result, never thrown.
    public static func run(path: String, progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> IndexCheckReport {
        let manifestPath = path + "/" + FormatConstants.manifestName
        guard FileIO.exists(manifestPath) else {
            if !FileIO.exists(path) {
                throw NewsIndexError(.indexNotFound, "no index at \(path): the directory does not exist.", remedy: .buildIndex(at: path))
            }
            throw NewsIndexError(.indexNotFound, "no index at \(path): it has no manifest file.", remedy: .buildIndex(at: path))
        }
        let problems = ProblemList()
        var report = IndexCheckReport(problems: [], segments: 0, documents: 0, terms: 0, bytes: 0)
        guard let manifest = checkManifest(manifestPath, problems) else {
            report.problems = problems.finish()
            return report
        }
        report.segments = manifest.segments.count
        report.documents = manifest.segments.reduce(0) { $0 + $1.docCount }
        let analyzer = Analyzer(named: manifest.analyzer)

        // Map every file first, so progress knows the total.
        var segments: [SegmentCheck] = []
        for entry in manifest.segments {
            segments.append(SegmentCheck(directory: path, entry: entry, analyzer: analyzer, entities: manifest.entities, problems: problems))
        }
        let meter = Meter(total: 2 * segments.reduce(0) { $0 + $1.mappedBytes }, report: progress)
        for s in segments {
            s.run(meter)
            report.terms += s.termCount
            report.bytes += s.mappedBytes
        }
        meter.finish()
        report.problems = problems.finish()
        return report
    }

    /// Checks the manifest: envelope, contents, names and ids of the segments. Returns it when it decodes.
    static func checkManifest(_ file: String, _ problems: ProblemList) -> Manifest? {
        let mapped: MappedFile
        do { mapped = try MappedFile(path: file) } catch {
            problems.add(file, nil, "the manifest cannot be read: \(message(of: error))")
            return nil
        }
        let bytes = mapped.bytes
        guard checkEnvelope(bytes, file: file, type: .manifest, segmentID: nil, problems) else { return nil }
        var c = ByteReader(bytes, file: file, from: FormatConstants.headerSize, to: bytes.count - FormatConstants.footerSize)
        do {
            let generation = try c.readU64()
            let headerGeneration = FileEnvelope.segmentID(of: bytes) ?? 0
            if generation != headerGeneration {
                problems.add(file, FormatConstants.headerSize, "the generation \(generation) differs from the header's \(headerGeneration)")
            }
            let analyzerAt = c.offset
            let analyzer = try c.readString()
            if Analyzer(named: analyzer) == nil {
                problems.add(file, analyzerAt, "unknown analyzer \"\(analyzer)\" (this newsindex knows \(Analyzer.availableNames.joined(separator: ", ")))")
            }
            let createdBy = try c.readString()
            let entitiesAt = c.offset
            let entities = try c.readString()
            do { _ = try Gazetteer.parse(entities, source: file) } catch {
                problems.add(file, entitiesAt, "the entity list does not parse: \(message(of: error))")
            }
            let countAt = c.offset
            let n = Int(try c.readU32())
            // A segment entry takes at least 1 + 1 + 8 + 4 + 4 + 8 bytes.
            guard n <= c.remaining / 26 else { throw c.damage("a segment count of \(n) cannot fit in the \(c.remaining) bytes left", at: countAt) }
            var segments: [Manifest.Segment] = []
            var names: Set<String> = [], ids: Set<UInt64> = []
            for _ in 0..<n {
                let at = c.offset
                let name = try c.readString()
                let id = try c.readU64()
                let docs = Int(try c.readU32())
                let deleted = Int(try c.readU32())
                let deletes = try c.readU64()
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw c.damage("invalid segment name \"\(name)\" (only letters, digits and _)", at: at)
                }
                if !names.insert(name).inserted { problems.add(file, at, "segment \(name) is listed twice") }
                if id == 0 { problems.add(file, at, "segment \(name) has the id 0, which is never written") }
                else if !ids.insert(id).inserted { problems.add(file, at, "segment \(name) has the same id as an earlier segment (\(id))") }
                if deleted > docs || (deleted == 0) != (deletes == 0) {
                    throw c.damage("segment \(name) has \(deleted) of \(docs) documents deleted with deletions generation \(deletes)", at: at)
                }
                segments.append(Manifest.Segment(name: name, id: id, docCount: docs, deletedCount: deleted, deletesGeneration: deletes))
            }
            if !c.isAtEnd { problems.add(file, c.offset, "\(c.remaining) unexpected bytes after the last segment entry") }
            return Manifest(generation: generation, analyzer: analyzer, createdBy: createdBy, entities: entities, segments: segments)
        } catch let d as Damage {
            problems.add(d)
            return nil
        } catch {
            problems.add(file, c.offset, message(of: error))
            return nil
        }
    }

    /// Checks a file's header and footer; reports every failure and returns whether it passed.
    static func checkEnvelope(_ bytes: UnsafeRawBufferPointer, file: String, type: FileType, segmentID: UInt64?,
                              _ problems: ProblemList) -> Bool {
        let minimum = FormatConstants.headerSize + FormatConstants.footerSize
        guard bytes.count >= minimum else {
            problems.add(file, nil, "it is \(bytes.count) bytes long, shorter than a header and footer (\(minimum) bytes); it was probably truncated")
            return false
        }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        var ok = true
        let magic = u32(0)
        if magic != FormatConstants.headerMagic {
            problems.add(file, 0, "it does not start with the newsindex magic number NWSX (found 0x\(String(magic, radix: 16)))")
            ok = false
        }
        let code = u32(4)
        if code != type.code {
            let found = String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: code >> UInt32(8 * $0)) }, as: UTF8.self)
            problems.add(file, 4, "its header names the file type \(printable(found)), expected \(type.rawValue)")
            ok = false
        }
        let version = u32(8)
        if let problem = FileEnvelope.versionProblem(version) {
            problems.add(file, 8, "it " + problem)
            ok = false
        }
        let id = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
        if let segmentID, id != segmentID {
            problems.add(file, 12, "it belongs to another segment (id \(id), the manifest says \(segmentID))")
            ok = false
        }
        let footerAt = bytes.count - FormatConstants.footerSize
        if u32(footerAt) != FormatConstants.footerMagic {
            problems.add(file, footerAt, "the footer magic XEND is missing; the file was probably truncated or appended to")
            return false
        }
        let stored = u32(footerAt + 4)
        let actual = Zlib.crc32(UnsafeRawBufferPointer(rebasing: bytes[0..<(footerAt + 4)]))
        if actual != stored {
            problems.add(file, footerAt + 4, "checksum mismatch (stored CRC-32 0x\(String(stored, radix: 16)), computed 0x\(String(actual, radix: 16))): some byte of the file changed")
            ok = false
        }
        return ok
    }

    /// The message of an error without the "index file … is damaged: " frame.
    static func message(of error: Error) -> String {
        guard let e = error as? NewsIndexError else { return "\(error)" }
        return e.message
    }

    /// `s` with control characters escaped, in quotes.
    static func printable(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F || u == "\"" || u == "\\" {
                out += u == "\"" ? "\\\"" : u == "\\" ? "\\\\" : "\\x" + (u.value < 16 ? "0" : "") + String(u.value, radix: 16)
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    /// A term dictionary key for messages: `body:"harbour"`, `title entity "vladimir putin"`.
    static func describe(_ key: [UInt8]) -> String {
        guard let f = key.first else { return "the empty key" }
        let field = IndexedField(rawValue: f)?.name ?? "field \(f)"
        if f <= 1 && key.count > 1 && key[1] == 0x01 {
            return "\(field) entity " + printable(String(decoding: key.dropFirst(2), as: UTF8.self))
        }
        return "\(field):" + printable(String(decoding: key.dropFirst(), as: UTF8.self))
    }
}

/// Problems found so far, at most ``limit`` listed per file (a file damaged all over would
/// otherwise bury the others).
final class ProblemList {
    static let limit = 50
    private var list: [IndexProblem] = []
    private var perFile: [String: Int] = [:]
    private var fileOrder: [String] = []

    func add(_ file: String, _ offset: Int?, _ message: String) {
        let n = perFile[file, default: 0]
        if n == 0 { fileOrder.append(file) }
        perFile[file] = n + 1
        if n < ProblemList.limit { list.append(IndexProblem(file: file, offset: offset, message: message)) }
    }

    func add(_ d: Damage) { add(d.file, d.offset, d.message) }

    /// Number of problems reported for `file` so far.
    func count(_ file: String) -> Int { perFile[file, default: 0] }

    /// The problems, with one closing line for each file that had more than could be listed.
    func finish() -> [IndexProblem] {
        var out = list
        for f in fileOrder where perFile[f]! > ProblemList.limit {
            out.append(IndexProblem(file: f, offset: nil, message: "\(perFile[f]! - ProblemList.limit) more problems in this file are not listed"))
        }
        return out
    }
}

/// Progress in bytes, handed to the caller's closure at most every 64 KiB of work.
final class Meter {
    let total: Int
    private(set) var done = 0
    private var reported = 0
    private let report: ((Int, Int) -> Void)?

    init(total: Int, report: ((Int, Int) -> Void)?) {
        self.total = total
        self.report = report
        report?(0, total)
    }

    func add(_ n: Int) {
        done += n
        if done - reported >= 1 << 16 {
            reported = done
            report?(min(done, total), total)
        }
    }

    func finish() { report?(total, total) }
}
