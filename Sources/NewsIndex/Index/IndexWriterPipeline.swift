import Foundation
import NewsIndexCore

/// The parallel build: articles go in portions to segments inverted each on a thread of its own,
/// at most ``IndexWriter/Options/threads`` at a time, and the last portions of a lagging segment
/// are shared out at the end (``shareTail()``).
extension IndexWriter {
    static func textLimit(_ options: Options) -> Int {
        max(1, min(options.memoryBudget / max(1, options.threads), 3 << 29))
    }

    /// The memory each segment being built may hold: the budget, less the ids' fingerprints,
    /// shared among the threads; never less than a quarter of a share, so a run of very many
    /// documents goes on in smaller segments. Articles read but not inverted yet count at what
    /// they will cost once inverted (``OpenSegment/expectedMemory()``), more than the bytes they
    /// take while they wait.
    var segmentMemory: Int {
        let threads = max(1, options.threads)
        return max(options.memoryBudget / (4 * threads), (options.memoryBudget - ids.bytes) / threads)
    }

    static func inputShare(_ options: Options) -> Int? {
        let expected = options.expectedInputBytes
        guard expected > 0 else { return nil }
        // A share per thread of a tenth more than the input: a segment starts only once the input
        // before it is read, so the earlier ones, a little larger, finish with the last, which
        // takes the remainder. A large input makes more segments through the text limit.
        return max(1, (expected + expected / 10) / max(1, options.threads))
    }

    /// Articles go to the inverting thread in portions of about this many bytes, so it starts
    /// while the input is still being read.
    static let feedBytes = 1 << 20

    /// Hands the waiting articles to the open segment's thread (opening a segment first, waiting
    /// while ``Options/threads`` segments are being built), and closes the segment once it holds
    /// its share of the memory budget.
    func feed() throws {
        try rethrowFailure()
        guard !batch.isEmpty else { return }
        let segment: OpenSegment
        if let open { segment = open } else {
            slots.wait()
            workers.enter()
            let index = segmentsOpened
            segmentsOpened += 1
            let name = "g\(String(generation, radix: 36))_\(index)"
            let builder = SegmentBuilder(segmentID: entropy.segmentID(name: name), analyzer: analyzer, recognizer: recognizer)
            do { try builder.streamStoredFields(directory: directory, name: name) } catch {
                slots.signal()
                workers.leave()
                throw error
            }
            segment = OpenSegment(index: index, name: name, builder: builder)
            shared.withLock { $0.building.append(segment) }
            open = segment
        }
        segment.bytes += batchBytes
        segment.input += batchInput
        segment.documents += batch.count
        let bytes = batchBytes
        unread.enter(bytes)
        segment.append(batch, bytes: bytes)
        // One step per portion: it inverts the first portion still waiting (none when the tail of
        // the segment was taken over, see `shareTail`).
        segment.queue.async { [unread, beforePortion] in
            beforePortion?(segment.index)
            guard let (articles, bytes) = segment.takeFirst() else { return }
            for a in articles { segment.builder.add(a) }
            segment.inverted(bytes, documents: articles.count, memory: segment.builder.memoryBytes)
            unread.leave(bytes)
            FreeMemory.giveBack()   // the text just inverted (see `FreeMemory`)
        }
        batch = []
        batchBytes = 0
        batchInput = 0
        if segment.bytes >= textLimit || segment.expectedMemory() >= segmentMemory
            || inputShare.map({ segment.input >= $0 }) == true { close() }
    }

    /// Once all the input is handed out: while a segment thread has finished and another segment
    /// still has portions waiting, this thread takes the last half of them (by text) and writes
    /// them as a segment of its own, placed right after that segment. Segments of uneven speed
    /// (their text differs, or the threads got unequal shares of the cores while the input was
    /// read) then finish together instead of leaving one core idle at the end.
    func shareTail() {
        while true {
            slots.wait()   // a core is free
            defer { slots.signal() }
            if shared.withLock({ $0.failure != nil }) { return }
            guard let victim = shared.withLock({ $0.building }).max(by: { $0.waitingBytes < $1.waitingBytes }),
                  let tail = victim.takeTail(minimum: shareTailMinimum) else { return }
            victim.tailsTaken += 1
            let name = victim.name + "t\(victim.tailsTaken)"
            let builder = SegmentBuilder(segmentID: entropy.segmentID(name: name), analyzer: analyzer, recognizer: recognizer)
            for (articles, bytes) in tail {
                for a in articles { builder.add(a) }
                unread.leave(bytes)
            }
            do {
                let paths = try builder.flush(directory: directory, name: name)
                let info = Manifest.Segment(name: name, id: builder.segmentID, docCount: builder.docCount)
                // After the segment it came from, before the tails taken from it earlier.
                shared.withLock {
                    $0.finished.append(((victim.index, Int.max - victim.tailsTaken), info))
                    $0.writtenFiles += paths
                }
            } catch {
                shared.withLock { if $0.failure == nil { $0.failure = error } }
                return
            }
        }
    }

    /// Writes the open segment's files on its thread once its articles are inverted.
    func close() {
        guard let segment = open else { return }
        open = nil
        segment.queue.async { [directory, slots, workers, shared] in
            defer {
                // Done: its memory goes with it.
                shared.withLock { $0.building.removeAll { $0 === segment } }
                slots.signal()
                workers.leave()
            }
            do {
                let paths = try segment.builder.flush(directory: directory, name: segment.name)
                let info = Manifest.Segment(name: segment.name, id: segment.builder.segmentID, docCount: segment.builder.docCount)
                shared.withLock {
                    $0.finished.append(((segment.index, 0), info))
                    $0.writtenFiles += paths
                }
            } catch {
                shared.withLock { if $0.failure == nil { $0.failure = error } }
            }
        }
    }

    func rethrowFailure() throws {
        if let e = shared.withLock({ $0.failure }) { throw e }
    }
}

/// The segment threads' results, behind a lock.
// @unchecked Sendable: every field is behind `lock`.
final class Shared: @unchecked Sendable {
    struct State {
        /// Written segments, by their place in the input: (segment number, 0) for a segment, and
        /// a tail taken from it (by `shareTail`) after it, later tails before earlier ones.
        var finished: [(order: (Int, Int), segment: Manifest.Segment)] = []
        /// The segments opened so far (a finished one has nothing waiting).
        var building: [OpenSegment] = []
        var writtenFiles: [String] = []
        var failure: Error?
    }
    private let lock = NSLock()
    private var state = State()

    func withLock<R>(_ body: (inout State) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }
}

/// Counts bytes handed to other threads and makes the giver wait while more than `limit` are out
/// (a single portion larger than the limit still passes when nothing else is out).
// @unchecked Sendable: `out` is behind `condition`; `limit` never changes.
final class ByteGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var out = 0
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func enter(_ n: Int) {
        condition.lock()
        while out > 0 && out + n > limit { condition.wait() }
        out += n
        condition.unlock()
    }

    func leave(_ n: Int) {
        condition.lock()
        out -= n
        condition.broadcast()
        condition.unlock()
    }
}

/// A segment being built: its builder runs on a serial queue of its own, fed in input order.
/// The portions of articles handed to it wait in `waiting` until its queue takes the first one;
/// at the end, another thread may take the last ones (``takeTail(minimum:)``).
// @unchecked Sendable: `waiting` is behind `lock`; `bytes`, `input` and `tailsTaken` each belong to one thread (below).
final class OpenSegment: @unchecked Sendable {
    let index: Int
    let name: String
    let builder: SegmentBuilder
    let queue = DispatchQueue(label: "newsindex.segment")
    /// Bytes of text handed to the builder so far, the input bytes they came from and the
    /// number of articles (touched by the feeding thread only).
    var bytes = 0
    var input = 0
    var documents = 0
    /// Tails taken from this segment so far (touched by the committing thread only).
    var tailsTaken = 0
    private let lock = NSLock()
    private var waiting: [(articles: [Article], bytes: Int)] = []
    private var first = 0
    private var waitingText = 0
    /// Text and articles inverted so far, and the builder's memory after them.
    private var invertedText = 0
    private var invertedDocuments = 0
    private var memory = 0

    /// Reports a portion of `text` bytes in `documents` articles inverted (on the segment's
    /// thread), after which the builder holds `memory` bytes.
    func inverted(_ text: Int, documents: Int, memory: Int) {
        lock.lock()
        invertedText += text
        invertedDocuments += documents
        self.memory = memory
        lock.unlock()
    }

    /// What a builder holds per article and per byte of its text, about: measured on news
    /// (250,000 articles of the benchmark corpus: 206 bytes and 1.17), with a margin.
    static let memoryPerDocument = 240, memoryPerTextByte = 1.3

    /// The builder's memory once all the articles handed to it are inverted: what it holds now,
    /// and the articles still waiting at ``memoryPerDocument`` and ``memoryPerTextByte``.
    func expectedMemory() -> Int {
        lock.lock()
        defer { lock.unlock() }
        return memory + (documents - invertedDocuments) * OpenSegment.memoryPerDocument
            + Int(Double(bytes - invertedText) * OpenSegment.memoryPerTextByte)
    }

    /// Text of the portions not yet taken.
    var waitingBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return waitingText
    }

    func append(_ articles: [Article], bytes: Int) {
        lock.lock()
        waiting.append((articles, bytes))
        waitingText += bytes
        lock.unlock()
    }

    /// The first portion still waiting.
    func takeFirst() -> (articles: [Article], bytes: Int)? {
        lock.lock()
        defer { lock.unlock() }
        guard first < waiting.count else { return nil }
        let portion = waiting[first]
        waiting[first] = ([], 0)
        first += 1
        waitingText -= portion.bytes
        return portion
    }

    /// The last portions waiting, about half their text, when at least `minimum` bytes wait.
    func takeTail(minimum: Int) -> [(articles: [Article], bytes: Int)]? {
        lock.lock()
        defer { lock.unlock() }
        guard waitingText >= minimum else { return nil }
        var cut = waiting.count, text = 0
        while cut > first + 1 && 2 * (text + waiting[cut - 1].bytes) <= waitingText {
            cut -= 1
            text += waiting[cut].bytes
        }
        guard cut < waiting.count else { return nil }
        let tail = Array(waiting[cut...])
        waiting.removeSubrange(cut...)
        waitingText -= text
        return tail
    }

    init(index: Int, name: String, builder: SegmentBuilder) {
        self.index = index
        self.name = name
        self.builder = builder
    }
}
