import NewsIndexAnalysis
import NewsIndexQuery
/// How often an entity occurs in a set of documents (a facet of a search, or of the whole index).
public struct EntityCount: Sendable, Equatable {
    /// The canonical name ("Vladimir Putin").
    public var name: String
    /// The short name to show ("Putin").
    public var displayName: String
    /// person, organization, place, media, …
    public var type: String
    /// Documents that mention the entity.
    public var documents: Int
    /// Mentions over those documents (title and body).
    public var mentions: Int
}

extension IndexReader {
    /// The entity a name stands for in this index's entity list (canonical name or alias,
    /// case-insensitive), or nil.
    public func entity(named name: String) -> Entity? { gazetteer.resolve(name) }

    /// Every entity this index recognizes, in the order of its entity list.
    public var knownEntities: [Entity] { gazetteer.entities }

    /// Entity counts over the documents matching `query`, or over the whole index when it is nil;
    /// most documents first (then most mentions, then name).
    ///
    /// ```swift
    /// let facets = try index.entityCounts(matching: Query.parse("cooperation"))
    /// // [EntityCount(name: "Vladimir Putin", displayName: "Putin", documents: 5, mentions: 31), …]
    /// ```
    /// - Throws: `NewsIndexError.Kind.badQuery` as ``search(_:options:)`` does.
    public func entityCounts(matching query: Query? = nil, options: SearchOptions = SearchOptions()) throws -> [EntityCount] {
        let plan = try query.map { try self.plan($0, options: options) }
        var facets = FacetCollector()
        for seg in segments {
            if let plan {
                try evaluate(plan, in: seg, into: &facets)
            } else {
                try facets.countAll(in: seg)
            }
        }
        return entityCounts(from: facets.totals)
    }

    /// Calls `body` with each document of `seg` that `plan` matches, in order (segment-local numbers).
    func forEachMatch(_ plan: Plan, in seg: SegmentReader, _ body: (Int32) throws -> Void) throws {
        guard let scorer = try scorer(plan, in: seg) else { return }
        var d = try scorer.advance()
        while d != PostingsCursor.noMoreDocs {
            if seg.isDeleted(d) {
                d = try scorer.advance()
                continue
            }
            try body(d)
            d = try scorer.advance()
        }
    }

    func entityCounts(from totals: [String: (documents: Int, mentions: Int)]) -> [EntityCount] {
        var byTerm: [String: Entity] = [:]
        for e in gazetteer.entities { byTerm[e.term] = e }
        return totals.compactMap { term, n -> EntityCount? in
            guard n.documents > 0, let e = byTerm[term] else { return nil }
            return EntityCount(name: e.name, displayName: e.displayName, type: e.type, documents: n.documents, mentions: n.mentions)
        }.sorted {
            ($0.documents, $0.mentions) != ($1.documents, $1.mentions)
                ? ($0.documents, $0.mentions) > ($1.documents, $1.mentions) : $0.name < $1.name
        }
    }

    /// Adds one segment's entity documents and mentions (only documents set in `matches`, when given).
    static func countEntities(in seg: SegmentReader, matches: [UInt64]?, deadline: Deadline = Deadline(nil), into totals: inout [String: (documents: Int, mentions: Int)]) throws {
        for (term, cs) in try seg.entityCursors() {
            try deadline.check()
            var docs = 0, mentions = 0
            for c in cs { _ = try c.advance() }
            while true {
                let d = cs.reduce(PostingsCursor.noMoreDocs) { min($0, $1.doc) }
                if d == PostingsCursor.noMoreDocs { break }
                let wanted = matches.map { $0[Int(d) >> 6] & (1 << UInt64(d & 63)) != 0 } ?? !seg.isDeleted(d)
                if wanted { docs += 1 }
                for c in cs where c.doc == d {
                    if wanted { mentions += Int(c.freq) }
                    _ = try c.advance()
                }
            }
            totals[term, default: (0, 0)].documents += docs
            totals[term, default: (0, 0)].mentions += mentions
        }
    }
}

/// A frequent name in the text that the entity list does not know yet.
public struct DiscoveredName: Sendable, Equatable {
    /// The name as written ("Kari Lake").
    public var name: String
    /// Documents that contain it.
    public var documents: Int
    /// Times it occurs.
    public var mentions: Int
}

extension IndexReader {
    /// Names in the searchable text (runs of up to four capitalized words, not counting the first
    /// word of a sentence) that are not mentions of a known entity, most documents first; only
    /// names seen at least `minimumMentions` times. Reads every matching document, so it is meant
    /// for occasional use, to grow an entities file.
    public func discoverNames(matching query: Query? = nil, minimumMentions: Int = 2, limit: Int = 50) throws -> [DiscoveredName] {
        let (found, lowercaseWords) = try nameCandidates(in: try documents(matching: query))
        // A single word that also occurs in lower case (Government) or reads as a nationality
        // (Australian, Palestinians, Japanese) is not a name.
        func plausible(_ name: [String]) -> Bool {
            if name.allSatisfy({ NameWords.notNames.contains($0.lowercased()) }) { return false }
            guard name.count == 1, let w = name.first?.lowercased() else { return true }
            if lowercaseWords.contains(w) { return false }
            return !["ian", "ians", "ese", "ans"].contains { w.hasSuffix($0) }
        }
        let occurrences = found.compactMap { o -> (name: [String], doc: Int, opensSentence: Bool)? in
            // A connector never ends a name.
            var name = o.name
            while let last = name.last, NameWords.connectors.contains(last) { name.removeLast() }
            return name.isEmpty ? nil : (name, o.doc, o.opensSentence)
        }
        let inside = Set(occurrences.filter { !$0.opensSentence }.map { $0.name.joined(separator: " ") })
        var counts: [String: (documents: Int, mentions: Int)] = [:]
        var seen = Set<String>()
        for o in occurrences {
            var name = o.name.joined(separator: " ")
            var words = o.name
            if o.opensSentence && !inside.contains(name) {
                guard o.name.count > 1 else { continue }
                words = Array(o.name.dropFirst())
                name = words.joined(separator: " ")
            }
            guard plausible(words) else { continue }
            counts[name, default: (0, 0)].mentions += 1
            if seen.insert("\(o.doc)\u{0}\(name)").inserted { counts[name, default: (0, 0)].documents += 1 }
        }
        return counts.filter { $0.value.mentions >= minimumMentions }
            .map { DiscoveredName(name: $0.key, documents: $0.value.documents, mentions: $0.value.mentions) }
            .sorted { ($0.documents, $0.mentions) != ($1.documents, $1.mentions) ? ($0.documents, $0.mentions) > ($1.documents, $1.mentions) : $0.name < $1.name }
            .prefix(limit).map { $0 }
    }

    /// The live documents `query` matches (all live documents without one), by number.
    private func documents(matching query: Query?) throws -> [Int] {
        var docs: [Int] = []
        if let query {
            let plan = try self.plan(query, options: SearchOptions())
            for seg in segments {
                try forEachMatch(plan, in: seg) { docs.append(seg.docBase + Int($0)) }
            }
        } else {
            for seg in segments {
                for d in 0..<seg.docCount where !seg.isDeleted(Int32(d)) { docs.append(seg.docBase + d) }
            }
        }
        return docs
    }

    /// Name candidates in `docs`: (words, document, whether the run opens a sentence), and every
    /// word seen in lower case. A run that opens a sentence may start with an ordinary word
    /// ("Later Marta Kowalczyk"): it counts whole only if the whole run also occurs inside a
    /// sentence somewhere, else without its first word.
    private func nameCandidates(in docs: [Int]) throws -> (occurrences: [(name: [String], doc: Int, opensSentence: Bool)], lowercaseWords: Set<String>) {
        var occurrences: [(name: [String], doc: Int, opensSentence: Bool)] = []
        var lowercaseWords = Set<String>()
        for doc in docs {
            let a = try storedArticle(doc)
            for text in [a.title, a.body] {
                let tokens = analyzer.tokens(text)
                let bytes = Array(text.utf8)
                let mentions = recognizer.recognize([(text, tokens)])[0]
                var covered = Set<Int>()
                for m in mentions { for k in m.start..<(m.start + m.count) { covered.insert(k) } }
                var run: [String] = []
                var opens = false
                func flush() {
                    defer { run.removeAll() }
                    guard !run.isEmpty, run.count <= 4 else { return }
                    occurrences.append((run, doc, opens))
                }
                func isCapitalized(_ k: Int) -> Bool {
                    k < tokens.count && Recognizer.surface(text, tokens[k].byteRange).first.map { $0.isUppercase } == true
                }
                for (k, t) in tokens.enumerated() {
                    let word = Recognizer.surface(text, t.byteRange)
                    let capitalized = word.first.map { $0.isUppercase } ?? false
                    let consecutive = k > 0 && tokens[k - 1].position + 1 == t.position && !run.isEmpty
                    if !capitalized && !run.isEmpty && NameWords.connectors.contains(word) && isCapitalized(k + 1) && consecutive {
                        run.append(word)
                        continue
                    }
                    if !capitalized { lowercaseWords.insert(word) }
                    if !capitalized || covered.contains(k) || NameWords.skip.contains(t.term) { flush(); continue }
                    if !consecutive { flush() }
                    if run.isEmpty { opens = IndexReader.startsSentence(bytes, t.byteRange.lowerBound) }
                    run.append(word)
                }
                flush()
            }
        }
        return (occurrences, lowercaseWords)
    }

    /// Whether the word at byte `offset` begins a sentence (text start, a new line, or after . ! ? and quotes).
    static func startsSentence(_ utf8: [UInt8], _ offset: Int) -> Bool {
        var k = offset - 1
        while k >= 0 && (utf8[k] == 0x20 || utf8[k] == 0x09) { k -= 1 }
        if k < 0 || utf8[k] == 0x0A { return true }
        // Skip opening quotes (straight, or the last byte of “ ‘).
        while k >= 0 && (utf8[k] == 0x22 || utf8[k] == 0x27 || utf8[k] == 0x9C || utf8[k] == 0x98) {
            if utf8[k] == 0x9C || utf8[k] == 0x98 { k -= 3 } else { k -= 1 }
            while k >= 0 && utf8[k] == 0x20 { k -= 1 }
        }
        if k < 0 || utf8[k] == 0x0A { return true }
        return utf8[k] == UInt8(ascii: ".") || utf8[k] == UInt8(ascii: "!") || utf8[k] == UInt8(ascii: "?") || utf8[k] == UInt8(ascii: ":")
    }
}

/// The word lists of ``IndexReader/discoverNames(matching:minimumMentions:limit:)``.
private enum NameWords {
    static let skip: Set<String> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                             "january", "february", "march", "april", "may", "june", "july", "august",
                             "september", "october", "november", "december", "i", "the", "a", "an", "in", "on",
                             "he", "she", "it", "we", "they", "but", "and", "mr", "mrs", "ms", "dr", "im", "ive", "ill", "id",
                             // Titles, which stand before names but are not part of them.
                             "president", "prime", "minister", "premier",
                             "chancellor", "king", "queen", "prince", "general", "secretary", "senator", "governor",
                             "councillor", "councilor", "mayor", "judge", "officer", "chief", "spokesman", "spokeswoman",
                             "spokesperson", "ambassador", "commander", "professor", "doctor"]
    // Capitalized words that are not names on their own: nationalities and directions.
    static let notNames: Set<String> = ["chinese", "russian", "american", "european", "british", "french", "german",
                                 "japanese", "korean", "israeli", "arab", "soviet", "western", "eastern", "northern",
                                 "southern", "west", "east", "north", "south", "muslim", "jewish", "communist",
                                 "afghan", "islamic", "catholic", "christian", "arabic", "thai", "swiss", "dutch",
                                 "greek", "turkish", "polish", "irish", "scottish", "welsh", "english", "spanish"]
    // Lower-case words that join the parts of a name: "Osama bin Laden", "Bank of England".
    static let connectors: Set<String> = ["bin", "al", "de", "da", "di", "van", "von", "der", "la", "le", "of", "du", "dos"]
}
