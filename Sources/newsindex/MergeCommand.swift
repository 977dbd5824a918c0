import ArgumentParser
import NewsIndex

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the index's segments, purging deleted articles.",
        discussion: """
        Rewrites adjacent segments as one until the index has at most --max-segments, smallest \
        neighbours first, and rewrites every segment that holds deleted articles without them. \
        Searches get a little faster with fewer segments. A merge copies the segments' \
        postings, norms, dates and compressed articles, renumbered, without analyzing any text \
        again, and checks the CRC-32 of every file it reads (a damaged one stops it, naming the \
        file; the index is left as it was). It holds about 17 bytes per document in memory; a \
        merged segment stays within about two thirds of --memory, so an archive of tens of \
        millions of articles may keep more segments than asked (the summary says so; give more \
        --memory).

        The merge is one atomic commit; searches running meanwhile see the index before or after it.

        Examples:
          newsindex merge
          newsindex merge --max-segments 4
          newsindex merge --index /srv/news-index --memory 2048
        """
    )

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: ArgumentHelp("Segments to leave at most.", valueName: "N"))
    var maxSegments = 1

    @Option(name: .long, help: ArgumentHelp("Memory in MB a merge may hold (about 17 bytes per document merged).", valueName: "MB"))
    var memory = 256

    @Flag(name: [.short, .long], help: "Print nothing but errors and warnings.")
    var quiet = false

    func validate() throws {
        if maxSegments < 1 { throw ValidationError("--max-segments must be at least 1 (got \(maxSegments))") }
        if memory < 32 || memory > 1 << 20 { throw ValidationError("--memory must be between 32 and 1048576 MB (got \(memory))") }
    }

    func run() throws {
        do { try merge() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func merge() throws {
        let start = Terminal.now()
        var options = IndexWriter.Options()
        options.mode = .append
        options.memoryBudget = memory << 20
        let progress = !quiet && Terminal.stderrIsTerminal ? MergeProgress(start: start) : nil
        if let progress { options.mergeProgress = { done, total in progress.update(done, total) } }
        let writer = try IndexWriter(path: location.path, options: options)
        writer.merge(maxSegments: maxSegments)
        let summary = try writer.commit()
        progress?.clear()
        if !quiet && Terminal.stderrIsTerminal {
            Terminal.err("Merged \(summary.mergedSegmentCount) segment\(summary.mergedSegmentCount == 1 ? "" : "s") away in \(Format.duration(Terminal.now() - start)) → \(location.path) (\(Format.count(summary.documentCount)) documents, \(summary.segmentCount) segment\(summary.segmentCount == 1 ? "" : "s"), \(Format.bytes(summary.indexBytes)))")
        }
        if summary.segmentCount > maxSegments && !quiet {
            Terminal.warning("the index keeps \(summary.segmentCount) segments: merging further would hold more than --memory \(memory) allows in one segment; give more --memory to merge further")
        }
    }
}

/// The progress line of a merge: documents written, rate and time left.
// @unchecked Sendable: the writer calls mergeProgress from the committing thread only, one call at a time.
private final class MergeProgress: @unchecked Sendable {
    private var line = ProgressLine(enabled: true)
    private let start: Double

    init(start: Double) { self.start = start }

    func update(_ done: Int, _ total: Int) {
        let elapsed = Terminal.now() - start
        let rate = Double(done) / max(elapsed, 1e-3)
        let left = rate > 0 ? Double(total - done) / rate : 0
        line.update("merging: \(Format.count(done)) of \(Format.count(total)) documents · \(Format.count(Int(rate))) documents/s · \(Format.duration(left)) left")
    }

    func clear() { line.clear() }
}
