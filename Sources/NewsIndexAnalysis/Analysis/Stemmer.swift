import CStemmer

/// One Snowball stemmer from the Snowball project's C library (libstemmer).
///
/// A stemmer keeps state between calls, so each analyzer run makes its own; it is cheap to create.
@usableFromInline package final class SnowballStemmer {
    private let handle: OpaquePointer

    /// A stemmer for `algorithm` ("english" is Porter2) over UTF-8; nil if libstemmer does not know it.
    @usableFromInline package init?(algorithm: String) {
        guard let h = sb_stemmer_new(algorithm, "UTF_8") else { return nil }
        handle = h
    }

    deinit { sb_stemmer_delete(handle) }

    /// Replaces the UTF-8 word in `word` with its stem.
    @usableFromInline package func stem(_ word: inout [UInt8]) {
        let stemmed: [UInt8]? = word.withUnsafeBufferPointer { buf in
            guard let out = sb_stemmer_stem(handle, buf.baseAddress, Int32(buf.count)) else { return nil }
            let n = Int(sb_stemmer_length(handle))
            return Array(UnsafeBufferPointer(start: out, count: n))
        }
        if let s = stemmed { word = s }
    }

    /// The stem of `word`.
    @usableFromInline package func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        stem(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
