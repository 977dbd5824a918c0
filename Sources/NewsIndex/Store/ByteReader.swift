import NewsIndexCore
/// A problem at one place of one file: thrown by ``ByteReader`` and by the validating passes of
/// the format readers, caught by `newsindex check` (which reports it as an `IndexProblem`) or
/// turned into a `NewsIndexError` at a reader's boundary (``corruption``).
struct Damage: Error {
    /// The path of the damaged file.
    let file: String
    /// Where in ``file`` the damaged item starts.
    let offset: Int
    /// What is wrong, as a sentence fragment without the file name and offset.
    let message: String
    /// The detail of ``corruption`` when it is worded apart from ``message`` (``ByteReader``'s
    /// bounds failures keep the search-time wording they have always had), offset included.
    var searchDetail: String? = nil

    /// The search-time form: a corrupt-index error naming the file, "`message` at offset N".
    var corruption: NewsIndexError { NewsIndexError.corrupt(file, searchDetail ?? "\(message) at offset \(offset)") }

    /// Runs `body`, turning a ``Damage`` it throws into ``corruption``: the boundary between the
    /// decoders, which throw ``Damage``, and the search-time API, which throws `NewsIndexError`.
    @inline(__always)
    static func surfacing<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let d as Damage { throw d.corruption }
    }
}

/// A bounds-checked cursor over bytes (usually a memory-mapped index file).
///
/// Every read checks that enough bytes remain and throws a ``Damage`` naming the file and the
/// offset of the item that did not decode, so damaged files never cause out-of-bounds reads.
/// Reads that take a label (`need(_:_:)`, `readVInt(max:_:)`) name the item in the message.
struct ByteReader {
    let base: UnsafeRawBufferPointer
    var offset: Int
    let end: Int
    let file: String

    /// A reader of `base[start..<end]` (`end` defaults to, and is clamped to, the buffer's end).
    init(_ base: UnsafeRawBufferPointer, file: String, from start: Int = 0, to end: Int? = nil) {
        self.base = base
        self.offset = start
        self.end = max(start, min(end ?? base.count, base.count))
        self.file = file
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset >= end }

    /// A corrupt-index error for a reader's own consistency check, at the current offset.
    func corrupt(_ detail: String) -> NewsIndexError {
        NewsIndexError.corrupt(file, "\(detail) at offset \(offset)")
    }

    /// A ``Damage`` of this file at `offset` (the current offset by default).
    func damage(_ message: String, at offset: Int? = nil, search: String? = nil) -> Damage {
        Damage(file: file, offset: offset ?? self.offset, message: message,
               searchDetail: search.map { "\($0) at offset \(self.offset)" })
    }

    /// Throws unless `n` more bytes remain; `what` names them in the message.
    @inline(__always)
    func need(_ n: Int, _ what: @autoclosure () -> String = "a run of bytes") throws {
        if n < 0 || n > end - offset {
            throw damage("\(what()) runs past its end (needs \(n) bytes, \(end - offset) left)",
                         search: "unexpected end of data (needed \(n) bytes, \(end - offset) left)")
        }
    }

    mutating func readU8() throws -> UInt8 {
        try need(1, "a byte")
        defer { offset += 1 }
        return base[offset]
    }

    mutating func readU16() throws -> UInt16 {
        try need(2, "a 2-byte integer")
        defer { offset += 2 }
        return UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    mutating func readU32() throws -> UInt32 {
        try need(4, "a 4-byte integer")
        defer { offset += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func readU64() throws -> UInt64 {
        try need(8, "an 8-byte integer")
        defer { offset += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func readI64() throws -> Int64 { Int64(bitPattern: try readU64()) }

    mutating func readFloat() throws -> Float { Float(bitPattern: try readU32()) }

    /// The checked VInt decoder: 7 bits a byte, low groups first, at most 10 bytes and 64 bits.
    /// Failures are reported at the VInt's first byte.
    @inline(__always)
    mutating func readVInt() throws -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end {
            let b = base[offset]
            offset += 1
            if shift == 63 && b > 1 {
                throw damage("a variable-length integer overflows 64 bits", at: start, search: "variable-length integer overflows 64 bits")
            }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 {
                throw damage("a variable-length integer is longer than 10 bytes", at: start, search: "variable-length integer is too long")
            }
        }
        throw damage("a variable-length integer runs past its end", at: start, search: "truncated variable-length integer")
    }

    /// A VInt that must fit in `0...limit`; `what` names it in the message.
    @inline(__always)
    mutating func readVInt(max limit: Int, _ what: @autoclosure () -> String = "a value") throws -> Int {
        let start = offset
        let v = try readVInt()
        if v > UInt64(Swift.max(0, limit)) {
            throw damage("\(what()) is \(v), more than its limit \(limit)", at: start, search: "value \(v) exceeds its limit \(limit)")
        }
        return Int(v)
    }

    mutating func readBytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        try need(n)
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: base[offset..<(offset + n)])
    }

    /// A VInt length and that many bytes of UTF-8.
    mutating func readString() throws -> String {
        let start = offset
        let n = try readVInt(max: remaining, "a string's length")
        let raw = try readBytes(n)
        guard let s = UTF8Text.string(raw) else {
            throw damage("a string is not valid UTF-8", at: start, search: "invalid UTF-8 in a stored string")
        }
        return s
    }

    mutating func skip(_ n: Int) throws {
        try need(n)
        offset += n
    }
}

/// The unchecked VInt decoder of the hot paths (term lookup, positions), beside ``ByteReader``'s
/// checked one: it reads a raw pointer and never throws, so callers keep their own error
/// messages and pay nothing for them while the bytes are sound.
enum VInt {
    /// Decodes the VInt at `at` (7 bits a byte, low groups first), moving `at` past it. Returns
    /// nil, with `at` where decoding stopped, when the VInt runs into `end` or is longer than
    /// `maxBytes` bytes (the caller tells the two apart by how far `at` moved).
    @inline(__always)
    static func decode(_ base: UnsafePointer<UInt8>, at: inout Int, end: Int, maxBytes: Int) -> UInt64? {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        let stopShift = 7 * UInt64(maxBytes)
        while at < end {
            let b = base[at]
            at += 1
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
            if shift >= stopShift { return nil }
        }
        return nil
    }
}

