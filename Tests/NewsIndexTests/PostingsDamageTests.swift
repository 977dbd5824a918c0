import Testing
@testable import NewsIndex
import NewsIndexTestSupport

/// Pins the exact error a search gets from damaged .doc and .pos bytes: the cursor is opened on
/// the bytes directly (it reads no checksum), so every damage reaches the structural decode.
@Suite("Postings damage at search time")
struct PostingsDamageTests {
    /// Offset of the single term's postings in both files (right after the headers).
    static let h = FormatConstants.headerSize

    /// Writes one term, lets `edit` change the .doc and .pos bytes, opens a cursor on them
    /// (with `maxDoc` documents) and returns the message of the error `body` throws ("" if none).
    func message(docs: [UInt32], freqs: [UInt32], positions: [UInt32], maxDoc: Int? = nil,
                 edit: (inout [UInt8], inout [UInt8]) -> Void = { _, _ in },
                 _ body: (PostingsCursor) throws -> Void) throws -> String {
        let written = Int(docs.last ?? 0) + 1
        let n = maxDoc ?? written
        var w = PostingsWriter(segmentID: 7)
        let info = try w.addTerm(docs: docs, freqs: freqs, positions: positions, norms: [UInt8](repeating: 1, count: written))
        var (doc, pos) = w.finish()
        edit(&doc, &pos)
        return try doc.withUnsafeBytes { d in
            try pos.withUnsafeBytes { p in
                do {
                    try body(try PostingsCursor(info: info, doc: d, pos: p, fileName: "t.doc", maxDoc: n))
                } catch let e as NewsIndexError {
                    #expect(e.kind == .corruptIndex)
                    return e.message
                }
                return ""
            }
        }
    }

    /// Advances to the first document and decodes its positions.
    static func firstPositions(_ c: PostingsCursor) throws {
        try c.advance()
        _ = try c.currentPositions()
    }

    /// The .pos bytes with `n` bytes removed just before the footer.
    static func cutPositions(_ n: Int) -> (inout [UInt8], inout [UInt8]) -> Void {
        { _, pos in pos.removeSubrange((pos.count - FormatConstants.footerSize - n)..<(pos.count - FormatConstants.footerSize)) }
    }

    func corrupt(_ detail: String) -> String { "index file t.doc is damaged: \(detail)." }

    @Test("truncated positions: fewer bytes than positions, a VInt cut by the end, and skipped positions")
    func truncatedPositions() throws {
        // Positions 1 and 201 (a two-byte delta) at 20..<23: cut one byte.
        #expect(try message(docs: [0], freqs: [2], positions: [1, 201], edit: Self.cutPositions(1), Self.firstPositions)
                == corrupt("truncated positions at offset 22"))
        // Cut two: one byte left for two positions.
        #expect(try message(docs: [0], freqs: [2], positions: [1, 201], edit: Self.cutPositions(2), Self.firstPositions)
                == corrupt("truncated positions at offset 20"))
        // A 3-position document whose positions run off the end after the first two.
        #expect(try message(docs: [0], freqs: [3], positions: [1, 2, 300], edit: Self.cutPositions(1), Self.firstPositions)
                == corrupt("truncated positions at offset 23"))
        // Document 1's positions, after skipping document 0's (never read) through a cut file.
        let skipped = try message(docs: [0, 1], freqs: [3, 1], positions: [1, 2, 3, 0], edit: Self.cutPositions(2)) { c in
            try c.advance(); try c.advance()
            _ = try c.currentPositions()
        }
        #expect(skipped == corrupt("truncated positions at offset 22"))
    }

    @Test("a position delta or a position past 31 bits")
    func positionOverflow() throws {
        // A delta of 0x8000_0004: five bytes, the fifth above 0x07.
        #expect(try message(docs: [0], freqs: [2], positions: [1, 0x8000_0005], Self.firstPositions)
                == corrupt("a position overflows 31 bits at offset 25"))
        // Near the end (no room for five bytes a position): the same words.
        #expect(try message(docs: [0, 1], freqs: [1, 3], positions: [5, 1, 2, 0x8000_0005]) { c in
            try c.advance(); try c.advance()
            _ = try c.currentPositions()
        } == corrupt("a position overflows 31 bits at offset 27"))
        // A six-byte delta (continuation bit on the fifth byte).
        #expect(try message(docs: [0], freqs: [2], positions: [1, 2], edit: { _, pos in
            pos.replaceSubrange((Self.h + 1)...(Self.h + 1), with: [0x81, 0x80, 0x80, 0x80, 0x80, 0x00])
        }, Self.firstPositions) == corrupt("a position overflows 31 bits at offset 25"))
        // Deltas that fit but add up past Int32.max.
        #expect(try message(docs: [0], freqs: [2], positions: [0x7000_0000, 0x9000_0000], Self.firstPositions)
                == corrupt("a position lies past 2^31 before offset 30"))
    }

    @Test("a packed block's bit width above 32, or its bytes running past the file")
    func badPackedWidth() throws {
        let docs = (0..<130).map(UInt32.init)
        let ones = [UInt32](repeating: 1, count: 130)
        let blocks = Self.h + 2 * SkipEntry.size
        #expect(try message(docs: docs, freqs: ones, positions: ones, edit: { doc, _ in doc[blocks] = 33 }) { try $0.advance() }
                == corrupt("bad packed block at offset \(blocks)"))
        #expect(try message(docs: docs, freqs: ones, positions: ones, edit: { doc, _ in doc[blocks] = 32 }) { try $0.advance() }
                == corrupt("bad packed block at offset \(blocks)"))
        // The frequencies' width follows the 16 bytes of 1-bit deltas.
        #expect(try message(docs: docs, freqs: ones, positions: ones, edit: { doc, _ in doc[blocks + 17] = 40 }) { try $0.advance() }
                == corrupt("bad packed block at offset \(blocks + 17)"))
    }

    @Test("a tail block's written-out frequency of 1 or past 32 bits, and a cut VInt")
    func badTailFrequency() throws {
        // Document 0 with frequency 2: code 0x00, frequency 0x02 at 21.
        let one = try message(docs: [0], freqs: [2], positions: [1, 2], edit: { doc, _ in doc[Self.h + 1] = 1 }) { try $0.advance() }
        #expect(one == corrupt("bad term frequency 1 at offset 22"))
        let huge = try message(docs: [0], freqs: [2], positions: [1, 2], edit: { doc, _ in
            doc.replaceSubrange((Self.h + 1)...(Self.h + 1), with: [0x80, 0x80, 0x80, 0x80, 0x10])
        }) { try $0.advance() }
        #expect(huge == corrupt("bad term frequency 4294967296 at offset 26"))
        // The same through the score bound of a term without skip data.
        let bound = try message(docs: [0], freqs: [2], positions: [1, 2], edit: { doc, _ in doc[Self.h + 1] = 1 }) { c in
            _ = try c.scoreBound(blockScore: { _, _ in 0 }, score: { _, _ in 0 })
        }
        #expect(bound == corrupt("bad term frequency 1 at offset 22"))
        // A frequency VInt cut by the end of the file's data.
        let cut = try message(docs: [0], freqs: [2], positions: [1, 2], edit: { doc, _ in
            doc.replaceSubrange((Self.h + 1)..<(doc.count - FormatConstants.footerSize), with: [0x82])
        }) { try $0.advance() }
        #expect(cut == corrupt("truncated variable-length integer at offset 22"))
    }

    @Test("a posting beyond the segment's documents, in a tail block, a packed block and a score bound")
    func postingBeyondSegment() throws {
        #expect(try message(docs: [0, 5], freqs: [1, 1], positions: [0, 0], maxDoc: 4) { c in try c.advance() }
                == corrupt("a posting names document 5, beyond the segment's 4 documents"))
        #expect(try message(docs: [0, 5], freqs: [1, 1], positions: [0, 0], maxDoc: 4) { c in
            _ = try c.scoreBound(blockScore: { _, _ in 0 }, score: { _, _ in 0 })
        } == corrupt("a posting names document 5, beyond the segment's 4 documents"))
        let docs = (0..<130).map(UInt32.init)
        let ones = [UInt32](repeating: 1, count: 130)
        #expect(try message(docs: docs, freqs: ones, positions: ones, maxDoc: 100) { c in try c.advance() }
                == corrupt("a posting names document 127, beyond the segment's 100 documents"))
    }
}
