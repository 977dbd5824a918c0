/// Fixed-width bit packing of blocks of 128 unsigned 32-bit values.
///
/// A block packed with width `w` takes exactly `16 * w` bytes: value `i` occupies bits
/// `i*w ..< (i+1)*w`, counting from the least significant bit of byte 0 (little-endian bit order).
enum BitPacking {
    static let count = FormatConstants.blockSize

    /// Bits needed for the largest value (0 for all zeros).
    @inline(__always)
    static func bitWidth(_ values: UnsafeBufferPointer<UInt32>) -> Int {
        var or: UInt32 = 0
        for v in values { or |= v }
        return or == 0 ? 0 : 32 - or.leadingZeroBitCount
    }

    static func packedSize(width: Int) -> Int { 16 * width }

    /// Appends the packed block to `out`.
    static func pack(_ values: UnsafeBufferPointer<UInt32>, width: Int, into out: inout ByteWriter) {
        precondition(values.count == count)
        if width == 0 { return }
        let start = out.bytes.count
        out.bytes.append(contentsOf: repeatElement(0, count: packedSize(width: width)))
        out.bytes.withUnsafeMutableBufferPointer { buf in
            let p = buf.baseAddress! + start
            var bitPos = 0
            for v in values {
                var value = UInt64(v)
                var byte = bitPos >> 3
                var shift = bitPos & 7
                var bitsLeft = width
                while bitsLeft > 0 {
                    p[byte] |= UInt8(truncatingIfNeeded: value << UInt64(shift))
                    let wrote = 8 - shift
                    value >>= UInt64(wrote)
                    bitsLeft -= wrote
                    byte += 1
                    shift = 0
                }
                bitPos += width
            }
        }
    }

    /// Unpacks a block of `width` bits per value from `src` into `out[0..<128]`.
    ///
    /// The caller guarantees that at least `packedSize(width:) + 8` bytes are readable at `src`
    /// (every packed block is followed by more data or by the file footer).
    @inline(__always)
    static func unpack(_ src: UnsafeRawPointer, width: Int, into out: UnsafeMutablePointer<UInt32>) {
        if width == 0 {
            out.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        var bitPos = 0
        for i in 0..<count {
            let word = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: bitPos >> 3, as: UInt64.self))
            out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bitPos & 7)) & mask)
            bitPos &+= width
        }
    }
}
