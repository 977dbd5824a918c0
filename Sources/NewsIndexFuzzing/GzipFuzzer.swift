import NewsIndex
import NewsIndexCore

/// The gzip-reader target: arbitrary bytes, most of them valid gzip of JSON Lines with damage
/// done to it, are read line by line through `GzipByteSource` and `LineBlockReader`. Reading must
/// end or throw a `NewsIndexError` of kind `badInput` naming an offset inside the input, never
/// trap or hang; the lines read must not depend on how the bytes arrive (one at a time or all at
/// once); and undamaged input must read back exactly.
package enum GzipFuzzer {
    /// The JSON Lines the valid inputs hold.
    package static let text: [UInt8] = {
        var s = ""
        for k in 0..<40 {
            s += #"{"id":"g\#(k)","title":"Harbour strike day \#(k)","body":"Dock workers \#(String(repeating: "walked out again ", count: k % 7 + 1))","date":"2024-03-\#(k % 28 + 1)"}"# + "\n"
        }
        return Array(s.utf8)
    }()

    /// Valid gzip inputs: one member, two members (as `cat a.gz b.gz` makes), stored blocks,
    /// zero padding after the member, an empty member.
    package static let seeds: [[UInt8]] = {
        let half = text.count / 2
        return [Gzip.compress(text),
                Gzip.compress(Array(text[..<half])) + Gzip.compress(Array(text[half...])),
                Gzip.compress(text, level: 0),
                Gzip.compress(text) + [0, 0, 0, 0],
                Gzip.compress([]) + Gzip.compress(text, level: 9)]
    }()

    /// A random input: a seed with one to three damages (flipped bits, cut short, bytes put in
    /// or taken out, a range repeated), or random bytes behind gzip's magic; and what was done.
    package static func generate(_ rng: inout FuzzRandom) -> (bytes: [UInt8], mutation: String) {
        let seed = rng.below(seeds.count)
        if rng.oneIn(8) {
            let bytes = [0x1F, 0x8B, 0x08, 0] + (0..<rng.below(300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            return (bytes, "random bytes behind the gzip magic")
        }
        var bytes = seeds[seed]
        var done = ["seed \(seed)"]
        if rng.oneIn(10) { return (bytes, "seed \(seed) as is") }
        for _ in 0...rng.below(3) { done.append(mutate(&bytes, &rng)) }
        return (bytes, done.joined(separator: ", "))
    }

    static func mutate(_ bytes: inout [UInt8], _ rng: inout FuzzRandom) -> String {
        let n = bytes.count
        guard n > 0 else { bytes = [0x1F]; return "one byte" }
        // The header and the trailer (CRC, length) are the structure: aim there often.
        let at = rng.oneIn(3) ? rng.below(min(n, 20)) : rng.oneIn(3) ? max(0, n - 1 - rng.below(min(n, 12))) : rng.below(n)
        switch rng.below(5) {
        case 0:
            let bit = rng.below(8)
            bytes[at] ^= 1 << bit
            return "bit \(bit) of byte \(at) flipped"
        case 1:
            bytes.removeSubrange(at...)
            return "cut at \(at)"
        case 2:
            let count = 1 + rng.below(8)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            return "\(count) random bytes put in at \(at)"
        case 3:
            let end = min(n, at + 1 + rng.below(16))
            bytes.removeSubrange(at..<end)
            return "bytes \(at)..<\(end) taken out"
        default:
            let end = min(n, at + 1 + rng.below(64))
            bytes.insert(contentsOf: bytes[at..<end], at: rng.below(n + 1))
            return "bytes \(at)..<\(end) repeated"
        }
    }

    /// Reads `bytes` as gzip of lines, delivered `chunk` bytes at a time: the bytes of the lines,
    /// or the error.
    static func read(_ bytes: [UInt8], chunk: Int) -> Result<[UInt8], Error> {
        do {
            let source = try GzipByteSource(MemoryByteSource(bytes, chunk: chunk), path: "fuzz.jsonl.gz", bufferSize: 97)
            var reader = LineBlockReader(source: source, blockSize: 61, maxLineLength: 500)
            var out: [UInt8] = []
            while try reader.next({ out.append(contentsOf: $0) }, tooLong: { out.append(contentsOf: Array("<\($0)>".utf8)) }) {}
            return .success(out)
        } catch {
            return .failure(error)
        }
    }

    /// Checks one input (see the type's description); nil when it behaved.
    package static func check(_ bytes: [UInt8], mutation: String, variant: Int = 0) -> FuzzFailure? {
        func fail(_ problem: String) -> FuzzFailure {
            FuzzFailure(input: "gzip \(mutation) (\(bytes.count) bytes)", problem: problem)
        }
        let whole = read(bytes, chunk: .max)
        let small = read(bytes, chunk: 1 + variant % 7)
        for result in [whole, small] {
            guard case .failure(let error) = result else { continue }
            guard let e = error as? NewsIndexError else { return fail("threw a \(type(of: error)), not a NewsIndexError: \(error)") }
            guard e.kind == .badInput else { return fail("threw \(e.kind) instead of badInput: \(e.message)") }
            guard let offset = offset(in: e.message), offset <= bytes.count else {
                return fail("the message names no offset inside the input: \(e.message)")
            }
        }
        switch (whole, small) {
        case (.success(let a), .success(let b)) where a != b:
            return fail("the lines read depend on how the bytes arrive (\(a.count) vs \(b.count) bytes)")
        case (.success, .failure(let e)), (.failure(let e), .success):
            return fail("read whole or in pieces, one read succeeds and one fails: \(e)")
        default:
            break
        }
        if mutation.hasSuffix("as is"), case .success(let out) = whole, out != text {
            return fail("an undamaged input read back \(out.count) bytes, not the \(text.count) compressed")
        }
        return nil
    }

    /// The number after "at byte " in a message.
    static func offset(in message: String) -> Int? {
        guard let r = message.range(of: "at byte ") else { return nil }
        return Int(message[r.upperBound...].prefix { $0.isNumber })
    }
}
