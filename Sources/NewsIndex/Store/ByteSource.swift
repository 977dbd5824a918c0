#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import NewsIndexCore

/// A stream of input bytes read front to back: a file, standard input, memory, or gzip data
/// inflated from another source. ``LineBlockReader`` reads lines out of one.
package protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`; returns how many, 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes taken from the underlying file so far: for gzip, compressed bytes (for progress).
    var consumed: Int { get }
}

/// A file descriptor as a ``ByteSource``: a file it opens and closes, or standard input.
package final class FileByteSource: ByteSource {
    private let fd: Int32
    private let path: String
    private let ownsDescriptor: Bool
    package private(set) var consumed = 0

    /// Opens `path` for reading.
    package init(path: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileIO.ioError("open", path) }
        self.path = path
        ownsDescriptor = true
    }

    /// Standard input, named `name` in messages; it is not closed.
    package init(standardInputNamed name: String) {
        fd = STDIN_FILENO
        path = name
        ownsDescriptor = false
    }

    deinit { if ownsDescriptor { close(fd) } }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = posixRead(fd, base, buffer.count)
            if n >= 0 { consumed += n; return n }
            if errno == EINTR { continue }
            throw FileIO.ioError("read", path)
        }
    }
}

private func posixRead(_ fd: Int32, _ base: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, base, count)
}

/// A few bytes already read (such as those looked at to tell gzip by its magic), then the rest
/// of a source.
package final class PrefixedByteSource: ByteSource {
    private var prefix: [UInt8]
    private var at = 0
    private let rest: any ByteSource

    package init(_ prefix: [UInt8], then rest: any ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    package var consumed: Int { rest.consumed - (prefix.count - at) }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard at < prefix.count else { return try rest.read(into: buffer) }
        let n = min(buffer.count, prefix.count - at)
        prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + at, byteCount: n) }
        at += n
        if at == prefix.count { prefix = [] ; at = 0 }
        return n
    }
}

/// Bytes in memory as a ``ByteSource`` (tests and fuzzing), handed out at most `chunk` at a time.
package final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private let chunk: Int
    package private(set) var consumed = 0

    package init(_ bytes: [UInt8], chunk: Int = .max) {
        self.bytes = bytes
        self.chunk = max(1, chunk)
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - consumed, chunk)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { all in
            buffer.baseAddress!.copyMemory(from: all.baseAddress! + consumed, byteCount: n)
        }
        consumed += n
        return n
    }
}

/// Gzip data from another ``ByteSource``, inflated as it is read: memory stays at two buffers
/// and zlib's window whatever the size. Several gzip members one after another (what
/// `cat a.gz b.gz` makes) read as their contents one after another; zero bytes after the last
/// member (padding) are ignored.
///
/// Data that ends inside a member, or is not gzip, or is damaged, throws
/// `NewsIndexError.Kind.badInput` naming the file and the byte offset in the compressed data.
package final class GzipByteSource: ByteSource {
    private let source: any ByteSource
    private let path: String
    private let advice: String?
    private var stream = z_stream()
    private let input: UnsafeMutableRawBufferPointer
    /// Bytes read from `source` so far.
    private var taken = 0
    /// Inside a member (true), or at the end of one (false).
    private var inMember = true
    private var finished = false
    /// Where the current member starts in the compressed data.
    private var memberStart = 0

    /// Compressed bytes consumed by the inflater so far: the offset in the compressed file.
    package var consumed: Int { taken - Int(stream.avail_in) }

    /// Inflates `source`, the content of `path` (named in messages); `advice` replaces the
    /// advice about a damaged file in messages (for standard input).
    package init(_ source: any ByteSource, path: String, advice: String? = nil, bufferSize: Int = 256 << 10) throws {
        self.source = source
        self.path = path
        self.advice = advice
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bufferSize), alignment: 16)
        // 15 + 16: gzip only (a zlib or raw stream is not what a .gz file holds).
        guard newsindex_inflateInit2(&stream, 15 + 16) == Z_OK else {
            input.deallocate()
            throw NewsIndexError(.io, "cannot start reading the gzip data of \(path): zlib could not be initialised (out of memory?)")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let out = buffer.baseAddress, buffer.count > 0, !finished else { return 0 }
        while true {
            if stream.avail_in == 0 {
                let n = try source.read(into: input)
                taken += n
                if n == 0 {
                    if !inMember { finished = true; return 0 }
                    throw damaged(taken == 0 ? "the file is empty, not gzip data" : "the gzip data ends too early (the file is truncated)")
                }
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(n)
            }
            if !inMember {
                // After a member: another member, or zero padding, or something else.
                if stream.next_in.pointee == 0 {
                    stream.next_in += 1; stream.avail_in -= 1
                    continue
                }
                guard inflateReset(&stream) == Z_OK else { throw damaged("zlib could not start the next gzip member") }
                inMember = true
                memberStart = consumed
            }
            stream.next_out = out.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
            let rc = inflate(&stream, Z_NO_FLUSH)
            let produced = min(buffer.count, Int(UInt32.max)) - Int(stream.avail_out)
            switch rc {
            case Z_STREAM_END:
                inMember = false
            case Z_OK:
                break
            case Z_BUF_ERROR where stream.avail_in == 0:
                break   // needs more input
            default:
                let why = stream.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                if why.contains("header") { throw damaged("not gzip data (\(why))", at: memberStart) }
                throw damaged("the gzip data is damaged (\(why))")
            }
            if produced > 0 { return produced }
        }
    }

    private func damaged(_ what: String, at offset: Int? = nil) -> NewsIndexError {
        let fileAdvice = "Check it with `gzip -t \(path)` and fetch or compress it again."
        return NewsIndexError(.badInput, "\(path): \(what) at byte \(offset ?? consumed) of the compressed data. \(advice ?? fileAdvice)")
    }
}

/// Gzip compression of bytes in memory (tests and fuzz seeds; reading never needs it).
package enum Gzip {
    /// `bytes` as one gzip member.
    package static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard newsindex_deflateInit2(&stream, level, 15 + 16) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        var input = bytes
        let written: Int = input.withUnsafeMutableBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { outp in
                stream.next_in = inp.baseAddress
                stream.avail_in = UInt32(inp.count)
                stream.next_out = outp.baseAddress
                stream.avail_out = UInt32(outp.count)
                _ = deflate(&stream, Z_FINISH)
                return outp.count - Int(stream.avail_out)
            }
        }
        out.removeSubrange(written...)
        return out
    }

    /// The uncompressed size a gzip file's trailer states (ISIZE, its last four bytes): that of
    /// its last member, modulo 4 GiB; `nil` when the file cannot be read or is too short.
    package static func statedSize(ofFile path: String) -> Int? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= 18 else { return nil }
        var trailer = [UInt8](repeating: 0, count: 4)
        guard pread(fd, &trailer, 4, off_t(st.st_size - 4)) == 4 else { return nil }
        return trailer.reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    /// `bytes` inflated: gzip or zlib data (told by its header), else raw deflate data (what
    /// some servers send as `Content-Encoding: deflate`). Data damaged or cut short gives what
    /// inflated before the damage; nil when that is nothing, or more than `limit` bytes.
    package static func inflate(_ bytes: [UInt8], limit: Int) -> [UInt8]? {
        if let out = inflate(bytes, windowBits: 15 + 32, limit: limit) { return out }
        return inflate(bytes, windowBits: -15, limit: limit)
    }

    private static func inflate(_ bytes: [UInt8], windowBits: Int32, limit: Int) -> [UInt8]? {
        var stream = z_stream()
        guard newsindex_inflateInit2(&stream, windowBits) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var input = bytes
        return input.withUnsafeMutableBufferPointer { inp -> [UInt8]? in
            stream.next_in = inp.baseAddress
            stream.avail_in = UInt32(min(inp.count, Int(UInt32.max)))
            while true {
                let (rc, produced) = chunk.withUnsafeMutableBufferPointer { c -> (Int32, Int) in
                    stream.next_out = c.baseAddress
                    stream.avail_out = UInt32(c.count)
                    let rc = zlibInflate(&stream)
                    return (rc, c.count - Int(stream.avail_out))
                }
                out.append(contentsOf: chunk[0..<produced])
                if out.count > limit { return nil }
                switch rc {
                case Z_STREAM_END: return out
                case Z_OK: continue
                // Damaged, or the input ends early (Z_BUF_ERROR): what inflated before is kept
                // (a page cut short still holds its article), unless that is nothing.
                default: return out.isEmpty ? nil : out
                }
            }
        }
    }

    /// Whether `bytes` start as gzip data does (the magic bytes 1f 8b).
    package static func hasMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }
}

/// zlib's `inflate`, under a name that a static method called `inflate` does not hide.
@inline(__always)
private func zlibInflate(_ stream: inout z_stream) -> Int32 { inflate(&stream, Z_NO_FLUSH) }
