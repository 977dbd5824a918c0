import Testing
@testable import NewsIndex
import NewsIndexTestSupport

struct RandomPostings {
    var docs: [UInt32] = []
    var freqs: [UInt32] = []
    var positions: [[UInt32]] = []
    var norms: [UInt8]

    init(docFreq: Int, maxDoc: Int, rng: inout SeededRandom) {
        norms = (0..<maxDoc).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var all = Array(0..<UInt32(maxDoc))
        all.shuffle(using: &rng)
        docs = all.prefix(docFreq).sorted()
        for _ in docs {
            // Mostly small frequencies, sometimes huge ones (wider than 16 bits).
            let f: UInt32 = Int.random(in: 0..<50, using: &rng) == 0 ? UInt32.random(in: 70_000...70_100, using: &rng)
                : UInt32.random(in: 1...4, using: &rng)
            freqs.append(f)
            var p: UInt32 = 0
            var ps: [UInt32] = []
            for _ in 0..<f { p += UInt32.random(in: (ps.isEmpty ? 0 : 1)...30, using: &rng); ps.append(p) }
            positions.append(ps)
        }
    }
}

@Suite("On-disk format")
struct FormatTests {
    /// Writes one term's postings (after a filler term, so offsets are not trivial) and opens a cursor on it.
    func roundTrip(_ p: RandomPostings, maxDoc: Int, _ body: (PostingsCursor) throws -> Void) throws {
        var w = PostingsWriter(segmentID: 7)
        _ = try w.addTerm(docs: [0], freqs: [1], positions: [3], norms: p.norms)
        let info = try w.addTerm(docs: p.docs, freqs: p.freqs, positions: p.positions.flatMap { $0 }, norms: p.norms)
        #expect(info.docFreq == p.docs.count)
        #expect(info.totalTermFreq == p.freqs.reduce(0) { $0 + Int($1) })
        let (doc, pos) = w.finish()
        try doc.withUnsafeBytes { d in
            try pos.withUnsafeBytes { ps in
                _ = try FileEnvelope.open(d, file: "t.doc", type: .postings, segmentID: 7)
                _ = try FileEnvelope.open(ps, file: "t.pos", type: .positions, segmentID: 7)
                try body(try PostingsCursor(info: info, doc: d, pos: ps, fileName: "t.doc", maxDoc: maxDoc))
            }
        }
    }

    @Test("postings round-trip at block edges", arguments: [1, 2, 127, 128, 129, 255, 256, 257, 1000])
    func postingsRoundTrip(docFreq: Int) throws {
        var rng = SeededRandom(seed: UInt64(docFreq))
        let maxDoc = docFreq * 3 + 5
        let p = RandomPostings(docFreq: docFreq, maxDoc: maxDoc, rng: &rng)
        // Full iteration, reading positions of every third document only (lazy skipping).
        try roundTrip(p, maxDoc: maxDoc) { c in
            var i = 0
            while try c.advance() != PostingsCursor.noMoreDocs {
                #expect(UInt32(c.doc) == p.docs[i])
                #expect(c.freq == p.freqs[i])
                if i % 3 == 0 {
                    var out: [UInt32] = []
                    try c.positions(into: &out)
                    #expect(out == p.positions[i])
                    if i % 2 == 0 {   // asking twice gives the same answer
                        var again: [UInt32] = []
                        try c.positions(into: &again)
                        #expect(again == out)
                    }
                }
                i += 1
            }
            #expect(i == docFreq)
            #expect(try c.advance() == PostingsCursor.noMoreDocs)
        }
        // The score bound is at least every document's score, and exact without skip data
        // (a BM25-like score: grows with the frequency, falls with the norm byte).
        try roundTrip(p, maxDoc: maxDoc) { c in
            func score(_ f: UInt32, _ n: UInt8) -> Float { Float(f) / (Float(f) + 1 + Float(n) / 16) }
            let bound = try c.scoreBound(blockScore: score, score: { score($1, p.norms[Int($0)]) })
            let best = zip(p.docs, p.freqs).map { score($1, p.norms[Int($0)]) }.max()!
            #expect(bound >= best)
            if docFreq < 128 { #expect(bound == best) }
            #expect(try c.advance() == Int32(p.docs[0]))   // the cursor did not move
        }
        // Seeks to random increasing targets agree with a linear search.
        try roundTrip(p, maxDoc: maxDoc) { c in
            var target: Int32 = 0
            while true {
                target += Int32.random(in: 1...300, using: &rng)
                let got = try c.seek(target)
                let want = p.docs.first { Int32($0) >= target }.map { Int32($0) } ?? PostingsCursor.noMoreDocs
                #expect(got == want)
                if got == PostingsCursor.noMoreDocs { break }
                let idx = p.docs.firstIndex(of: UInt32(got))!
                #expect(c.freq == p.freqs[idx])
                var out: [UInt32] = []
                try c.positions(into: &out)
                #expect(out == p.positions[idx])
            }
        }
        // Block bounds really bound their blocks.
        try roundTrip(p, maxDoc: maxDoc) { c in
            var b = 0
            while let bound = c.blockBound(b) {
                let lo = b * 128, hi = min(docFreq, lo + 128)
                #expect(bound.lastDoc == Int32(p.docs[hi - 1]))
                #expect(bound.maxFreq == p.freqs[lo..<hi].max()!)
                #expect(bound.minNorm == p.docs[lo..<hi].map { p.norms[Int($0)] }.min()!)
                b += 1
            }
            #expect(b == (docFreq < 128 ? 0 : (docFreq + 127) / 128))
        }
    }

    @Test("bit packing round-trips every width")
    func bitPacking() {
        var rng = SeededRandom(seed: 42)
        for width in 0...32 {
            let values: [UInt32] = (0..<128).map { _ in
                width == 0 ? 0 : UInt32(truncatingIfNeeded: UInt64.random(in: 0..<(UInt64(1) << UInt64(width)), using: &rng))
            }
            var w = ByteWriter()
            values.withUnsafeBufferPointer { BitPacking.pack($0, width: width, into: &w) }
            #expect(w.count == 16 * width)
            w.bytes += [UInt8](repeating: 0, count: 8)
            var out = [UInt32](repeating: 99, count: 128)
            w.bytes.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, width: width, into: $0.baseAddress!) }
            }
            #expect(out == values, "width \(width)")
        }
    }

    @Test("VInts round-trip and truncated ones are reported")
    func vints() throws {
        let values: [UInt64] = [0, 1, 127, 128, 255, 16383, 16384, 1 << 35, UInt64.max]
        var w = ByteWriter()
        for v in values { w.writeVInt(v) }
        try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw, file: "x")
            for v in values {
                let got = try r.readVInt()
                #expect(got == v)
            }
            #expect(r.isAtEnd)
        }
        [UInt8]([0x80, 0x80]).withUnsafeBytes { raw in
            var r = ByteReader(raw, file: "x.doc")
            // ByteReader throws Damage (at the VInt's first byte); readers turn it into NewsIndexError.
            let damage = #expect(throws: Damage.self) { try r.readVInt() }
            #expect(damage?.offset == 0)
            #expect(damage?.corruption.message == "index file x.doc is damaged: truncated variable-length integer at offset 2.")
            #expect(throws: NewsIndexError.self) { try Damage.surfacing { try r.readVInt() } }
        }
    }

    @Test("term dictionary lookups and scans", arguments: [0, 1, 31, 32, 33, 65, 500])
    func termDictionary(count: Int) throws {
        var rng = SeededRandom(seed: UInt64(count) + 1)
        var keys = Set<[UInt8]>()
        while keys.count < count {
            let field = UInt8.random(in: 0...1, using: &rng)
            let len = Int.random(in: 1...9, using: &rng)
            keys.insert([field] + (0..<len).map { _ in UInt8.random(in: 97...102, using: &rng) })
        }
        let sorted = keys.sorted { $0.lexicographicallyPrecedes($1) }
        var w = TermDictionaryWriter(segmentID: 3)
        var infos: [TermInfo] = []
        for (i, k) in sorted.enumerated() {
            let info = TermInfo(docFreq: i + 1, totalTermFreq: 2 * i + 3, docOffset: 20 + 10 * i, posOffset: 20 + 7 * i)
            infos.append(info)
            w.add(key: k, info: info)
        }
        let bytes = w.finish()
        try bytes.withUnsafeBytes { raw in
            let r = try TermDictionaryReader(bytes: raw, file: "t.tdi", segmentID: 3, docFileSize: 1 << 20, posFileSize: 1 << 20)
            #expect(r.termCount == count)
            for (i, k) in sorted.enumerated() { #expect(try r.lookup(k) == infos[i]) }
            #expect(try r.lookup([0, 122]) == nil)
            #expect(try r.lookup([2]) == nil)
            #expect(try r.lookup([]) == nil)
            // Absent keys near present ones: prefixes, extensions and neighbours of stored keys.
            var absent = Set<[UInt8]>()
            for k in sorted.prefix(200) {
                absent.insert(Array(k.dropLast()))
                absent.insert(k + [97])
                absent.insert(k + [0])
                var bumped = k
                bumped[bumped.count - 1] &+= 1
                absent.insert(bumped)
            }
            for _ in 0..<300 {
                absent.insert([UInt8.random(in: 0...1, using: &rng)] + (0..<Int.random(in: 0...9, using: &rng)).map { _ in UInt8.random(in: 96...103, using: &rng) })
            }
            for k in absent.subtracting(keys) { #expect(try r.lookup(k) == nil) }
            // A scan from a prefix returns exactly the keys >= it, in order.
            let start: [UInt8] = [1, 99]
            var seen: [[UInt8]] = []
            try r.scan(from: start) { k, _ in seen.append(k); return true }
            #expect(seen == sorted.filter { !$0.lexicographicallyPrecedes(start) })
        }
    }

    @Test("stored fields round-trip over several chunks")
    func storedFields() throws {
        var w = StoredFieldsWriter(segmentID: 9)
        let n = 300
        for i in 0..<n {
            try w.add([(.id, "doc-\(i)"), (.title, "Title \(i) — ünïcödé"), (.body, String(repeating: "word\(i) ", count: i % 50 + 1))])
        }
        let bytes = w.finish()
        try bytes.withUnsafeBytes { raw in
            let r = try StoredFieldsReader(bytes: raw, file: "t.fdt", segmentID: 9, docCount: n)
            for i in [0, 1, 63, 64, 65, 150, 299] {
                let d = try r.document(i)
                #expect(d[.id] == "doc-\(i)")
                #expect(d[.title] == "Title \(i) — ünïcödé")
                #expect(d[.body] == String(repeating: "word\(i) ", count: i % 50 + 1))
                #expect(d[.url] == nil)
            }
            #expect(throws: NewsIndexError.self) { try r.document(n) }
        }
    }

    @Test("SmallFloat encodes lengths like Lucene's intToByte4")
    func smallFloat() {
        // Exact below 24; hand-computed values above (100 → byte 57 → 96; 1000 → byte 87 → 984).
        for i in 0..<24 { #expect(SmallFloat.intToByte4(i) == UInt8(i)); #expect(SmallFloat.byte4ToInt(UInt8(i)) == i) }
        #expect(SmallFloat.intToByte4(100) == 57)
        #expect(SmallFloat.byte4ToInt(57) == 96)
        #expect(SmallFloat.intToByte4(1000) == 87)
        #expect(SmallFloat.byte4ToInt(87) == 984)
        #expect(SmallFloat.intToByte4(Int(Int32.max)) == 255)
        var prev = -1
        for b in 0...255 {
            let v = SmallFloat.byte4ToInt(UInt8(b))
            #expect(v > prev)
            #expect(SmallFloat.intToByte4(v) == UInt8(b))
            prev = v
        }
    }

    @Test("damaged files are refused with the file named")
    func envelope() throws {
        var w = ByteWriter()
        FileEnvelope.writeHeader(&w, type: .dates, segmentID: 5)
        w.write(UInt32(0))
        FileEnvelope.writeFooter(&w)
        let good = w.bytes
        try good.withUnsafeBytes { _ = try FileEnvelope.open($0, file: "a.dat", type: .dates, segmentID: 5) }

        func failure(_ bytes: [UInt8], type: FileType = .dates, id: UInt64 = 5) -> NewsIndexError? {
            bytes.withUnsafeBytes { raw in
                do { _ = try FileEnvelope.open(raw, file: "a.dat", type: type, segmentID: id); return nil }
                catch let e as NewsIndexError { return e } catch { return nil }
            }
        }
        for i in 0..<good.count {   // every single flipped byte is caught
            var bad = good
            bad[i] ^= 0x40
            let e = failure(bad)
            #expect(e != nil, "flip at \(i)")
            #expect(e?.message.contains("a.dat") == true)
        }
        #expect(failure(Array(good.dropLast(3)))?.kind == .corruptIndex)
        #expect(failure(good, type: .norms)?.kind == .corruptIndex)
        #expect(failure(good, id: 6)?.kind == .corruptIndex)
        var newer = good
        newer[8] = 99   // version field
        // Recompute the checksum so only the version is wrong.
        newer.removeLast(4)
        let crc = newer.withUnsafeBytes { Zlib.crc32($0) }
        withUnsafeBytes(of: crc.littleEndian) { newer += $0 }
        let e = failure(newer)
        #expect(e?.kind == .incompatibleIndex)
        #expect(e?.message.contains("version 99") == true)
    }
}

@Suite("In-memory inversion structures")
struct InversionStructureTests {
    @Test("ByteKeyTable: dense ids, exact keys of every length (NUL bytes, shared prefixes, tags), growth")
    func byteKeyTable() {
        var rng = SeededRandom(seed: 11)
        var table = ByteKeyTable(capacity: 4)
        var expected: [[UInt8]: Int32] = [:]
        var order: [[UInt8]] = []
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...24, using: &rng)
            // Few distinct byte values, so keys collide on prefixes and repeat often.
            var key = (0..<length).map { _ in [0, 1, 0x61, 0x62, 0xE2][Int.random(in: 0..<5, using: &rng)] as UInt8 }
            let tag = UInt8.random(in: 0...3, using: &rng)
            let (id, isNew) = key.withUnsafeBufferPointer { table.insert(tag: tag, $0) }
            key.insert(tag, at: 0)
            if let known = expected[key] {
                #expect(id == known && !isNew)
            } else {
                #expect(isNew && Int(id) == order.count)
                expected[key] = id
                order.append(key)
            }
        }
        #expect(table.count == order.count && order.count > 1000)
        for (k, key) in order.enumerated() {
            #expect(table.withKey(k) { Array($0) } == key)
            let found = Array(key.dropFirst()).withUnsafeBufferPointer { table.find(tag: key[0], $0) }
            #expect(found == Int32(k))
        }
        let absent: [UInt8] = Array(repeating: 0x63, count: 9)
        #expect(absent.withUnsafeBufferPointer { table.find(tag: 0, $0) } == nil)
    }

    @Test("SlicePool: interleaved streams read back exactly, across slice boundaries")
    func slicePool() {
        var rng = SeededRandom(seed: 12)
        var pool = SlicePool()
        var streams: [(start: UInt32, stream: SlicePool.Stream)] = (0..<300).map { _ in pool.newStream() }
        var written = Array(repeating: [UInt32](), count: streams.count)
        for _ in 0..<400_000 {
            // Skewed: a few streams get most values, so they reach the largest slices.
            let s = Int.random(in: 0..<10, using: &rng) < 7 ? Int.random(in: 0..<5, using: &rng) : Int.random(in: 0..<streams.count, using: &rng)
            let v = UInt32.random(in: 0...UInt32.max, using: &rng) >> UInt32.random(in: 0...31, using: &rng)
            pool.writeVInt(v, to: &streams[s].stream)
            written[s].append(v)
        }
        // The pool grew well past its first allocation (moved by realloc) on the way.
        #expect(pool.count > 1 << 20)
        for (k, s) in streams.enumerated() {
            var r = SlicePool.Reader(pool.bytes, start: s.start, s.stream)
            var read: [UInt32] = []
            while !r.isAtEnd { read.append(r.readVInt()) }
            #expect(read == written[k])
        }
        pool.deallocate()
    }
}

@Suite("Date column")
struct DateColumnTests {
    @Test("packed dates round-trip: none, one, news-like spans, extremes that need 64 bits")
    func roundTrip() throws {
        var rng = SeededRandom(seed: 21)
        let noDate = FormatConstants.noDate
        let cases: [[Int64]] = [
            [],
            Array(repeating: noDate, count: 100),
            [1_672_358_400],
            (0..<1000).map { _ in Int.random(in: 0..<5, using: &rng) == 0 ? noDate : Int64.random(in: 1_600_000_000...1_700_000_000, using: &rng) },
            (0..<300).map { _ in Int64.random(in: -62_135_596_800...253_402_300_799, using: &rng) },
            [Int64.min + 1, Int64.max, noDate, 0, -1],
        ]
        for dates in cases {
            let bytes = DatesFormat.write(segmentID: 7, dates: dates)
            try bytes.withUnsafeBytes { raw in
                let column = try DatesFormat.read(raw, file: "t.dat", segmentID: 7, docCount: dates.count)
                for (d, v) in dates.enumerated() {
                    #expect(column.date(d, in: raw) == (v == noDate ? nil : v))
                }
                #expect(throws: NewsIndexError.self) { try DatesFormat.read(raw, file: "t.dat", segmentID: 7, docCount: dates.count + 1) }
            }
        }
        // News dates pack into about 4 bytes a document instead of 8.
        #expect(DatesFormat.write(segmentID: 7, dates: cases[3]).count < 4 * 1000 + 100)
    }
}
