import NewsIndexCore
import NewsIndexAnalysis

/// The check of a segment's stored articles (.fdt).
extension SegmentCheck {
    // MARK: .fdt

    /// The stored fields' trailer, chunk index and records, compared with the id terms and the
    /// date column; decoded by ``StoredFieldsLayout``, ``ChunkEntry`` and ``StoredRecord`` as a
    /// search decodes them.
    func checkStoredFields(_ f: MappedFile, _ meter: Meter) throws {
        let bytes = f.bytes, file = f.path
        let body = ByteReader(bytes, file: file, from: FormatConstants.headerSize, to: bytes.count - FormatConstants.footerSize)
        let layout = try StoredFieldsLayout.decode(body, docCount: docCount, segment: entry.name)
        let n = layout.docCount, indexAt = layout.indexAt, trailerAt = layout.trailerAt
        let compareIDs = !idStart.isEmpty && complete[Int(IndexedField.id.rawValue)]
        var expectedOffset = FormatConstants.headerSize
        var docs = 0
        var lost = false       // a chunk could not be read: later document numbers are unknown
        for chunk in 0..<layout.chunkCount {
            let ce = layout.entry(chunk, in: bytes)
            let e = ce.at, firstDoc = ce.firstDoc, offset = ce.offset
            let compressed = ce.compressed, uncompressed = ce.uncompressed
            if !lost && firstDoc != docs {
                problems.add(file, e, "chunk \(chunk)'s FirstDoc is \(firstDoc), but the chunks before it hold \(docs) documents")
            }
            let first = lost ? firstDoc : docs
            if offset != UInt64(expectedOffset) {
                problems.add(file, e + 4, "chunk \(chunk)'s offset is \(offset), but the previous chunk ends at \(expectedOffset)")
            }
            guard compressed > 0, ce.lies(before: indexAt) else {
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
                raw = try Zlib.uncompress(ce.data(in: bytes), expectedCount: uncompressed, file: file)
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
