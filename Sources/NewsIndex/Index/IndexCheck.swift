import NewsIndexCore
import NewsIndexAnalysis
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
            problems.add(file, nil, "the manifest cannot be read: \(ProblemList.message(of: error))")
            return nil
        }
        return Manifest.validate(mapped.bytes, file: file, problems, analyzerProblem: { name in
            Analyzer(named: name) == nil
                ? "unknown analyzer \"\(name)\" (this newsindex knows \(Analyzer.availableNames.joined(separator: ", ")))" : nil
        }, entitiesProblem: { entities in
            do { _ = try Gazetteer.parse(entities, source: file) } catch {
                return "the entity list does not parse: \(ProblemList.message(of: error))"
            }
            return nil
        })
    }


    /// A term dictionary key for messages: `body:"harbour"`, `title entity "vladimir putin"`.
    static func describe(_ key: [UInt8]) -> String {
        guard let f = key.first else { return "the empty key" }
        let field = IndexedField(rawValue: f)?.name ?? "field \(f)"
        if f <= 1 && key.count > 1 && key[1] == 0x01 {
            return "\(field) entity " + ProblemList.printable(String(decoding: key.dropFirst(2), as: UTF8.self))
        }
        return "\(field):" + ProblemList.printable(String(decoding: key.dropFirst(), as: UTF8.self))
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
