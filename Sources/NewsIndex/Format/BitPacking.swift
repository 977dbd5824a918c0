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
    /// (every packed block is followed by more data or by the file footer), and `width <= 32`.
    static func unpack(_ src: UnsafeRawPointer, width: Int, into out: UnsafeMutablePointer<UInt32>) {
        // One copy of the loop per width: its shifts and offsets are then constants.
        switch width {
        case 0: out.update(repeating: 0, count: count)
        case 1: unpackFixed(src, 1, into: out)
        case 2: unpackFixed(src, 2, into: out)
        case 3: unpackFixed(src, 3, into: out)
        case 4: unpackFixed(src, 4, into: out)
        case 5: unpackFixed(src, 5, into: out)
        case 6: unpackFixed(src, 6, into: out)
        case 7: unpackFixed(src, 7, into: out)
        case 8: unpackFixed(src, 8, into: out)
        case 9: unpackFixed(src, 9, into: out)
        case 10: unpackFixed(src, 10, into: out)
        case 11: unpackFixed(src, 11, into: out)
        case 12: unpackFixed(src, 12, into: out)
        case 13: unpackFixed(src, 13, into: out)
        case 14: unpackFixed(src, 14, into: out)
        case 15: unpackFixed(src, 15, into: out)
        case 16: unpackFixed(src, 16, into: out)
        case 17: unpackFixed(src, 17, into: out)
        case 18: unpackFixed(src, 18, into: out)
        case 19: unpackFixed(src, 19, into: out)
        case 20: unpackFixed(src, 20, into: out)
        case 21: unpackFixed(src, 21, into: out)
        case 22: unpackFixed(src, 22, into: out)
        case 23: unpackFixed(src, 23, into: out)
        case 24: unpackFixed(src, 24, into: out)
        case 25: unpackFixed(src, 25, into: out)
        case 26: unpackFixed(src, 26, into: out)
        case 27: unpackFixed(src, 27, into: out)
        case 28: unpackFixed(src, 28, into: out)
        case 29: unpackFixed(src, 29, into: out)
        case 30: unpackFixed(src, 30, into: out)
        case 31: unpackFixed(src, 31, into: out)
        case 32: unpackFixed(src, 32, into: out)
        default: preconditionFailure("bit width \(width) above 32")
        }
    }

    /// Unpacks a block of deltas (as ``unpack(_:width:into:)``) and stores their running sums
    /// from `base` on (truncated to 32 bits) into `out[0..<128]`; returns the last running sum in
    /// 64 bits (no value of 32 bits wraps it), for the caller's range check.
    static func unpackDeltas(_ src: UnsafeRawPointer, width: Int, base: UInt64, into out: UnsafeMutablePointer<UInt32>) -> UInt64 {
        switch width {
        case 0:
            out.update(repeating: UInt32(truncatingIfNeeded: base), count: count)
            return base
        case 1: return unpackDeltasFixed(src, 1, base: base, into: out)
        case 2: return unpackDeltasFixed(src, 2, base: base, into: out)
        case 3: return unpackDeltasFixed(src, 3, base: base, into: out)
        case 4: return unpackDeltasFixed(src, 4, base: base, into: out)
        case 5: return unpackDeltasFixed(src, 5, base: base, into: out)
        case 6: return unpackDeltasFixed(src, 6, base: base, into: out)
        case 7: return unpackDeltasFixed(src, 7, base: base, into: out)
        case 8: return unpackDeltasFixed(src, 8, base: base, into: out)
        case 9: return unpackDeltasFixed(src, 9, base: base, into: out)
        case 10: return unpackDeltasFixed(src, 10, base: base, into: out)
        case 11: return unpackDeltasFixed(src, 11, base: base, into: out)
        case 12: return unpackDeltasFixed(src, 12, base: base, into: out)
        case 13: return unpackDeltasFixed(src, 13, base: base, into: out)
        case 14: return unpackDeltasFixed(src, 14, base: base, into: out)
        case 15: return unpackDeltasFixed(src, 15, base: base, into: out)
        case 16: return unpackDeltasFixed(src, 16, base: base, into: out)
        case 17: return unpackDeltasFixed(src, 17, base: base, into: out)
        case 18: return unpackDeltasFixed(src, 18, base: base, into: out)
        case 19: return unpackDeltasFixed(src, 19, base: base, into: out)
        case 20: return unpackDeltasFixed(src, 20, base: base, into: out)
        case 21: return unpackDeltasFixed(src, 21, base: base, into: out)
        case 22: return unpackDeltasFixed(src, 22, base: base, into: out)
        case 23: return unpackDeltasFixed(src, 23, base: base, into: out)
        case 24: return unpackDeltasFixed(src, 24, base: base, into: out)
        case 25: return unpackDeltasFixed(src, 25, base: base, into: out)
        case 26: return unpackDeltasFixed(src, 26, base: base, into: out)
        case 27: return unpackDeltasFixed(src, 27, base: base, into: out)
        case 28: return unpackDeltasFixed(src, 28, base: base, into: out)
        case 29: return unpackDeltasFixed(src, 29, base: base, into: out)
        case 30: return unpackDeltasFixed(src, 30, base: base, into: out)
        case 31: return unpackDeltasFixed(src, 31, base: base, into: out)
        case 32: return unpackDeltasFixed(src, 32, base: base, into: out)
        default: preconditionFailure("bit width \(width) above 32")
        }
    }

    /// Value `k` (0..<8) of a group of eight `w`-bit values starting at `group` (the group
    /// takes exactly `w` bytes).
    @inline(__always)
    private static func value(_ group: UnsafeRawPointer, _ w: Int, _ k: Int) -> UInt32 {
        let bit = k * w
        let word = UInt64(littleEndian: group.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
        return UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & ((1 << UInt64(w)) &- 1))
    }

    @inline(__always)
    private static func unpackFixed(_ src: UnsafeRawPointer, _ w: Int, into out: UnsafeMutablePointer<UInt32>) {
        for g in 0..<(count / 8) {
            let group = src + g * w
            let o = out + 8 * g
            o[0] = value(group, w, 0)
            o[1] = value(group, w, 1)
            o[2] = value(group, w, 2)
            o[3] = value(group, w, 3)
            o[4] = value(group, w, 4)
            o[5] = value(group, w, 5)
            o[6] = value(group, w, 6)
            o[7] = value(group, w, 7)
        }
    }

    @inline(__always)
    private static func unpackDeltasFixed(_ src: UnsafeRawPointer, _ w: Int, base: UInt64, into out: UnsafeMutablePointer<UInt32>) -> UInt64 {
        var sum = base
        for g in 0..<(count / 8) {
            let group = src + g * w
            let o = out + 8 * g
            for k in 0..<8 {
                sum &+= UInt64(value(group, w, k))
                o[k] = UInt32(truncatingIfNeeded: sum)
            }
        }
        return sum
    }
}
