/// The two files of a segment that find copies: each document's similarity signature (`.sig`),
/// written with the segment, and each document's copy group (`.grp`), written once the commit
/// has compared the new documents with the index (see ``CopyGroups``).
///
/// ```
/// Signatures --> Header, DocCount:u32, Bins:u32, SignedCount:u32, Slot:u32^DocCount, Signature^SignedCount, Footer
/// Signature  --> ShingleCount:u32, Minimum:u32^Bins
/// Groups     --> Header, DocCount:u32, Group:u64^DocCount, Footer
/// ```
/// - `Slot` is the document's signature number, or 0xFFFFFFFF for a document without one (a
///   body too short to compare: fewer than ``CopySignature/minimumShingles`` shingles).
///   Signatures are numbered in document order.
/// - `Minimum` is, for each of the `Bins` bins of one-permutation MinHash, the least 32-bit
///   value of the shingles that fall in the bin, or 0xFFFFFFFF for an empty bin.
/// - `Group` is an opaque number: documents with the same group are copies of one story.
enum CopyFiles {
    static let noSlot = UInt32.max

    /// The signatures of a segment being written, in the `.sig` file's layout: a slot per
    /// document, and the records of the documents that have one.
    struct SignatureColumn {
        private(set) var slots: [UInt32] = []
        /// ShingleCount, then the minimums, per signed document.
        private(set) var records: [UInt32] = []
        private var signed: UInt32 = 0

        /// Documents so far.
        var count: Int { slots.count }
        /// The bytes it holds.
        var memoryBytes: Int { slots.capacity * 4 + records.capacity * 4 }

        /// Adds a document whose body's word hashes are `words` (``CopySignature`` of them).
        mutating func append(wordHashes words: UnsafeBufferPointer<UInt64>) {
            if CopySignature.append(wordHashes: words, to: &records) { slots.append(signed); signed += 1 } else { slots.append(CopyFiles.noSlot) }
        }

        /// Adds document `doc` of a mapped `.sig` file, as it is there.
        mutating func append(_ doc: Int, of table: SignatureTable, in bytes: UnsafeRawBufferPointer) {
            let at = records.count
            records.append(0)
            if let n = table.append(doc, in: bytes, to: &records) {
                records[at] = n
                slots.append(signed)
                signed += 1
            } else {
                records.removeLast()
                slots.append(CopyFiles.noSlot)
            }
        }

        /// Adds a document without a signature.
        mutating func appendNone() { slots.append(CopyFiles.noSlot) }
    }

    /// The `.sig` file of a segment.
    static func writeSignatures(segmentID: UInt64, _ column: SignatureColumn) -> [UInt8] {
        let signed = column.records.count / (1 + CopySignature.bins)
        var w = ByteWriter(capacity: 64 + column.count * 4 + column.records.count * 4)
        FileEnvelope.writeHeader(&w, type: .signatures, segmentID: segmentID)
        w.write(UInt32(column.count))
        w.write(UInt32(CopySignature.bins))
        w.write(UInt32(signed))
        for slot in column.slots { w.write(slot) }
        for v in column.records { w.write(v) }
        FileEnvelope.writeFooter(&w)
        return w.bytes
    }

    /// The `.grp` file of a segment.
    static func writeGroups(segmentID: UInt64, groups: [UInt64]) -> [UInt8] {
        var w = ByteWriter(capacity: 40 + groups.count * 8)
        FileEnvelope.writeHeader(&w, type: .groups, segmentID: segmentID)
        w.write(UInt32(groups.count))
        for g in groups { w.write(g) }
        FileEnvelope.writeFooter(&w)
        return w.bytes
    }

    /// Where a segment's signatures are in its mapped `.sig` file.
    struct SignatureTable {
        let slotsOffset: Int, recordsOffset: Int, signedCount: Int

        /// Appends the bin minimums of document `doc` to `minimums` and returns its shingle count;
        /// returns nil (appending nothing) when it has no signature.
        func append(_ doc: Int, in bytes: UnsafeRawBufferPointer, to minimums: inout [UInt32]) -> UInt32? {
            let slot = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: slotsOffset + 4 * doc, as: UInt32.self))
            guard slot != CopyFiles.noSlot else { return nil }
            let at = recordsOffset + Int(slot) * CopySignature.recordBytes
            for k in 0..<CopySignature.bins {
                minimums.append(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 4 + 4 * k, as: UInt32.self)))
            }
            return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
        }

        /// The signature of document `doc`, nil when it has none.
        func signature(_ doc: Int, in bytes: UnsafeRawBufferPointer) -> CopySignature? {
            let slot = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: slotsOffset + 4 * doc, as: UInt32.self))
            guard slot != CopyFiles.noSlot else { return nil }
            var at = recordsOffset + Int(slot) * CopySignature.recordBytes
            let shingles = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            var mins = [UInt32](repeating: 0, count: CopySignature.bins)
            for k in 0..<CopySignature.bins {
                at += 4
                mins[k] = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            }
            return CopySignature(shingles: shingles, minimums: mins)
        }
    }

    /// Opens a `.sig` file of a segment of `docCount` documents: checks its envelope, its counts
    /// and that every slot names a signature in order.
    static func readSignatures(_ bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount: Int) throws -> SignatureTable {
        var r = try FileEnvelope.open(bytes, file: file, type: .signatures, segmentID: segmentID, verifyChecksum: false)
        return try Damage.surfacing { try readSignatureTable(&r, docCount: docCount) }
    }

    /// Decodes the `.sig` body at `r`, throwing ``Damage`` at the first inconsistency.
    static func readSignatureTable(_ r: inout ByteReader, docCount: Int) throws -> SignatureTable {
        let n = Int(try r.readU32())
        guard n == docCount else { throw r.damage("the signatures file holds \(n) documents, the segment \(docCount)") }
        let bins = Int(try r.readU32())
        guard bins == CopySignature.bins else { throw r.damage("the signatures have \(bins) bins, this newsindex reads \(CopySignature.bins)") }
        let signed = Int(try r.readU32())
        guard signed <= docCount, r.remaining == 4 * docCount + signed * CopySignature.recordBytes else {
            throw r.damage("the signatures file has the wrong size for \(docCount) documents and \(signed) signatures")
        }
        let slotsOffset = r.offset
        var next: UInt32 = 0
        for d in 0..<docCount {
            let slot = try r.readU32()
            if slot == noSlot { continue }
            guard slot == next else { throw r.damage("document \(d) names signature \(slot), expected \(next)") }
            next += 1
        }
        guard Int(next) == signed else { throw r.damage("\(next) documents name a signature, the header says \(signed)") }
        return SignatureTable(slotsOffset: slotsOffset, recordsOffset: r.offset, signedCount: signed)
    }

    /// Opens a `.grp` file of a segment of `docCount` documents; returns the offset of the first group.
    static func readGroups(_ bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount: Int) throws -> Int {
        var r = try FileEnvelope.open(bytes, file: file, type: .groups, segmentID: segmentID, verifyChecksum: false)
        return try Damage.surfacing { try readGroupsHeader(&r, docCount: docCount) }
    }

    /// Decodes the `.grp` body's header at `r` and checks its size; returns the offset of the first group.
    static func readGroupsHeader(_ r: inout ByteReader, docCount: Int) throws -> Int {
        let n = Int(try r.readU32())
        guard n == docCount, r.remaining == 8 * docCount else {
            throw r.damage("the groups file has the wrong size for \(docCount) documents")
        }
        return r.offset
    }
}
