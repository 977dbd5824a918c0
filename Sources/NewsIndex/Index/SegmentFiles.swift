/// The files of a segment being written, `directory/name.ext`: each made through ``sink(_:)``
/// or ``write(_:_:)``, and all removed again when the writing fails before ``keep()``, so a
/// failed flush or merge leaves nothing behind.
final class SegmentFiles {
    private let directory: String
    private let name: String
    private var paths: [String] = []
    private var kept = false

    init(directory: String, name: String) {
        (self.directory, self.name) = (directory, name)
    }

    deinit { if !kept { for p in paths { FileIO.remove(p) } } }

    private func path(_ type: FileType) -> String {
        let p = directory + "/" + name + "." + type.fileExtension
        paths.append(p)
        return p
    }

    /// A file of the segment to write piece by piece.
    func sink(_ type: FileType) throws -> FileSink { try FileSink(path: path(type)) }

    /// Writes a file of the segment whole (and fsyncs it).
    func write(_ type: FileType, _ bytes: [UInt8]) throws { try FileIO.writeFile(path(type), bytes) }

    /// Keeps the files, and returns their paths.
    func keep() -> [String] {
        kept = true
        return paths
    }
}
