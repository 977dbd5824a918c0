import NewsIndexCore
import NewsIndexAnalysis

/// The check of a segment's stored articles (.fdt).
extension SegmentCheck {
    // MARK: .fdt

    func checkStoredFields(_ f: MappedFile, _ meter: Meter) throws {
        let bytes = f.bytes, file = f.path
        let (cursor, trailerAt) = try trailer(of: f, size: 16)
        var t = cursor
        let n = Int(try t.readU32())
        let chunkCount = Int(try t.readU32())
        let io = try t.readU64()
        guard n == docCount else {
            throw Damage(file: file, offset: trailerAt, message: "the stored fields hold \(n) documents, but the manifest says segment \(entry.name) has \(docCount)")
        }
        let entrySize = 20
        guard io >= UInt64(FormatConstants.headerSize), io <= UInt64(trailerAt), UInt64(trailerAt) - io == UInt64(chunkCount * entrySize) else {
            throw Damage(file: file, offset: trailerAt, message: "the trailer is inconsistent: a chunk index at offset \(io) with \(chunkCount) chunks does not end where the trailer begins (\(trailerAt))")
        }
        let indexAt = Int(io)
        let compareIDs = !idStart.isEmpty && complete[Int(IndexedField.id.rawValue)]
        var expectedOffset = FormatConstants.headerSize
        var docs = 0
        var lost = false       // a chunk could not be read: later document numbers are unknown
        for chunk in 0..<chunkCount {
            let e = indexAt + chunk * entrySize
            var ec = ByteReader(bytes, file: file, from: e, to: e + entrySize)
            let firstDoc = Int(try ec.readU32())
            let offset = try ec.readU64()
            let compressed = Int(try ec.readU32())
            let uncompressed = Int(try ec.readU32())
            if !lost && firstDoc != docs {
                problems.add(file, e, "chunk \(chunk)'s FirstDoc is \(firstDoc), but the chunks before it hold \(docs) documents")
            }
            let first = lost ? firstDoc : docs
            if offset != UInt64(expectedOffset) {
                problems.add(file, e + 4, "chunk \(chunk)'s offset is \(offset), but the previous chunk ends at \(expectedOffset)")
            }
            guard offset >= UInt64(FormatConstants.headerSize), compressed > 0, offset + UInt64(compressed) <= UInt64(indexAt) else {
                problems.add(file, e + 4, "chunk \(chunk) (\(compressed) bytes at offset \(offset)) lies outside the chunk data (\(FormatConstants.headerSize)..<\(indexAt))")
                lost = true
                continue
            }
            let at = Int(offset)
            expectedOffset = at + compressed
            meter.add(compressed)
            // zlib cannot expand data more than about 1032 times.
            guard uncompressed <= compressed * 1100 + 1024 else {
                problems.add(file, e + 16, "chunk \(chunk) is said to inflate to \(uncompressed) bytes, impossible from \(compressed) compressed bytes")
                lost = true
                continue
            }
            let raw: [UInt8]
            do {
                raw = try Zlib.uncompress(UnsafeRawBufferPointer(rebasing: bytes[at..<(at + compressed)]), expectedCount: uncompressed, file: file)
            } catch {
                problems.add(file, at, "chunk \(chunk) does not inflate to its UncompressedLength of \(uncompressed) bytes")
                lost = true
                continue
            }
            let count = raw.withUnsafeBytes { buf in
                checkRecords(buf, chunk: chunk, chunkAt: at, firstDoc: first, compareIDs: compareIDs && !lost, file: file)
            }
            guard let count else { lost = true; continue }
            if count > FormatConstants.storedChunkMaxDocs {
                problems.add(file, at, "chunk \(chunk) holds \(count) documents, more than \(FormatConstants.storedChunkMaxDocs)")
            }
            docs += count
        }
        if !lost {
            if expectedOffset != indexAt {
                problems.add(file, expectedOffset, "\(indexAt - expectedOffset) bytes lie between the last chunk and the chunk index")
            }
            if docs != n {
                problems.add(file, trailerAt, "the chunks hold \(docs) documents, but the trailer says \(n)")
            }
        }
    }

    /// Parses the records of one inflated chunk and compares each with the id terms and the date
    /// column; returns how many there are, or nil when they do not parse.
    func checkRecords(_ buf: UnsafeRawBufferPointer, chunk: Int, chunkAt: Int, firstDoc: Int,
                      compareIDs: Bool, file: String) -> Int? {
        var k = 0
        do {
            try StoredFieldsReader.validateRecords(buf, file: file, count: &k) { k, record in
                let docNo = firstDoc + k
                guard docNo < docCount else { return }
                if let storedID = record.id {
                    if compareIDs, idStart[docNo] >= 0,
                       !storedID.elementsEqual(idBytes[idStart[docNo]..<(idStart[docNo] + idLength[docNo])]) {
                        let term = String(decoding: idBytes[idStart[docNo]..<(idStart[docNo] + idLength[docNo])], as: UTF8.self)
                        problems.add(file, chunkAt, "document \(docNo)'s stored id \(ProblemList.printable(String(decoding: storedID, as: UTF8.self))) differs from its id term \(ProblemList.printable(term))")
                    }
                } else {
                    problems.add(file, chunkAt, "document \(docNo) (in chunk \(chunk)) has no stored id")
                }
                if let hasDate, hasDate[docNo] != record.hasDateText {
                    problems.add(file, chunkAt, record.hasDateText
                                 ? "document \(docNo) has a stored date text, but no date in the date column"
                                 : "document \(docNo) has a date in the date column, but no stored date text")
                }
            }
        } catch let d as Damage {
            problems.add(file, chunkAt, "chunk \(chunk), record of document \(firstDoc + k) (byte \(d.offset) of the inflated chunk): \(d.message)")
            return nil
        } catch {
            problems.add(file, chunkAt, "chunk \(chunk): \(ProblemList.message(of: error))")
            return nil
        }
        if k == 0 { problems.add(file, chunkAt, "chunk \(chunk) holds no document") }
        return k
    }
}
