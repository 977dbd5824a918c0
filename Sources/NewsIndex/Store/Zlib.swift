import CZlib

import NewsIndexCore
/// CRC-32 (the zlib/PNG polynomial) and deflate/inflate through the system zlib.
package enum Zlib {
    /// CRC-32 of `bytes`, continuing from `crc`.
    static func crc32(_ bytes: UnsafeRawBufferPointer, crc: UInt32 = 0) -> UInt32 {
        var c = UInt(crc)
        var p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var left = bytes.count
        guard p != nil else { return crc }
        // zlib's length argument is 32-bit; feed large buffers in chunks.
        while left > 0 {
            let n = min(left, 1 << 30)
            c = CZlib.crc32(c, p, uInt(n))
            p = p! + n
            left -= n
        }
        return UInt32(truncatingIfNeeded: c)
    }

    /// CRC-32 of `bytes`.
    package static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0) }
    }

    /// Deflates `input` (zlib format) at the given level (1–9).
    static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 6) -> [UInt8] {
        let bound = Int(compressBound(uLong(input.count)))
        var out = [UInt8](repeating: 0, count: bound)
        var outLen = uLongf(bound)
        let rc = out.withUnsafeMutableBytes { o in
            compress2(o.baseAddress!.assumingMemoryBound(to: Bytef.self), &outLen,
                      input.baseAddress?.assumingMemoryBound(to: Bytef.self) ?? UnsafePointer(bitPattern: 1)!,
                      uLong(input.count), level)
        }
        precondition(rc == Z_OK, "zlib compress2 failed with \(rc)") // only fails on bad arguments or out of memory
        out.removeSubrange(Int(outLen)...)
        return out
    }

    /// Inflates zlib data that must decompress to exactly `expectedCount` bytes.
    static func uncompress(_ input: UnsafeRawBufferPointer, expectedCount: Int, file: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: max(expectedCount, 1))
        var outLen = uLongf(expectedCount)
        let rc = out.withUnsafeMutableBytes { o in
            CZlib.uncompress(o.baseAddress!.assumingMemoryBound(to: Bytef.self), &outLen,
                             input.baseAddress?.assumingMemoryBound(to: Bytef.self) ?? UnsafePointer(bitPattern: 1)!,
                             uLong(input.count))
        }
        guard rc == Z_OK, Int(outLen) == expectedCount else {
            throw NewsIndexError.corrupt(file, "a compressed block does not inflate (zlib status \(rc), \(outLen) of \(expectedCount) bytes)")
        }
        if expectedCount == 0 { out.removeAll() }
        return out
    }
}
