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

    /// Validates header, footer and checksum of a whole file; returns a reader over the body
    /// (the bytes between header and footer).
    static func open(_ bytes: UnsafeRawBufferPointer, file: String, type: FileType,
                     segmentID: UInt64?, verifyChecksum: Bool = true) throws -> ByteReader {
        try Damage.surfacing { try openEnvelope(bytes, file: file, type: type, segmentID: segmentID, verifyChecksum: verifyChecksum) }
    }

    private static func openEnvelope(_ bytes: UnsafeRawBufferPointer, file: String, type: FileType,
                                     segmentID: UInt64?, verifyChecksum: Bool) throws -> ByteReader {
        let minimum = FormatConstants.headerSize + FormatConstants.footerSize
        guard bytes.count >= minimum else {
            throw NewsIndexError.corrupt(file, "it is \(bytes.count) bytes long, shorter than a header and footer (\(minimum) bytes); it was probably truncated")
        }
        var r = ByteReader(bytes, file: file)
        let magic = try r.readU32()
        guard magic == FormatConstants.headerMagic else {
            throw NewsIndexError.corrupt(file, "it does not start with the newsindex magic number (found 0x\(String(magic, radix: 16)))")
        }
        let code = try r.readU32()
        guard code == type.code else {
            throw NewsIndexError.corrupt(file, "its header names another file type than \(type.rawValue)")
        }
        // The footer and checksum before the version: a damaged version byte is damage, not a
        // file from another newsindex (whose envelope, footer and CRC-32 included, is the same).
        var f = ByteReader(bytes, file: file, from: bytes.count - FormatConstants.footerSize)
        guard try f.readU32() == FormatConstants.footerMagic else {
            throw NewsIndexError.corrupt(file, "its footer is missing; the file was probably truncated")
        }
        let stored = try f.readU32()
        if verifyChecksum {
            let actual = Zlib.crc32(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 4)]))
            guard actual == stored else {
                throw NewsIndexError.corrupt(file, "checksum mismatch (stored CRC-32 0x\(String(stored, radix: 16)), computed 0x\(String(actual, radix: 16)))")
            }
        }
        let version = try r.readU32()
        if let problem = versionProblem(version) {
            throw NewsIndexError(.incompatibleIndex, "index file \(file) \(problem)")
        }
        let id = try r.readU64()
        if let expected = segmentID, id != expected {
            throw NewsIndexError.corrupt(file, "it belongs to another segment (id \(id), expected \(expected))")
        }
        return ByteReader(bytes, file: file, from: FormatConstants.headerSize,
                          to: bytes.count - FormatConstants.footerSize)
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

    /// Reads the segment id from a header without validating the rest.
    static func segmentID(of bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count >= FormatConstants.headerSize else { return nil }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
    }
}
