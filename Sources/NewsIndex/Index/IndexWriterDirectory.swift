import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The index directory as a writer finds and leaves it: what may be in it, the manifest it
/// starts from, and the files no manifest refers to.
extension IndexWriter {
    /// Makes sure `directory` can take an index (creating it if needed) and tells whether it
    /// holds one already.
    ///
    /// - Throws: `NewsIndexError` when the path is a file, or the directory holds files that
    ///   are not an index's.
    static func prepareDirectory(_ directory: String) throws -> Bool {
        if FileIO.exists(directory) && !FileIO.isDirectory(directory) {
            throw NewsIndexError(.io, "\(directory) exists and is not a directory.", remedy: .chooseIndexLocation)
        }
        try FileIO.makeDirectory(directory)
        let existing = try FileIO.listDirectory(directory)
        let hasManifest = existing.contains(FormatConstants.manifestName)
        let foreign = existing.filter { !IndexWriter.isIndexFile($0) }
        if !hasManifest && !foreign.isEmpty {
            throw NewsIndexError(.io, "\(directory) is not empty and holds no newsindex index (found \(foreign.prefix(3).joined(separator: ", "))).", remedy: .chooseIndexLocation)
        }
        return hasManifest
    }

    static func isIndexFile(_ name: String) -> Bool {
        if name == FormatConstants.manifestName || name == FormatConstants.manifestName + ".tmp" || name == FormatConstants.lockName {
            return true
        }
        guard name.hasPrefix("g"), let dot = name.lastIndex(of: ".") else { return false }
        let ext = String(name[name.index(after: dot)...])
        return ext == FileType.deletes.fileExtension || (FileType.segmentFiles + FileType.copyFiles).contains { $0.fileExtension == ext }
    }

    static func readManifest(_ directory: String) throws -> Manifest {
        let path = directory + "/" + FormatConstants.manifestName
        let mapped = try MappedFile(path: path)
        return try withExtendedLifetime(mapped) { try Manifest.decode(mapped.bytes, file: path) }
    }

    func removeUnreferencedFiles() throws {
        var keep: Set<String> = [FormatConstants.manifestName, FormatConstants.lockName]
        if let m = try? IndexWriter.readManifest(directory) {
            for s in m.segments { keep.formUnion(s.fileNames) }
        } else if FileIO.exists(directory + "/" + FormatConstants.manifestName) {
            return // a damaged manifest: leave every file alone
        }
        for name in try FileIO.listDirectory(directory) where IndexWriter.isIndexFile(name) && !keep.contains(name) {
            FileIO.remove(directory + "/" + name)
        }
    }

    /// Steps 2 and 3 of the commit protocol (IndexFormat.md): the new manifest replaces the old
    /// one in one rename.
    func writeManifest(_ segments: [Manifest.Segment]) throws {
        try FileIO.syncDirectory(directory)
        let manifest = Manifest(generation: generation, analyzer: analyzer.name,
                                createdBy: "newsindex \(NewsIndexVersion.string)", entities: recognizer.gazetteer.text,
                                segments: segments)
        let manifestPath = directory + "/" + FormatConstants.manifestName
        try FileIO.writeFile(manifestPath + ".tmp", manifest.encode())
        try FileIO.move(manifestPath + ".tmp", over: manifestPath)
    }

    /// Total size of the index's files (the lock aside).
    func indexBytes() -> Int { IndexWriter.indexBytes(in: directory) }

    /// Total size of the files in the index directory `directory` (the lock aside).
    static func indexBytes(in directory: String) -> Int {
        var bytes = 0
        for name in (try? FileIO.listDirectory(directory)) ?? [] where name != FormatConstants.lockName {
            var st = stat()
            if stat(directory + "/" + name, &st) == 0 { bytes += Int(st.st_size) }
        }
        return bytes
    }
}
