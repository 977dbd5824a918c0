import NewsIndexCore
/// Headers and footers: every index file starts with a header and ends with a CRC-32 footer.
///
/// ```
/// Header --> Magic:u32 "NWSX", FileType:4 bytes, Version:u32, SegmentID:u64
/// Footer --> FooterMagic:u32 "XEND", CRC32:u32   (CRC of every byte before the CRC field)
/// ```
enum FileEnvelope {
    static func writeHeader(_ w: inout ByteWriter, type: FileType, segmentID: UInt64) {
        w.write(FormatConstants.headerMagic)
        w.write(type.code)
        w.write(FormatConstants.currentVersion)
        w.write(segmentID)
    }

    static func writeFooter(_ w: inout ByteWriter) {
        w.write(FormatConstants.footerMagic)
        let crc = w.bytes.withUnsafeBytes { Zlib.crc32($0) }
        w.write(crc)
    }

    /// The fields of a file's header and footer as stored, before any is judged.
    struct Fields {
        let magic: UInt32
        let typeCode: UInt32
        let version: UInt32
        let segmentID: UInt64
        /// The offset of the footer.
        let footerAt: Int
        let footerMagic: UInt32
        let storedCRC: UInt32

        /// The fields of `bytes`, or nil when it is too short to hold a header and footer.
        init?(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count >= FileEnvelope.minimumSize else { return nil }
            func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
            magic = u32(0)
            typeCode = u32(4)
            version = u32(8)
            segmentID = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
            footerAt = bytes.count - FormatConstants.footerSize
            footerMagic = u32(footerAt)
            storedCRC = u32(footerAt + 4)
        }

        /// The CRC-32 of every byte before the stored one, computed 16 MiB at a time;
        /// `afterPiece(end)` is told when the bytes before `end` have been read.
        func actualCRC(_ bytes: UnsafeRawBufferPointer, afterPiece: (Int) -> Void = { _ in }) -> UInt32 {
            let end = footerAt + 4, piece = 16 << 20
            var crc: UInt32 = 0, at = 0
            while at < end {
                let next = min(end, at + piece)
                crc = Zlib.crc32(UnsafeRawBufferPointer(rebasing: bytes[at..<next]), crc: crc)
                afterPiece(next)
                at = next
            }
            return crc
        }

        /// Throws when the stored CRC-32 is not that of `bytes`.
        func verifyChecksum(_ bytes: UnsafeRawBufferPointer, file: String, afterPiece: (Int) -> Void = { _ in }) throws {
            let actual = actualCRC(bytes, afterPiece: afterPiece)
            guard actual == storedCRC else {
                throw NewsIndexError.corrupt(file, "checksum mismatch (stored CRC-32 0x\(String(storedCRC, radix: 16)), computed 0x\(String(actual, radix: 16)))")
            }
        }
    }

    /// Checks the footer and the CRC-32 of a whole file (every byte is read), and nothing else;
    /// `afterPiece(end)` is told as the bytes before `end` have been read (to give them back).
    static func verifyChecksum(_ bytes: UnsafeRawBufferPointer, file: String, afterPiece: (Int) -> Void = { _ in }) throws {
        guard let e = Fields(bytes) else { throw NewsIndexError.corrupt(file, tooShort(bytes.count)) }
        guard e.footerMagic == FormatConstants.footerMagic else {
            throw NewsIndexError.corrupt(file, "its footer is missing; the file was probably truncated")
        }
        try e.verifyChecksum(bytes, file: file, afterPiece: afterPiece)
    }

    /// The size of a header and footer: no index file is shorter.
    static let minimumSize = FormatConstants.headerSize + FormatConstants.footerSize

    /// What a file shorter than ``minimumSize`` is told.
    static func tooShort(_ count: Int) -> String {
        "it is \(count) bytes long, shorter than a header and footer (\(minimumSize) bytes); it was probably truncated"
    }

    /// Validates header, footer and checksum of a whole file; returns a reader over the body
    /// (the bytes between header and footer). Throws at the first failure; ``validate`` reports them all.
    static func open(_ bytes: UnsafeRawBufferPointer, file: String, type: FileType,
                     segmentID: UInt64?, verifyChecksum: Bool = true) throws -> ByteReader {
        guard let e = Fields(bytes) else { throw NewsIndexError.corrupt(file, tooShort(bytes.count)) }
        guard e.magic == FormatConstants.headerMagic else {
            throw NewsIndexError.corrupt(file, "it does not start with the newsindex magic number (found 0x\(String(e.magic, radix: 16)))")
        }
        guard e.typeCode == type.code else {
            throw NewsIndexError.corrupt(file, "its header names another file type than \(type.rawValue)")
        }
        // The footer and checksum before the version: a damaged version byte is damage, not a
        // file from another newsindex (whose envelope, footer and CRC-32 included, is the same).
        guard e.footerMagic == FormatConstants.footerMagic else {
            throw NewsIndexError.corrupt(file, "its footer is missing; the file was probably truncated")
        }
        if verifyChecksum { try e.verifyChecksum(bytes, file: file) }
        if let problem = versionProblem(e.version) {
            throw NewsIndexError(.incompatibleIndex, "index file \(file) \(problem)")
        }
        if let expected = segmentID, e.segmentID != expected {
            throw NewsIndexError.corrupt(file, "it belongs to another segment (id \(e.segmentID), expected \(expected))")
        }
        return ByteReader(bytes, file: file, from: FormatConstants.headerSize,
                          to: bytes.count - FormatConstants.footerSize)
    }

    /// The validating pass of ``open``: checks a file's header and footer, reports every failure
    /// to `problems`, and returns whether it passed.
    static func validate(_ bytes: UnsafeRawBufferPointer, file: String, type: FileType, segmentID: UInt64?,
                         _ problems: ProblemList) -> Bool {
        guard let e = Fields(bytes) else {
            problems.add(file, nil, tooShort(bytes.count))
            return false
        }
        var ok = true
        if e.magic != FormatConstants.headerMagic {
            problems.add(file, 0, "it does not start with the newsindex magic number NWSX (found 0x\(String(e.magic, radix: 16)))")
            ok = false
        }
        if e.typeCode != type.code {
            let found = String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: e.typeCode >> UInt32(8 * $0)) }, as: UTF8.self)
            problems.add(file, 4, "its header names the file type \(ProblemList.printable(found)), expected \(type.rawValue)")
            ok = false
        }
        if let problem = versionProblem(e.version) {
            problems.add(file, 8, "it " + problem)
            ok = false
        }
        if let segmentID, e.segmentID != segmentID {
            problems.add(file, 12, "it belongs to another segment (id \(e.segmentID), the manifest says \(segmentID))")
            ok = false
        }
        if e.footerMagic != FormatConstants.footerMagic {
            problems.add(file, e.footerAt, "the footer magic XEND is missing; the file was probably truncated or appended to")
            return false
        }
        let actual = e.actualCRC(bytes)
        if actual != e.storedCRC {
            problems.add(file, e.footerAt + 4, "checksum mismatch (stored CRC-32 0x\(String(e.storedCRC, radix: 16)), computed 0x\(String(actual, radix: 16))): some byte of the file changed")
            ok = false
        }
        return ok
    }

    /// The format versions this build reads, for messages: "format version 4" or "format versions 4–5".
    static var readableVersions: String {
        let lo = FormatConstants.oldestReadableVersion, hi = FormatConstants.currentVersion
        return lo == hi ? "format version \(hi)" : "format versions \(lo)–\(hi)"
    }

    /// Why a file of format `version` cannot be read (the rest of a sentence that starts with the
    /// file's name), or nil when this build reads it. Says which version the file needs and which
    /// versions this newsindex reads.
    static func versionProblem(_ version: UInt32) -> String? {
        if version > FormatConstants.currentVersion {
            return "was written by a newer newsindex: it has format version \(version), and this newsindex (\(NewsIndexVersion.string)) reads \(readableVersions) only. Open it with a newsindex that reads format version \(version), or rebuild the index with this one."
        }
        if version < FormatConstants.oldestReadableVersion {
            return "has format version \(version), older than this newsindex (\(NewsIndexVersion.string)) reads (\(readableVersions)). Rebuild the index."
        }
        return nil
    }

    /// Reads the format version from a header without validating the rest.
    static func version(of bytes: UnsafeRawBufferPointer) -> UInt32? {
        guard bytes.count >= FormatConstants.headerSize else { return nil }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
    }

    /// Reads the segment id from a header without validating the rest.
    static func segmentID(of bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count >= FormatConstants.headerSize else { return nil }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
    }
}
