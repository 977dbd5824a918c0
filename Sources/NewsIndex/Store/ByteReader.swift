import NewsIndexCore
/// A bounds-checked cursor over bytes (usually a memory-mapped index file).
///
/// Every read checks that enough bytes remain and throws a corruption error naming
/// the file otherwise, so damaged files never cause out-of-bounds reads.
struct ByteReader {
    let base: UnsafeRawBufferPointer
    var offset: Int
    let end: Int
    let file: String

    init(_ base: UnsafeRawBufferPointer, file: String, from start: Int = 0, to end: Int? = nil) {
        self.base = base
        self.offset = start
        self.end = end ?? base.count
        self.file = file
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset >= end }

    func corrupt(_ detail: String) -> NewsIndexError {
        NewsIndexError.corrupt(file, "\(detail) at offset \(offset)")
    }

    @inline(__always)
    mutating func need(_ n: Int) throws {
        if n < 0 || n > end - offset { throw corrupt("unexpected end of data (needed \(n) bytes, \(max(0, end - offset)) left)") }
    }

    mutating func readU8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return base[offset]
    }

    mutating func readU16() throws -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    mutating func readU32() throws -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func readU64() throws -> UInt64 {
        try need(8)
        defer { offset += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func readI64() throws -> Int64 { Int64(bitPattern: try readU64()) }

    mutating func readFloat() throws -> Float { Float(bitPattern: try readU32()) }

    mutating func readVInt() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            if offset >= end { throw corrupt("truncated variable-length integer") }
            let b = base[offset]
            offset += 1
            if shift == 63 && b > 1 { throw corrupt("variable-length integer overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw corrupt("variable-length integer is too long") }
        }
    }

    /// A VInt that must fit in `0...limit`.
    mutating func readVInt(max limit: Int) throws -> Int {
        let v = try readVInt()
        if v > UInt64(limit) { throw corrupt("value \(v) exceeds its limit \(limit)") }
        return Int(v)
    }

    mutating func readBytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        try need(n)
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: base[offset..<(offset + n)])
    }

    mutating func readString() throws -> String {
        let n = try readVInt(max: remaining)
        let raw = try readBytes(n)
        guard let s = UTF8Text.string(raw) else {
            throw corrupt("invalid UTF-8 in a stored string")
        }
        return s
    }

    mutating func skip(_ n: Int) throws {
        try need(n)
        offset += n
    }
}
