import Foundation
import NewsIndex

/// The index-reader target: one file of a healthy index is damaged; opened as is, the CRC (or
/// the header check) must reject it naming the file; with the CRC-32 footer rewritten to match,
/// opening and searching must succeed or throw a `NewsIndexError`, never trap or hang.
package final class IndexFuzzer {
    /// The healthy index (never written to after it is built).
    let pristine: String
    /// The copy the mutated file is written into (restored after every input).
    let work: String
    /// The index's files (manifest, then each segment's files), by name.
    package let files: [String]
    /// Each file's healthy bytes.
    let original: [[UInt8]]

    private static let footerSize = FormatConstants.footerSize

    /// Builds the fixture index under `directory` (created if missing, must be empty).
    package init(directory: String) throws {
        let pristine = directory + "/pristine"
        self.pristine = pristine
        work = directory + "/work"
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FuzzFixture.build(at: pristine)
        try fm.copyItem(atPath: pristine, toPath: work)
        let names = try fm.contentsOfDirectory(atPath: pristine).filter { $0 != "write.lock" && !$0.hasSuffix(".tmp") }
        files = names.sorted { ($0 == "manifest" ? "" : $0) < ($1 == "manifest" ? "" : $1) }
        original = try files.map { Array(try Data(contentsOf: URL(fileURLWithPath: pristine + "/" + $0))) }
    }

    /// The body (everything before the footer) of file number `file`: what mutations change.
    package func body(of file: Int) -> [UInt8] {
        Array(original[file].dropLast(IndexFuzzer.footerSize))
    }

    /// A random damage to file number `file` (a random file when nil): the file's number, its
    /// new body and what was done.
    package func randomCase(_ rng: inout FuzzRandom, file chosen: Int? = nil) -> (file: Int, body: [UInt8], mutation: String) {
        let file = chosen ?? rng.below(files.count)
        var bytes = body(of: file)
        var done: [String] = []
        for _ in 0...rng.below(3) { done.append(IndexFuzzer.mutate(&bytes, &rng)) }
        return (file, bytes, done.joined(separator: ", "))
    }

    /// Applies one random damage to `bytes`; returns what it did.
    static func mutate(_ bytes: inout [UInt8], _ rng: inout FuzzRandom) -> String {
        let n = bytes.count
        // Structure (offsets, counts, block tables) sits mostly near the ends: aim there often.
        func position() -> Int {
            switch rng.below(4) {
            case 0: return rng.below(min(n, 96))
            case 1: return max(0, n - 1 - rng.below(min(n, 96)))
            default: return rng.below(max(n, 1))
            }
        }
        func range() -> Range<Int> {
            let a = min(position(), n)
            return a..<min(n, a + 1 + rng.below(rng.oneIn(4) ? 512 : 16))
        }
        guard n > 0 else { bytes = [UInt8(truncatingIfNeeded: rng.next())]; return "one random byte" }
        switch rng.below(10) {
        case 0:
            let p = position(), bit = rng.below(8)
            bytes[p] ^= 1 << UInt8(bit)
            return "flip bit \(bit) at \(p)"
        case 1:
            let p = position(), v = UInt8(truncatingIfNeeded: rng.next())
            bytes[p] = v
            return "byte \(p) = \(v)"
        case 2:
            let len = rng.below(n)
            bytes.removeSubrange(len...)
            return "truncate to \(len)"
        case 3:
            let r = range()
            bytes.removeSubrange(r)
            return "delete \(r)"
        case 4:
            let r = range(), at = rng.below(n + 1)
            bytes.insert(contentsOf: Array(bytes[r]), at: at)
            return "copy \(r) to \(at)"
        case 5:
            let r = range()
            var part = Array(bytes[r])
            part.shuffle(using: &rng)
            bytes.replaceSubrange(r, with: part)
            return "shuffle \(r)"
        case 6:
            let r = range(), v: UInt8 = rng.oneIn(2) ? 0 : 0xFF
            for k in r { bytes[k] = v }
            return "fill \(r) with \(v)"
        case 7, 8:
            // An integer field set to an extreme, little-endian, 4 or 8 bytes wide.
            let extremes: [UInt64] = [0, 1, 2, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
                                      0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, UInt64.max,
                                      UInt64(n), UInt64(n + 1), UInt64(rng.below(n + 1))]
            let v = extremes[rng.below(extremes.count)]
            let width = rng.oneIn(2) ? 4 : 8
            let p = rng.oneIn(2) ? position() & ~3 : position()
            for k in 0..<width where p + k < n { bytes[p + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
            return "u\(width * 8) at \(p) = \(v)"
        default:
            // A variable-length integer that never ends, or ends far too late.
            let p = position(), len = 1 + rng.below(12)
            for k in 0..<len where p + k < n { bytes[p + k] = k == len - 1 && rng.oneIn(2) ? 0x7F : 0xFF }
            return "varint of \(len) bytes at \(p)"
        }
    }

    /// Runs both halves of one input: `body` written as file number `file` with its old footer
    /// (opened without verification, must search or throw a `NewsIndexError`; opened with
    /// verification, must be rejected, naming the file), then with a matching footer (must open
    /// and search, or throw a `NewsIndexError`). Returns nil when all went well, else what went wrong.
    package func check(file: Int, body: [UInt8], mutation: String) -> FuzzFailure? {
        let name = files[file]
        func fail(_ problem: String) -> FuzzFailure {
            FuzzFailure(input: "\(name): \(mutation)", problem: problem)
        }
        defer { write(original[file], as: name) }
        let footer = original[file].suffix(IndexFuzzer.footerSize)
        if body != self.body(of: file) {
            write(body + footer, as: name)
            // Opened without verification, the damage may go unseen until a search reads it:
            // then it must give an error or an answer, as with a matching checksum below.
            if let problem = exerciseUnverified(fail) { return problem }
            do {
                _ = try IndexReader(path: work, verify: true)
                return fail("the damaged file opened with verify without an error (its CRC-32 no longer matches)")
            } catch let e as NewsIndexError {
                // A changed version field reads as a newer or older format, which is a fair diagnosis too.
                let versionTouched = body.count < 12 || body[8..<12] != original[file][8..<12]
                let kindOK = e.kind == .corruptIndex || (e.kind == .incompatibleIndex && versionTouched)
                if !kindOK { return fail("opening the damaged file threw \(e.kind), not corruptIndex: \(e.message)") }
                if !e.message.contains(name) { return fail("the error does not name the damaged file: \(e.message)") }
            } catch {
                return fail("opening the damaged file threw a \(type(of: error)), not a NewsIndexError: \(error)")
            }
        }
        let magic = FormatConstants.footerMagic
        var fixed = body + (0..<4).map { UInt8(truncatingIfNeeded: magic >> (8 * UInt32($0))) }
        let crc = Zlib.crc32(fixed)
        fixed += (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * UInt32($0))) }
        write(fixed, as: name)
        return exerciseUnverified(fail)
    }

    /// Opens the work index without checksums and searches it: an error must be a
    /// `NewsIndexError` naming a file of the index; nil when all went well.
    private func exerciseUnverified(_ fail: (String) -> FuzzFailure) -> FuzzFailure? {
        do {
            try IndexFuzzer.exercise(try IndexReader(path: work))
        } catch let e as NewsIndexError {
            // Damage in one file may surface in another (a dictionary offset read in .doc, a
            // segment name in the manifest that names a missing file), but the message must name
            // a file of the index directory.
            if e.kind == .corruptIndex && !e.message.contains(work + "/") {
                return fail("a corruptIndex error names no index file: \(e.message)")
            }
        } catch {
            return fail("the reader threw a \(type(of: error)), not a NewsIndexError: \(error)")
        }
        return nil
    }

    /// Searches, fetches and explains: everything a damaged but checksum-clean file could reach.
    static func exercise(_ index: IndexReader) throws {
        for (k, text) in FuzzFixture.queries.enumerated() {
            var options = SearchOptions()
            options.limit = 10
            options.order = k % 3 == 1 ? .date : .score
            options.countAllMatches = k % 2 == 0
            options.entityFacets = k % 4 == 2
            options.sourceFacets = k % 4 == 1
            options.explain = k % 5 == 3
            _ = try index.search(try Query.parse(text), options: options)
        }
        _ = try index.article(id: "a3")
        _ = try index.article(id: "a47")
        _ = try index.entityCounts()
        _ = try index.discoverNames(limit: 10)
        for doc in stride(from: 0, to: min(index.documentCount, 64), by: 7) {
            _ = try index.explain(try Query.parse("harbour OR strike"), documentNumber: doc)
        }
    }

    private func write(_ bytes: [UInt8], as name: String) {
        // Written beside and renamed over, so no reader ever maps a file while it changes.
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: work + "/" + name), options: .atomic)
        } catch {
            fatalError("cannot write the fuzz index file \(work)/\(name): \(error)")
        }
    }
}
