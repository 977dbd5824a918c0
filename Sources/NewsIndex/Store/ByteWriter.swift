/// An append-only byte buffer with little-endian fixed-width and variable-length integer coding.
///
/// Every on-disk structure is first assembled in a `ByteWriter`; see IndexFormat.md, "Types".
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }

    mutating func write(_ v: UInt8) { bytes.append(v) }

    mutating func write(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v)); bytes.append(UInt8(truncatingIfNeeded: v >> 8))
    }

    mutating func write(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ v: Int64) { write(UInt64(bitPattern: v)) }

    mutating func write(_ v: Float) { write(v.bitPattern) }

    /// VInt: 7 bits per byte, low bits first, high bit set on every byte but the last.
    mutating func writeVInt(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func writeVInt(_ v: Int) {
        precondition(v >= 0, "VInt of a negative value")
        writeVInt(UInt64(v))
    }

    mutating func write<C: Collection>(bytes other: C) where C.Element == UInt8 { bytes.append(contentsOf: other) }

    /// A VInt length followed by the UTF-8 bytes.
    mutating func writeString(_ s: String) {
        var s = s
        s.withUTF8 { u in
            writeVInt(u.count)
            bytes.append(contentsOf: u)
        }
    }

    /// Overwrites a UInt32 previously written at `offset`.
    mutating func patch(_ v: UInt32, at offset: Int) {
        withUnsafeBytes(of: v.littleEndian) { raw in
            for i in 0..<4 { bytes[offset + i] = raw[i] }
        }
    }
}
