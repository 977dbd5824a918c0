import ArgumentParser
import NewsIndex
import NewsIndexJSON

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify every file of an index and report each problem with its file and byte offset.",
        discussion: """
        Checks the manifest and every file of every segment: length, header (magic, file type, \
        format version, segment id), footer and CRC-32; then decodes the files that pass and checks \
        their structure: the term dictionary's order, offsets and trailer; every term's documents, \
        frequencies, positions and skip entries; norms and field statistics against the postings; \
        every stored-fields chunk (it must inflate to its stated length), each stored id against \
        its id term; every date. It does not stop at the first problem.

        Each problem is one line on stdout, `file:offset: message` (`file: message` when it \
        concerns the whole file); a summary goes to stderr. Exit code 0 when the index is sound, \
        74 when problems were found, 66 when there is no index at --index.

        Examples:
          newsindex check
          newsindex check --index /srv/news-index
          newsindex check --index /srv/news-index --quiet && echo sound
          newsindex check --json | jq '.problems[].file'
        """
    )

    @OptionGroup var location: IndexLocation

    @Flag(name: [.short, .long], help: "Print only the problems, no summary or progress.")
    var quiet = false

    @Flag(name: .long, help: "Write the result as one JSON object: counts and a list of problems (file, offset, message).")
    var json = false

    func run() throws {
        do { try check() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func check() throws {
        let start = Terminal.now()
        var progress = ProgressLine(enabled: !quiet && Terminal.stderrIsTerminal)
        let report = try IndexCheck.run(path: location.path) { done, total in
            // Only for checks that take more than a second.
            guard Terminal.now() - start > 1, total > 0 else { return }
            progress.update("checking \(location.path): \(done * 100 / total)% of \(Format.bytes(total / 2))")
        }
        progress.clear()
        let elapsed = Terminal.now() - start
        if json {
            Terminal.out(try JSONOutput.line(CheckReportJSON(report, index: location.path, seconds: elapsed)))
        } else {
            for p in report.problems { Terminal.out(p.description) }
        }
        if !quiet {
            let what = "\(Format.count(report.segments)) segment\(report.segments == 1 ? "" : "s"), "
                + "\(Format.count(report.documents)) documents, \(Format.count(report.terms)) terms, "
                + "\(Format.bytes(report.bytes)) in \(Format.duration(elapsed))"
            if report.isClean {
                Terminal.err("Checked \(location.path): \(what); no problems found.")
            } else {
                let n = report.problems.count
                Terminal.err("Checked \(location.path): \(what); \(n) problem\(n == 1 ? "" : "s") found (listed on stdout). Rebuild the index with `newsindex build` to repair it.")
            }
        }
        if !report.isClean { throw ExitCode(74) }
    }
}
