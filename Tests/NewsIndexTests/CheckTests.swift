import Foundation
import Testing
@testable import NewsIndex
import NewsIndexTestSupport

/// A small one-segment index built from articles made up here, and ways to damage a copy of it.
struct CheckFixture {
    static let vocabulary = ["harbour", "strike", "union", "minister", "talks", "port", "council", "vote",
                             "budget", "rain", "flood", "river", "bridge", "mayor", "school", "court"]

    let dir: String
    let segment: Manifest.Segment
    let documentCount = 150

    init() throws {
        dir = temporaryDirectory("check") + "/idx"
        var options = IndexWriter.Options()
        options.threads = 1
        let writer = try IndexWriter(path: dir, options: options)
        var rng = SeededRandom(seed: 77)
        for i in 0..<documentCount {
            func words(_ n: Int) -> String {
                (0..<n).map { _ in CheckFixture.vocabulary.randomElement(using: &rng)! }.joined(separator: " ")
            }
            // "harbour" in every body: a term with skip entries (128 documents or more).
            let body = "harbour " + words(Int.random(in: 3...60, using: &rng))
            let date = i % 3 == 0 ? nil : ArticleDate(secondsSinceEpoch: 1_700_000_000 + Int64(i) * 86_400, text: "day \(i)")
            let url = i % 4 == 0 ? nil : "https://news.example/\(i)/\(words(2).replacingOccurrences(of: " ", with: "-"))"
            try writer.add(Article(id: "a\(i)", title: words(Int.random(in: 1...6, using: &rng)), body: body, date: date, url: url))
        }
        let summary = try writer.commit()
        #expect(summary.segmentCount == 1)
        let manifest = try MappedFile(path: dir + "/manifest")
        segment = try Manifest.decode(manifest.bytes, file: dir + "/manifest").segments[0]
    }

    func path(_ ext: String, in d: String? = nil) -> String {
        (d ?? dir) + "/" + (ext == "manifest" ? "manifest" : segment.name + "." + ext)
    }

    /// A copy of the index with `file` (an extension, or "manifest") changed by `edit`; the CRC-32
    /// is recomputed afterwards when `fixCRC` is set, so only the structural checks can notice.
    func damaged(_ file: String, fixCRC: Bool = true, _ edit: (inout [UInt8]) throws -> Void) throws -> String {
        let copy = temporaryDirectory("check-damaged") + "/idx"
        try FileManager.default.copyItem(atPath: dir, toPath: copy)
        let p = path(file, in: copy)
        var bytes = try FileIO.readFile(p)
        try edit(&bytes)
        if fixCRC { CheckFixture.rewriteCRC(&bytes) }
        try FileManager.default.removeItem(atPath: p)
        try FileIO.writeFile(p, bytes)
        return copy
    }

    /// Rewrites the CRC-32 in the last four bytes to match everything before them.
    static func rewriteCRC(_ bytes: inout [UInt8]) {
        let crc = bytes[0..<(bytes.count - 4)].withUnsafeBytes { Zlib.crc32($0) }
        withUnsafeBytes(of: crc.littleEndian) { bytes.replaceSubrange((bytes.count - 4)..., with: $0) }
    }

    /// The segment opened for reading, to find where terms live.
    func reader() throws -> SegmentReader {
        try SegmentReader(directory: dir, entry: segment, docBase: 0, verify: false)
    }

    /// The first term of `field` (in key order) for which `accept` holds.
    func term(_ field: IndexedField, where accept: (TermInfo) -> Bool) throws -> ([UInt8], TermInfo) {
        var found: ([UInt8], TermInfo)?
        try reader().scanTerms(from: [field.rawValue]) { key, info in
            guard key.first == field.rawValue else { return false }
            if key.count > 1 && key[1] == 0x01 { return true }   // entity terms: not words
            if accept(info) { found = (key, info); return false }
            return true
        }
        return try #require(found)
    }
}

/// Reads one VInt at `at`; returns it and the offset after it.
func readVInt(_ bytes: [UInt8], _ at: Int) -> (UInt64, Int) {
    var v: UInt64 = 0, shift: UInt64 = 0, i = at
    while true {
        let b = bytes[i]
        i += 1
        v |= UInt64(b & 0x7F) << shift
        if b < 0x80 { return (v, i) }
        shift += 7
    }
}

func check(_ dir: String) throws -> IndexCheckReport { try IndexCheck.run(path: dir) }

/// The problems reported for the file whose name ends in `suffix`.
func problems(_ r: IndexCheckReport, _ suffix: String) -> [IndexProblem] {
    r.problems.filter { $0.file.hasSuffix(suffix) }
}

@Suite("newsindex check", .serialized)
struct CheckTests {
    let fx: CheckFixture
    static let allFiles = ["manifest", "tdi", "doc", "pos", "nrm", "fdt", "dat"]

    init() throws { fx = try CheckFixture() }

    @Test("a sound index is clean, and every file and document is counted")
    func clean() throws {
        let r = try check(fx.dir)
        #expect(r.problems == [])
        #expect(r.isClean)
        #expect(r.segments == 1)
        #expect(r.documents == fx.documentCount)
        let sizes = try CheckTests.allFiles.dropFirst().map { try FileIO.readFile(fx.path($0)).count }
        #expect(r.bytes == sizes.reduce(0, +))
        var terms = 0
        try fx.reader().scanTerms(from: []) { _, _ in terms += 1; return true }
        #expect(r.terms == terms)
    }

    @Test("a flipped byte is a checksum mismatch naming the file and the CRC's offset; opening with verify refuses it too, opening without it reads no more than it must")
    func flippedByte() throws {
        for file in CheckTests.allFiles {
            var size = 0
            let d = try fx.damaged(file, fixCRC: false) { b in
                size = b.count
                b[b.count / 2] ^= 0x10
            }
            let r = try check(d)
            let mine = problems(r, "/" + (file == "manifest" ? "manifest" : fx.segment.name + "." + file))
            #expect(mine.contains { $0.offset == size - 4 && $0.message.contains("checksum mismatch") }, "\(file): \(r.problems)")
            #expect(mine.count == r.problems.count, "only \(file) is named: \(r.problems)")
            #expect(throws: NewsIndexError.self) { try IndexReader(path: d, verify: true) }
            do { _ = try IndexReader(path: d, verify: true) } catch let e as NewsIndexError {
                #expect(e.kind == .corruptIndex)
                #expect(e.message.contains(fx.path(file, in: d)), "\(e.message)")
            }
            // Without verify, the checksums of the large files are not computed at open: the
            // index opens (the manifest and deletions are small and still checked), and a search
            // either answers or reports the damaged file.
            let checkedAtOpen = file == "manifest" || file == "del"
            do {
                let index = try IndexReader(path: d)
                #expect(!checkedAtOpen, "\(file) is checked at open")
                do { _ = try index.search("fire OR police", limit: 20) } catch is NewsIndexError {} catch {
                    Issue.record("\(file): a search threw \(error), not a NewsIndexError")
                }
            } catch let e as NewsIndexError {
                #expect(checkedAtOpen || e.message.contains(d + "/"), "\(file): \(e.message)")
            }
        }
    }

    @Test("a truncated file is reported (footer missing, or too short for header and footer)")
    func truncated() throws {
        for file in CheckTests.allFiles {
            var size = 0
            let cut = try fx.damaged(file, fixCRC: false) { b in size = b.count - 3; b.removeLast(3) }
            let r = try check(cut)
            #expect(problems(r, fx.path(file, in: cut)).contains { $0.offset == size - 8 && $0.message.contains("footer") }, "\(file): \(r.problems)")
            #expect(throws: NewsIndexError.self) { try IndexReader(path: cut) }
            let stub = try fx.damaged(file, fixCRC: false) { b in b.removeSubrange(10...) }
            let s = try check(stub)
            #expect(problems(s, fx.path(file, in: stub)).contains { $0.offset == nil && $0.message.contains("10 bytes long") }, "\(file): \(s.problems)")
        }
    }

    @Test("a newer format version is refused with the version it needs and the one this build reads")
    func newerVersion() throws {
        for file in CheckTests.allFiles {
            let d = try fx.damaged(file) { b in b[8] = 99 }
            let r = try check(d)
            let mine = problems(r, fx.path(file, in: d))
            #expect(mine.contains { $0.offset == 8 && $0.message.contains("format version 99") && $0.message.contains("reads \(FileEnvelope.readableVersions)") }, "\(file): \(r.problems)")
            do {
                _ = try IndexReader(path: d)
                Issue.record("\(file): an index of format version 99 was opened")
            } catch let e as NewsIndexError {
                #expect(e.kind == .incompatibleIndex)
                #expect(e.message.contains(fx.path(file, in: d)))
                #expect(e.message.contains("format version 99"), "\(e.message)")
                #expect(e.message.contains("reads \(FileEnvelope.readableVersions)"), "\(e.message)")
            }
        }
    }

    @Test("a missing segment file is named")
    func missingFile() throws {
        for file in CheckTests.allFiles.dropFirst() {
            let copy = try fx.damaged(file, fixCRC: false) { _ in }
            try FileManager.default.removeItem(atPath: fx.path(file, in: copy))
            let r = try check(copy)
            #expect(problems(r, fx.path(file, in: copy)).contains { $0.offset == nil && $0.message.contains("missing") }, "\(file): \(r.problems)")
            #expect(throws: NewsIndexError.self) { try IndexReader(path: copy) }
        }
        let noManifest = try fx.damaged("manifest", fixCRC: false) { _ in }
        try FileManager.default.removeItem(atPath: noManifest + "/manifest")
        // The library says what and where; the remedy is for the CLI to word (it names its commands).
        #expect(throws: NewsIndexError(.indexNotFound, "no index at \(noManifest): it has no manifest file.", remedy: .buildIndex(at: noManifest))) {
            try IndexCheck.run(path: noManifest)
        }
    }

    @Test("checking goes on after a damaged file: every damaged file is reported")
    func keepsGoing() throws {
        let copy = try fx.damaged("doc", fixCRC: false) { b in b[30] ^= 1 }
        for ext in ["fdt", "dat"] {
            let p = fx.path(ext, in: copy)
            var b = try FileIO.readFile(p)
            b[b.count - 10] ^= 1
            try FileManager.default.removeItem(atPath: p)
            try FileIO.writeFile(p, b)
        }
        let r = try check(copy)
        for ext in ["doc", "fdt", "dat"] {
            #expect(problems(r, "." + ext).contains { $0.message.contains("checksum") }, "\(ext): \(r.problems)")
        }
    }

    @Test("a document number that does not increase is found in .doc at its offset")
    func nonIncreasingDoc() throws {
        let docBytes = try FileIO.readFile(fx.path("doc"))
        // A term with a few documents (tail encoding only) whose second document code is one byte.
        var target = 0
        let (key, _) = try fx.term(.body) { info in
            guard info.docFreq >= 2 && info.docFreq < 128 else { return false }
            var (code, at) = readVInt(docBytes, info.docOffset)
            if code & 1 == 0 { at = readVInt(docBytes, at).1 }
            guard docBytes[at] < 0x80 else { return false }
            target = at
            return true
        }
        let d = try fx.damaged("doc") { b in b[target] &= 1 }   // delta 0, same frequency flag
        let r = try check(d)
        let found = problems(r, ".doc").first { $0.offset == target }
        #expect(found?.message.contains("strictly increase") == true, "\(r.problems)")
        #expect(found?.message.contains(IndexCheck.describe(key)) == true)
    }

    @Test("a position beyond the field's length is found in .pos at its offset")
    func positionBeyondLength() throws {
        let (key, info) = try fx.term(.title) { _ in true }
        let d = try fx.damaged("pos") { b in b[info.posOffset] = 0x7E }   // position 126 in a title of at most 6 words
        let r = try check(d)
        let found = problems(r, ".pos").first { $0.offset == info.posOffset }
        #expect(found?.message.contains("beyond the field's length") == true, "\(r.problems)")
        #expect(found?.message.contains(IndexCheck.describe(key)) == true)
    }

    @Test("a DocFreq that disagrees with the postings is found")
    func wrongDocFreq() throws {
        // The first entry of the first block: KeyLength, Key, DocFreq.
        let tdi = try FileIO.readFile(fx.path("tdi"))
        let (length, keyAt) = readVInt(tdi, FormatConstants.headerSize)
        let dfAt = keyAt + Int(length)
        let df = tdi[dfAt]
        try #require(df < 0x7F)
        let d = try fx.damaged("tdi") { b in b[dfAt] = df + 1 }
        let r = try check(d)
        let key = Array(tdi[keyAt..<dfAt])
        #expect(r.problems.contains { ($0.file.hasSuffix(".doc") || $0.file.hasSuffix(".pos")) && $0.message.contains("\(IndexCheck.describe(key)) (DocFreq \(df + 1)") }, "\(r.problems)")
    }

    @Test("a skip entry that disagrees with its block is found at the field's offset")
    func wrongSkipEntry() throws {
        let (_, info) = try fx.term(.body) { $0.docFreq >= 128 }
        let maxFreqAt = info.docOffset + 12   // first skip entry: LastDoc, DocEnd, PosEnd, MaxFreq
        let d = try fx.damaged("doc") { b in b[maxFreqAt] &+= 1 }
        let r = try check(d)
        #expect(problems(r, ".doc").contains { $0.offset == maxFreqAt && $0.message.contains("MaxFreq") }, "\(r.problems)")
    }

    @Test("norm statistics that disagree with the norms or the postings are found at their offsets")
    func normStatistics() throws {
        let n = fx.documentCount
        // Norms --> Header, DocCount:u32, FieldCount:u8, (FieldNumber:u8, DocsWithField:u32, SumTotalTermFreq:u64, Norm^DocCount)^4
        let titleDocsWithField = FormatConstants.headerSize + 4 + 1 + 1
        let bodySum = FormatConstants.headerSize + 4 + 1 + (1 + 4 + 8 + n) + 1 + 4
        let firstBodyNorm = bodySum + 8
        let d = try fx.damaged("nrm") { b in
            b[titleDocsWithField] &+= 1
            b[bodySum] &+= 1
        }
        let r = try check(d)
        #expect(problems(r, ".nrm").contains { $0.offset == titleDocsWithField && $0.message.contains("DocsWithField") }, "\(r.problems)")
        #expect(problems(r, ".nrm").contains { $0.offset == bodySum && $0.message.contains("SumTotalTermFreq") }, "\(r.problems)")
        let e = try fx.damaged("nrm") { b in b[firstBodyNorm] &+= 1 }   // document 0's body length, off by one
        let s = try check(e)
        #expect(problems(s, ".nrm").contains { $0.offset == firstBodyNorm && $0.message.contains("document 0's norm in field body") }, "\(s.problems)")
    }

    @Test("a stored id that disagrees with the id term is found")
    func storedIDDisagrees() throws {
        // Rewrite the stored fields with document 7's id changed (same length), as a writer would.
        let reader = try fx.reader()
        let d = try fx.damaged("fdt", fixCRC: false) { b in
            var w = StoredFieldsWriter(segmentID: fx.segment.id)
            for doc in 0..<fx.documentCount {
                var fields = try reader.storedDocument(doc)
                if doc == 7 { fields[.id] = "z7" }
                try w.add(fields.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) })
            }
            b = w.finish()
        }
        let r = try check(d)
        #expect(r.problems.count == 1, "\(r.problems)")
        #expect(problems(r, ".fdt").first?.message == "document 7's stored id \"z7\" differs from its id term \"a7\"")
        #expect(problems(r, ".fdt").first?.offset == FormatConstants.headerSize)   // its chunk, the first
    }

    @Test("a chunk that does not inflate, and an invalid date width, are found")
    func storedAndDates() throws {
        let d = try fx.damaged("fdt") { b in b[FormatConstants.headerSize + 40] ^= 0x55 }
        let r = try check(d)
        #expect(problems(r, ".fdt").contains { $0.offset == FormatConstants.headerSize }, "\(r.problems)")
        let widthAt = FormatConstants.headerSize + 4 + 8
        let e = try fx.damaged("dat") { b in b[widthAt] = 60 }
        let s = try check(e)
        #expect(problems(s, ".dat").contains { $0.offset == widthAt && $0.message.contains("width 60") }, "\(s.problems)")
    }

    @Test("document counts of the manifest and the files must agree")
    func documentCounts() throws {
        // The last segment entry ends with DocCount:u32, DeletedCount:u32 and DeletesGeneration:u64, before the footer.
        func manifest(docCount: UInt32) throws -> IndexCheckReport {
            try check(try fx.damaged("manifest") { b in
                let at = b.count - 8 - 8 - 4 - 4
                withUnsafeBytes(of: docCount.littleEndian) { b.replaceSubrange(at..<(at + 4), with: $0) }
            })
        }
        let r = try manifest(docCount: UInt32(fx.documentCount + 1))
        for ext in ["nrm", "fdt", "dat"] {
            #expect(problems(r, "." + ext).contains { $0.message.contains("the manifest says segment \(fx.segment.name) has \(fx.documentCount + 1)") }, "\(ext): \(r.problems)")
        }
        let huge = try manifest(docCount: UInt32(Int32.max))
        #expect(huge.problems.count == 1)
        #expect(huge.problems.first?.file.hasSuffix("/manifest") == true)
        #expect(huge.problems.first?.message.contains("more than its files can describe") == true, "\(huge.problems)")
    }

    @Test("deletions: a sound .del file is clean; its bits and statistics are checked against the documents")
    func deletions() throws {
        let copy = temporaryDirectory("check-del") + "/idx"
        try FileManager.default.copyItem(atPath: fx.dir, toPath: copy)
        let w = try appendWriter(copy)
        for i in [1, 2, 3, 50, 149] { #expect(try w.delete(id: "a\(i)")) }
        try w.commit()
        #expect(try check(copy).problems == [])
        let del = try #require(try FileManager.default.contentsOfDirectory(atPath: copy).first { $0.hasSuffix(".del") })
        func damagedDel(_ edit: (inout [UInt8]) -> Void) throws -> IndexCheckReport {
            let d = temporaryDirectory("check-del-damaged") + "/idx"
            try FileManager.default.copyItem(atPath: copy, toPath: d)
            var bytes = try FileIO.readFile(d + "/" + del)
            edit(&bytes)
            CheckFixture.rewriteCRC(&bytes)
            try FileManager.default.removeItem(atPath: d + "/" + del)
            try FileIO.writeFile(d + "/" + del, bytes)
            return try check(d)
        }
        // The last term's DocFreq is the byte before the footer.
        let r1 = try damagedDel { b in b[b.count - 9] += 1 }
        #expect(problems(r1, ".del").contains { $0.message.contains("term statistics disagree") }, "\(r1.problems)")
        // One more deletion bit than the manifest's count (document 0 is live).
        let r2 = try damagedDel { b in b[FormatConstants.headerSize + 8] |= 1 }
        #expect(problems(r2, ".del").contains { $0.message.contains("deletion bits set") }, "\(r2.problems)")
        // A missing .del file is named.
        try FileManager.default.removeItem(atPath: copy + "/" + del)
        #expect(problems(try check(copy), ".del").contains { $0.message.contains("missing") })
    }

    @Test("segment ids of the manifest and the files must agree")
    func foreignSegmentID() throws {
        let d = try fx.damaged("nrm") { b in b[12] ^= 0xFF }
        let r = try check(d)
        #expect(problems(r, ".nrm").contains { $0.offset == 12 && $0.message.contains("another segment") }, "\(r.problems)")
        #expect(throws: NewsIndexError.self) { try IndexReader(path: d) }
    }

    @Test("any changed byte or truncation, checksum fixed, never crashes the check; truncations are always reported")
    func arbitraryDamage() throws {
        var rng = SeededRandom(seed: 5)
        var caught = 0, tried = 0
        for file in CheckTests.allFiles {
            let original = try FileIO.readFile(fx.path(file))
            for _ in 0..<12 {
                let at = Int.random(in: FormatConstants.headerSize..<(original.count - 8), using: &rng)
                let value = UInt8.random(in: 0...255, using: &rng)
                guard value != original[at] else { continue }
                let d = try fx.damaged(file) { b in b[at] = value }
                let r = try check(d)
                tried += 1
                if !r.isClean { caught += 1 }
                try? FileManager.default.removeItem(atPath: d)
                let cutAt = Int.random(in: 0..<original.count, using: &rng)
                let t = try fx.damaged(file, fixCRC: false) { b in b.removeSubrange(cutAt...) }
                #expect(!problems(try check(t), fx.path(file, in: t)).isEmpty, "\(file) cut at \(cutAt)")
                try? FileManager.default.removeItem(atPath: t)
            }
        }
        // Some bytes carry no redundancy (a letter of a term, a date), but most changes are caught.
        #expect(caught * 2 > tried, "\(caught) of \(tried)")
    }
}

@Suite("newsindex check command", .serialized)
struct CheckCommandTests {
    let fx: CheckFixture

    init() throws { fx = try CheckFixture() }

    @Test("clean: exit 0, nothing on stdout, a summary on stderr (none with --quiet)", .needsSharedCorpus)
    func clean() throws {
        let r = try CLI.run(["check", "--index", fx.dir])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.isEmpty)
        #expect(r.err.contains("\(fx.documentCount) documents"))
        #expect(r.err.contains("no problems found"))
        let q = try CLI.run(["check", "--index", fx.dir, "--quiet"])
        #expect(q.status == 0 && q.out.isEmpty && q.err.isEmpty)
        let seeds = temporaryDirectory("check-seeds") + "/idx"
        #expect(try CLI.run(["build", CLI.seeds, "--index", seeds, "--quiet"]).status == 0)
        let s = try CLI.run(["check", "--index", seeds])
        #expect(s.status == 0, "\(s.out)")
    }

    @Test("damaged: exit 74, one file:offset: message line per problem on stdout, and JSON")
    func damaged() throws {
        var size = 0
        let d = try fx.damaged("pos", fixCRC: false) { b in size = b.count; b[b.count / 2] ^= 1 }
        let r = try CLI.run(["check", "--index", d])
        #expect(r.status == 74)
        let lines = r.out.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix(fx.path("pos", in: d) + ":\(size - 4): checksum mismatch") == true, "\(r.out)")
        #expect(r.err.contains("1 problem found"))
        let j = try CLI.run(["check", "--index", d, "--json", "--quiet"])
        #expect(j.status == 74)
        #expect(j.err.isEmpty)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any])
        let list = try #require(o["problems"] as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list.first?["file"] as? String == fx.path("pos", in: d))
        #expect(list.first?["offset"] as? Int == size - 4)
        #expect(o["documents"] as? Int == fx.documentCount)
        #expect(o["clean"] as? Bool == false)
    }

    @Test("no index: exit 66; --help has examples and the exit codes")
    func noIndexAndHelp() throws {
        let r = try CLI.run(["check", "--index", temporaryDirectory("check-none") + "/nothing"])
        #expect(r.status == 66)
        #expect(r.err.contains("no index at"))
        let h = try CLI.run(["check", "--help"])
        #expect(h.status == 0)
        #expect(h.out.contains("Examples:"))
        #expect(h.out.contains("newsindex check --index"))
        #expect(h.out.contains("74"))
        let v = try fx.damaged("manifest") { b in b[8] = 99 }
        let s = try CLI.run(["search", "harbour", "--index", v])
        #expect(s.status == 74)
        #expect(s.err.contains("format version 99"))
    }
}
