import Testing
@testable import NewsIndex

/// The worked examples of IndexFormat.md, byte for byte: each is encoded with the writers the
/// index uses and compared with the bytes the document gives, then decoded back.
@Suite struct GoldenBytesTests {
    /// "Types": the VInt table.
    @Test("VInt table", arguments: [(0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]),
                                    (300, [0xAC, 0x02]), (16383, [0xFF, 0x7F]), (16384, [0x80, 0x80, 0x01])] as [(UInt64, [UInt8])])
    func vint(value: UInt64, bytes: [UInt8]) throws {
        var w = ByteWriter()
        w.writeVInt(value)
        #expect(w.bytes == bytes)
        try bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw, file: "vint")
            let got = try r.readVInt()
            #expect(got == value)
            #expect(r.isAtEnd)
        }
    }

    /// "Header and footer": magic `NWSX`, the file type, version 7, the segment id; the footer's
    /// `XEND` and the CRC-32 (zlib's, whose check value for "123456789" is CBF43926).
    @Test("header and footer")
    func headerAndFooter() throws {
        #expect(Zlib.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        var w = ByteWriter()
        FileEnvelope.writeHeader(&w, type: .postings, segmentID: 0x0102_0304_0506_0708)
        #expect(w.bytes == [0x4E, 0x57, 0x53, 0x58, 0x50, 0x4F, 0x53, 0x54, 0x07, 0x00, 0x00, 0x00,
                            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01])
        #expect(FormatConstants.currentVersion == 7)
        w.write(UInt8(0xAA))
        FileEnvelope.writeFooter(&w)
        let crc = Zlib.crc32(Array(w.bytes[0..<25]))
        #expect(Array(w.bytes[21..<25]) == [0x58, 0x45, 0x4E, 0x44])
        #expect(Array(w.bytes[25...]) == [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)])
        try w.bytes.withUnsafeBytes { raw in
            var body = try FileEnvelope.open(raw, file: "t.doc", type: .postings, segmentID: 0x0102_0304_0506_0708)
            let byte = try body.readU8()
            #expect(byte == 0xAA)
            #expect(body.isAtEnd)
        }
        // A damaged byte anywhere fails the CRC-32.
        var damaged = w.bytes
        damaged[20] = 0xAB
        _ = damaged.withUnsafeBytes { raw in
            #expect(throws: NewsIndexError.self) { try FileEnvelope.open(raw, file: "t.doc", type: .postings, segmentID: nil) }
        }
    }

    /// "Term dictionary": `harbour` and `harbours` opening a block.
    @Test("term dictionary block")
    func termDictionaryBlock() throws {
        let harbour = TermInfo(docFreq: 3, totalTermFreq: 4, docOffset: 20, posOffset: 20)
        let harbours = TermInfo(docFreq: 1, totalTermFreq: 1, docOffset: 25, posOffset: 25)
        var w = TermDictionaryWriter(segmentID: 9)
        w.add(key: [1] + Array("harbour".utf8), info: harbour)
        w.add(key: [1] + Array("harbours".utf8), info: harbours)
        let file = w.finish()
        let block: [UInt8] = [0x08, 0x01, 0x68, 0x61, 0x72, 0x62, 0x6F, 0x75, 0x72,
                              0x03, 0x01, 0x14, 0x14,
                              0x08, 0x01, 0x73,
                              0x01, 0x00, 0x05, 0x05]
        #expect(Array(file[20..<(20 + block.count)]) == block)
        try file.withUnsafeBytes { raw in
            let r = try TermDictionaryReader(bytes: raw, file: "t.tdi", segmentID: 9, docFileSize: 100, posFileSize: 100)
            let found = try [Array("harbour".utf8), Array("harbours".utf8), Array("harbou".utf8)].map { try r.lookup([1] + $0) }
            #expect(found == [harbour, harbours, nil])
        }
    }

    /// "Postings" and "Positions": once in document 7 (position 4), three times in document 11
    /// (positions 2, 9, 30).
    @Test("postings tail and positions")
    func postingsAndPositions() throws {
        var w = PostingsWriter(segmentID: 3)
        let info = try w.addTerm(docs: [7, 11], freqs: [1, 3], positions: [4, 2, 9, 30], norms: [UInt8](repeating: 10, count: 12))
        let (doc, pos) = w.finish()
        #expect(info == TermInfo(docFreq: 2, totalTermFreq: 4, docOffset: 20, posOffset: 20))
        #expect(Array(doc[20..<(doc.count - 8)]) == [0x0F, 0x08, 0x03])
        #expect(Array(pos[20..<(pos.count - 8)]) == [0x04, 0x02, 0x07, 0x15])
        try doc.withUnsafeBytes { d in
            try pos.withUnsafeBytes { p in
                let c = try PostingsCursor(info: info, doc: d, pos: p, fileName: "t.doc", maxDoc: 12)
                var got: [(Int32, UInt32, [UInt32])] = []
                while try c.advance() != PostingsCursor.noMoreDocs {
                    var ps: [UInt32] = []
                    try c.positions(into: &ps)
                    got.append((c.doc, c.freq, ps))
                }
                #expect(got.map(\.0) == [7, 11])
                #expect(got.map(\.1) == [1, 3])
                #expect(got.map(\.2) == [[4], [2, 9, 30]])
            }
        }
    }

    /// "Postings": width 2, values beginning 1, 2, 3, 0 give a first byte of 0x39.
    @Test("bit packing, width 2")
    func bitPackingWidth2() {
        let values: [UInt32] = [1, 2, 3, 0] + [UInt32](repeating: 0, count: 124)
        var w = ByteWriter()
        values.withUnsafeBufferPointer { BitPacking.pack($0, width: 2, into: &w) }
        #expect(w.count == 32)
        #expect(w.bytes[0] == 0x39)
        #expect(w.bytes[1...].allSatisfy { $0 == 0 })
        w.bytes += [UInt8](repeating: 0, count: 8)
        var out = [UInt32](repeating: 7, count: 128)
        w.bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, width: 2, into: $0.baseAddress!) }
        }
        #expect(out == values)
    }

    /// "Norms": 100 → byte 57 → 96; 1000 → byte 87 → 984; lengths below 24 as themselves.
    @Test("norm bytes", arguments: [(100, 57, 96), (1000, 87, 984), (23, 23, 23), (24, 24, 24)])
    func norms(length: Int, byte: UInt8, decoded: Int) {
        #expect(SmallFloat.intToByte4(length) == byte)
        #expect(SmallFloat.byte4ToInt(byte) == decoded)
    }

    /// "Dates": three documents, dated 1710000000, undated, and 1710000005.
    @Test("dates column")
    func dates() throws {
        let file = DatesFormat.write(segmentID: 4, dates: [1_710_000_000, FormatConstants.noDate, 1_710_000_005])
        let body: [UInt8] = [0x03, 0x00, 0x00, 0x00,
                             0x80, 0x87, 0xEC, 0x65, 0x00, 0x00, 0x00, 0x00,
                             0x03,
                             0x81, 0x01,
                             0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        #expect(Array(file[20..<(file.count - 8)]) == body)
        try file.withUnsafeBytes { raw in
            let column = try DatesFormat.read(raw, file: "t.dat", segmentID: 4, docCount: 3)
            #expect((0..<3).map { column.date($0, in: raw) } == [1_710_000_000, nil, 1_710_000_005])
        }
    }
}
