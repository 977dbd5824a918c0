#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NewsIndexCore

/// Thin, throwing wrappers over the POSIX calls the index needs. All syscalls live here.
package enum FileIO {
    package static func errnoText(_ e: Int32 = errno) -> String { String(cString: strerror(e)) }

    package static func ioError(_ what: String, _ path: String, _ e: Int32 = errno) -> NewsIndexError {
        NewsIndexError(.io, "cannot \(what) \(path): \(errnoText(e))")
    }

    package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    package static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    package static func makeDirectory(_ path: String) throws {
        if isDirectory(path) { return }
        // Create parents first.
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            let parent = String(path[..<slash])
            if !parent.isEmpty && !isDirectory(parent) { try makeDirectory(parent) }
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw ioError("create the directory", path) }
    }

    package static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw ioError("list", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Writes `bytes` to `path` (created or truncated) and fsyncs it.
    package static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw ioError("create", path) }
        defer { close(fd) }
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ioError("write", path)
                }
                done += n
            }
        }
        if fsync(fd) != 0 { throw ioError("sync", path) }
    }

    /// Fsyncs a directory so that renames and creations inside it are durable.
    package static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw ioError("open the directory", path) }
        defer { close(fd) }
        if fsync(fd) != 0 && errno != EINVAL { throw ioError("sync the directory", path) }
    }

    /// Atomically replaces `path` with `bytes`: write to a temporary name, fsync, rename, fsync the directory.
    /// Renames `from` over `to` (atomic within one file system).
    package static func move(_ from: String, over to: String) throws {
        if rename(from, to) != 0 { throw ioError("rename \(from) to", to) }
    }

    package static func remove(_ path: String) {
        _ = unlink(path)
    }

    package static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ioError("open", path) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw ioError("stat", path) }
        var out = [UInt8](repeating: 0, count: Int(st.st_size))
        var done = 0
        try out.withUnsafeMutableBytes { raw in
            while done < raw.count {
                let n = read(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; throw ioError("read", path) }
                if n == 0 { break }
                done += n
            }
        }
        if done < out.count { out.removeSubrange(done...) }
        return out
    }
}

/// Reads a file front to back in blocks, handing out whole lines, so a large file never has to fit
/// in memory. A line that crosses a block boundary is carried over; a line longer than
/// `maxLineLength` is not kept at all: it is read past and only its length is reported, so memory
/// stays within about one block plus `maxLineLength` whatever the file holds.
package struct LineBlockReader: ~Copyable {
    private let source: any ByteSource
    private let maxLineLength: Int
    /// The start of a line that crosses a block boundary (never more than `maxLineLength` bytes).
    private var pending: [UInt8] = []
    private var block: [UInt8]
    private var atEnd = false
    /// Bytes of an over-long line read so far while reading past it, or -1.
    private var skipping = -1
    /// The most bytes `pending` ever held (for tests).
    private(set) var largestCarry = 0

    /// Reads the file at `path`.
    package init(path: String, blockSize: Int = 4 << 20, maxLineLength: Int = .max) throws {
        self.init(source: try FileByteSource(path: path), blockSize: blockSize, maxLineLength: maxLineLength)
    }

    /// Reads `source` (a file, standard input, gzip data).
    package init(source: any ByteSource, blockSize: Int = 4 << 20, maxLineLength: Int = .max) {
        self.source = source
        self.maxLineLength = max(1, maxLineLength)
        block = [UInt8](repeating: 0, count: max(1, blockSize))
    }

    /// Bytes the source has taken from its file so far (compressed bytes for gzip).
    package var consumed: Int { source.consumed }

    /// Calls `body` with the next runs of whole lines (each ending in a line feed, except the
    /// file's last line when it has none), and `tooLong` with the length (line feed included) of
    /// each line longer than `maxLineLength` that could not be held, in file order; returns false
    /// at the end of the file.
    ///
    /// Lines of a run handed to `body` are not checked against `maxLineLength`: one that fits in a
    /// block may be longer; only a line that has to be carried across blocks is cut short.
    package mutating func next(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void,
                       tooLong: (Int) throws -> Void = { _ in }) throws -> Bool {
        while !atEnd {
            let n = try block.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { atEnd = true; break }
            var delivered = false
            try block.withUnsafeBufferPointer { all in
                let buf = UnsafeBufferPointer(rebasing: all[0..<n])
                var from = 0
                if skipping >= 0 {
                    // Inside an over-long line: read past it up to its line feed.
                    guard let lf = LineBlockReader.firstLF(buf, from: 0) else { skipping += n; return }
                    let length = skipping + lf + 1
                    skipping = -1
                    delivered = true
                    try tooLong(length)
                    from = lf + 1
                }
                guard let lastLF = LineBlockReader.lastLF(buf, from: from) else {
                    carry(buf, from: from)
                    return
                }
                var linesFrom = from
                if !pending.isEmpty {
                    // The carried line ends at the first line feed of this block.
                    let lf = LineBlockReader.firstLF(buf, from: from)!
                    let length = pending.count + lf + 1 - from
                    if length > maxLineLength {
                        pending = []
                        try tooLong(length)
                    } else {
                        pending.append(contentsOf: UnsafeBufferPointer(rebasing: buf[from...lf]))
                        largestCarry = max(largestCarry, pending.count)
                        try pending.withUnsafeBufferPointer { try body($0) }
                        pending.removeAll(keepingCapacity: false)
                    }
                    linesFrom = lf + 1
                }
                if linesFrom <= lastLF { try body(UnsafeBufferPointer(rebasing: buf[linesFrom...lastLF])) }
                delivered = true
                carry(buf, from: lastLF + 1)
            }
            if delivered { return true }
        }
        if skipping >= 0 {
            let length = skipping
            skipping = -1
            try tooLong(length)
            return true
        }
        guard !pending.isEmpty else { return false }
        try pending.withUnsafeBufferPointer { try body($0) }
        pending = []
        return true
    }

    /// Keeps `buf[from...]`, the start of a line without its end, for the next block, or starts
    /// reading past the line once it is longer than `maxLineLength`.
    private mutating func carry(_ buf: UnsafeBufferPointer<UInt8>, from: Int) {
        let rest = buf.count - from
        guard rest > 0 else { return }
        if pending.count + rest > maxLineLength {
            skipping = pending.count + rest
            pending = []
        } else {
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: buf[from...]))
            largestCarry = max(largestCarry, pending.count)
        }
    }

    private static func firstLF(_ buf: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard from < buf.count, let base = buf.baseAddress,
              let p = memchr(base + from, 0x0A, buf.count - from) else { return nil }
        return UnsafeRawPointer(p) - UnsafeRawPointer(base)
    }

    private static func lastLF(_ buf: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        // memchr first: a block without a line end (inside a long line) is passed over fast.
        guard let first = firstLF(buf, from: from) else { return nil }
        var i = buf.count - 1
        while i > first && buf[i] != 0x0A { i -= 1 }
        return i
    }
}

/// A read-only memory mapping of a whole file, unmapped when the last reference goes away.
///
/// Many readers share one mapping, so this is a final class rather than a move-only struct.
// @unchecked Sendable: the mapping is read-only and its pointer never changes until deinit.
package final class MappedFile: @unchecked Sendable {
    package let path: String
    package let bytes: UnsafeRawBufferPointer
    private let mapped: Bool

    package init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            if e == ENOENT { throw NewsIndexError(.corruptIndex, "index file \(path) is missing.", remedy: .rebuildIndex) }
            throw FileIO.ioError("open", path, e)
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw FileIO.ioError("stat", path) }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw FileIO.ioError("map", path)
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
        mapped = true
    }

    deinit {
        if mapped, let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

    /// Gives back the pages before `offset` (whole pages only): they leave the process's resident
    /// memory, and are read again (from the page cache or the disk) if touched again. A merge
    /// calls it behind its reading, so that reading a large file does not fill the memory.
    package func release(below offset: Int) {
        guard mapped, let base = bytes.baseAddress else { return }
        let page = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))
        let end = min(offset, bytes.count) / page * page
        guard end > 0 else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), end, Int32(MADV_DONTNEED))
    }
}

/// An exclusive advisory lock on `<index>/write.lock`, held by the one writer of an index.
package final class WriteLock {
    private let fd: Int32
    package let path: String

    package init(directory: String) throws {
        path = directory + "/write.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw FileIO.ioError("create the lock file", path) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            var holder = ""
            var buf = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buf, 32, 0)
            if n > 0, let s = String(validating: buf[0..<n], as: UTF8.self) {
                holder = " by process " + s.trimmingASCIIWhitespace()
            }
            close(fd)
            if e == EWOULDBLOCK {
                throw NewsIndexError(.indexLocked, "index \(directory) is locked\(holder): another newsindex is writing to it. Wait for it to finish and try again.")
            }
            throw FileIO.ioError("lock", path, e)
        }
        // The lock dies with the process, so a stale PID here is harmless; it is only informative.
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// A file written front to back in pieces, keeping the CRC-32 of what it was given: index files
/// too large to assemble in memory (a merge's postings and stored fields) go to disk as they are
/// made. ``finish()`` writes the footer, fsyncs and closes the file.
final class FileSink {
    let path: String
    private var fd: Int32
    /// Bytes written so far.
    private(set) var count = 0
    private var crc: UInt32 = 0

    /// Creates (or truncates) the file at `path`.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw FileIO.ioError("create", path) }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Writes the bytes of `w` and empties it (keeping its capacity).
    func drain(_ w: inout ByteWriter) throws {
        try w.bytes.withUnsafeBytes { try append($0) }
        w.bytes.removeAll(keepingCapacity: true)
    }

    /// Writes `raw`.
    func append(_ raw: UnsafeRawBufferPointer) throws {
        guard raw.count > 0 else { return }
        crc = Zlib.crc32(raw, crc: crc)
        var done = 0
        while done < raw.count {
            let n = write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIO.ioError("write", path)
            }
            done += n
        }
        count += raw.count
    }

    /// Writes the footer (the footer magic, then the CRC-32 of every byte before it), fsyncs and
    /// closes the file.
    func finish() throws {
        var footer = ByteWriter()
        footer.write(FormatConstants.footerMagic)
        try footer.bytes.withUnsafeBytes { try append($0) }
        footer = ByteWriter()
        footer.write(crc)
        try footer.bytes.withUnsafeBytes { raw in
            let n = write(fd, raw.baseAddress!, raw.count)
            if n != raw.count { throw FileIO.ioError("write", path) }
        }
        count += 4
        if fsync(fd) != 0 { throw FileIO.ioError("sync", path) }
        close(fd)
        fd = -1
    }
}
