#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import NewsIndex

/// Finds the articles of web pages on every core while the input is read, and hands the
/// documents back in input order: the run sees the same sequence of articles and reports as
/// when each page is extracted where it is read, only sooner.
///
/// Documents wait in a first-in, first-out window of at most ``capacity``; when it is full, the
/// reader waits for the oldest. A document that needs no extraction (a JSON line, a bad
/// document) joins the window done, so that it keeps its place behind the pages before it.
/// Memory is bounded by the window: ``capacity`` documents, each within the reader's limit.
struct OrderedExtraction {
    /// Where a document was read: its place, the input bytes it took, its file's number in the
    /// run, and the run's bytes read up to it (for progress).
    struct Place {
        var location: DocumentLocation
        var inputBytes: Int
        var fileNumber: Int
        var bytesRead: Int
    }

    /// What ``add(_:at:deliver:)`` hands back, in input order.
    typealias Deliver = (Result<Article, BadDocument>, Place) throws -> Void

    /// One document in the window.
    private final class Slot: @unchecked Sendable {  // `result` is written once, before `ready` is signalled, and read only after waiting on it.
        var result: Result<Article, BadDocument>?
        let ready = DispatchSemaphore(value: 0)
        let place: Place

        init(_ place: Place) { self.place = place }
    }

    /// The most documents waiting at once.
    let capacity: Int
    private let workers = DispatchQueue(label: "newsindex.page-extraction", attributes: .concurrent)
    /// Lets `threads` extractions run at once.
    private let running: DispatchSemaphore
    private var window: [Slot] = []
    private var head = 0

    /// A window for `threads` extraction threads (the cores, by default).
    init(threads: Int = OrderedExtraction.cores) {
        capacity = 4 * max(1, threads)
        running = DispatchSemaphore(value: max(1, threads))
    }

    /// The number of cores online.
    public static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Whether no document is waiting.
    var isEmpty: Bool { head == window.count }

    /// Adds `document` at the end of the window, starting its extraction on a worker when it is
    /// a page, and hands `deliver` what is done at the front; while the window is full, it
    /// first waits for the oldest. A finished document with nothing before it goes straight through.
    mutating func add(_ document: ReadDocument, at place: Place, deliver: Deliver) throws {
        if case .notArticle = document { return }   // counted by the run, nothing to deliver
        if case .article(let result) = document, isEmpty {
            try deliver(result.map(ArticleInputs.withSource), place)
            return
        }
        while window.count - head >= capacity { try deliverOldest(deliver) }
        let slot = Slot(place)
        switch document {
        case .article, .notArticle:
            slot.result = document.article()
            slot.ready.signal()
        case .page:
            workers.async { [running] in
                running.wait()
                slot.result = document.article()
                running.signal()
                slot.ready.signal()
            }
        }
        window.append(slot)
        while head < window.count, window[head].ready.wait(timeout: .now()) == .success {
            try take(deliver)
        }
    }

    /// Hands `deliver` every document still waiting, in order, waiting for each.
    mutating func drain(_ deliver: Deliver) throws {
        while !isEmpty { try deliverOldest(deliver) }
    }

    private mutating func deliverOldest(_ deliver: Deliver) throws {
        window[head].ready.wait()
        try take(deliver)
    }

    /// Hands over the front slot, whose `ready` has been waited on.
    private mutating func take(_ deliver: Deliver) throws {
        let slot = window[head]
        head += 1
        if head == window.count {
            window.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= window.count {
            window.removeFirst(head)
            head = 0
        }
        try deliver(slot.result!, slot.place)
    }
}
