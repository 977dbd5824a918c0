import NewsIndexCore
/// Context words shared by several entities: a line `@name | clues: …; …` of the entities file,
/// used by the entities whose context names it (`class: name`), such as every broadcaster.
public struct ContextClass: Sendable, Equatable {
    /// The class's name (`broadcaster`), without the `@`.
    public var name: String
    /// Words near an ambiguous alias that make it the entity (see ``Entity/clues``).
    public var clues: [String]
    /// Words up to three before it that make it the entity (see ``Entity/cluesBefore``).
    public var cluesBefore: [String]
    /// Words right after it that make it the entity (see ``Entity/cluesAfter``).
    public var cluesAfter: [String]
    /// Words right after it that rule it out (see ``Entity/notBefore``).
    public var notBefore: [String]
    /// Words up to three before it that rule it out (see ``Entity/notAfter``).
    public var notAfter: [String]

    /// The context column of the text form: `clues: …; clues-after: …`, empty kinds left out.
    var contextText: String {
        Gazetteer.contextText(clues: clues, cluesBefore: cluesBefore, cluesAfter: cluesAfter, notBefore: notBefore, notAfter: notAfter, classes: [])
    }
}

/// A named entity newsindex recognizes: a person, organization, place, media outlet…
public struct Entity: Sendable, Equatable {
    /// The canonical name ("Vladimir Putin"); unique in a gazetteer.
    public var name: String
    /// The kind of entity: person, organization, place, media, or any word an entities file uses.
    public var type: String
    /// The names it goes by in text, matched case-sensitively on whole words ("Putin", "President Putin").
    public var aliases: [String]
    /// Aliases that are also common words or abbreviations ("CCTV"): they count only in context.
    public var ambiguousAliases: [String]
    /// Words near an ambiguous alias, in the same sentence, that make it this entity ("broadcaster", "state").
    public var clues: [String]
    /// Words up to three before an ambiguous alias, in the same sentence, that make it this entity
    /// ("told" in "told CCTV", "according" in "according to CCTV").
    public var cluesBefore: [String]
    /// Words right after an ambiguous alias that make it this entity ("reported" in "CCTV reported").
    public var cluesAfter: [String]
    /// Words right after an ambiguous alias that rule it out ("footage" in "CCTV footage").
    public var notBefore: [String]
    /// Words up to three before an ambiguous alias that rule it out ("caught" in "caught on CCTV").
    public var notAfter: [String]
    /// The context classes (`@broadcaster` lines of the entities file) whose words this entity's
    /// ambiguous aliases use as well as its own.
    public var classes: [String]

    /// The short name to show: the first alias listed ("Putin", "CCTV").
    public var displayName: String

    /// The index term of the entity's mentions: a control byte no analyzer emits, then the
    /// lower-cased canonical name, so mentions can never collide with words.
    package var term: String { "\u{1}" + name.lowercased() }
}

/// The list of entities an index recognizes, in the text format of `entities.txt`:
///
/// ```
/// # A comment
/// Vladimir Putin | person | Putin; Vladimir Putin; President Putin
/// @broadcaster | clues: broadcaster channel; clues-before: told according; clues-after: aired
/// China Central Television | media | CCTV?; China Central Television | class: broadcaster; clues: state; clues-after: reported said; not-before: footage cameras; not-after: caught
/// - Boris Johnson
/// ```
///
/// One entity per line: canonical name, type, aliases separated by `;` (an alias ending in `?` is
/// ambiguous and counts only in context, see ``Recognizer``), and optionally the context words
/// for ambiguous aliases. A line `@name | context` defines a context class, whose words every
/// entity naming it (`class: name`) uses too; it must come before the entities that name it.
/// A line `- Name` removes an entity (useful in an overrides file). The canonical name always
/// counts as an alias.
package struct Gazetteer: Sendable {
    package var entities: [Entity]
    /// The context classes, in the order they were defined.
    package var classes: [ContextClass] = []

    package init(entities: [Entity], classes: [ContextClass] = []) {
        self.entities = entities
        self.classes = classes
    }

    /// The list that ships with newsindex (`Sources/NewsIndex/Entities/entities.txt`).
    package static let builtin: Gazetteer = {
        let text = String(decoding: PackageResources.entities_txt, as: UTF8.self)
        // The shipped file is checked by the tests; a broken one is a build error, not a user error.
        return try! Gazetteer.parse(text, source: "entities.txt")
    }()

    /// The text form, which ``parse(_:source:)`` reads back.
    package var text: String {
        classes.map { "@\($0.name) | \($0.contextText)\n" }.joined() + entities.map { e in
            // The display name goes first, so that it reads back as the display name.
            let all = e.aliases.map { ($0, false) } + e.ambiguousAliases.map { ($0, true) }
            let ordered = all.filter { $0.0 == e.displayName } + all.filter { $0.0 != e.displayName }
            var line = "\(e.name) | \(e.type) | " + ordered.map { $0.1 ? $0.0 + "?" : $0.0 }.joined(separator: "; ")
            let context = Gazetteer.contextText(clues: e.clues, cluesBefore: e.cluesBefore, cluesAfter: e.cluesAfter,
                                                notBefore: e.notBefore, notAfter: e.notAfter, classes: e.classes)
            if !context.isEmpty { line += " | " + context }
            return line
        }.joined(separator: "\n") + "\n"
    }

    /// The context column: `class: …; clues: …; clues-before: …; …`, empty kinds left out.
    static func contextText(clues: [String], cluesBefore: [String], cluesAfter: [String], notBefore: [String], notAfter: [String],
                            classes: [String]) -> String {
        var context: [String] = []
        for (key, words) in [("class", classes), ("clues", clues), ("clues-before", cluesBefore), ("clues-after", cluesAfter),
                             ("not-before", notBefore), ("not-after", notAfter)] where !words.isEmpty {
            context.append(key + ": " + words.joined(separator: " "))
        }
        return context.joined(separator: "; ")
    }

    /// Parses the text format; errors name `source` and the line.
    package static func parse(_ text: String, source: String) throws -> Gazetteer {
        var g = Gazetteer(entities: [])
        try g.apply(text, source: source)
        return g
    }

    /// Adds, replaces (same canonical name) and removes (`- Name`) entries from `text`.
    package mutating func apply(_ text: String, source: String) throws {
        func fail(_ line: Int, _ what: String) -> NewsIndexError {
            NewsIndexError(.badInput, "\(source):\(line): \(what). Each line is `Canonical Name | type | alias; alias; …` (see the README's entities section).")
        }
        // Position of each entity by lower-cased canonical name, so that a long file loads in linear time.
        var position: [String: Int] = [:]
        for (k, e) in entities.enumerated() { position[e.name.lowercased()] = k }
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmingASCIIWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("- ") {
                let name = String(line.dropFirst(2)).trimmingASCIIWhitespace()
                guard let k = position[name.lowercased()] else {
                    throw fail(n + 1, "there is no entity \"\(name)\" to remove")
                }
                entities.remove(at: k)
                position = [:]
                for (k, e) in entities.enumerated() { position[e.name.lowercased()] = k }
                continue
            }
            if line.hasPrefix("@") {
                let cols = line.dropFirst().split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingASCIIWhitespace() }
                guard cols.count == 2, !cols[0].isEmpty, !cols[0].contains(" ") else {
                    throw fail(n + 1, "a context class reads `@name | clues: words; …`, with a one-word name")
                }
                var c = ContextClass(name: cols[0].lowercased(), clues: [], cluesBefore: [], cluesAfter: [], notBefore: [], notAfter: [])
                var classes: [String] = []
                try Gazetteer.parseContext(cols[1], into: &c.clues, &c.cluesBefore, &c.cluesAfter, &c.notBefore, &c.notAfter, &classes) { fail(n + 1, $0) }
                guard classes.isEmpty else { throw fail(n + 1, "a context class cannot name other classes") }
                if let k = self.classes.firstIndex(where: { $0.name == c.name }) { self.classes[k] = c } else { self.classes.append(c) }
                continue
            }
            let cols = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingASCIIWhitespace() }
            guard cols.count == 3 || cols.count == 4 else { throw fail(n + 1, "expected 3 or 4 columns separated by |, found \(cols.count)") }
            guard !cols[0].isEmpty else { throw fail(n + 1, "the canonical name is empty") }
            guard !cols[1].isEmpty, !cols[1].contains(" ") else { throw fail(n + 1, "the type must be one word such as person, organization, place or media") }
            var e = Entity(name: cols[0], type: cols[1].lowercased(), aliases: [], ambiguousAliases: [], clues: [], cluesBefore: [],
                           cluesAfter: [], notBefore: [], notAfter: [], classes: [], displayName: cols[0])
            var seen = Set<String>()
            var first = true
            for a in cols[2].split(separator: ";").map({ String($0).trimmingASCIIWhitespace() }) where !a.isEmpty {
                if first {
                    e.displayName = a.hasSuffix("?") ? String(a.dropLast()).trimmingASCIIWhitespace() : a
                    first = false
                }
                if a.hasSuffix("?") {
                    let bare = String(a.dropLast()).trimmingASCIIWhitespace()
                    if !bare.isEmpty && seen.insert(bare).inserted { e.ambiguousAliases.append(bare) }
                } else if seen.insert(a).inserted {
                    e.aliases.append(a)
                }
            }
            if !seen.contains(e.name) { e.aliases.append(e.name) }
            if cols.count == 4 {
                try Gazetteer.parseContext(cols[3], into: &e.clues, &e.cluesBefore, &e.cluesAfter, &e.notBefore, &e.notAfter, &e.classes) { fail(n + 1, $0) }
                for c in e.classes where !classes.contains(where: { $0.name == c }) {
                    throw fail(n + 1, "there is no context class \"\(c)\" (define it first with a line `@\(c) | clues: …`)")
                }
            }
            let classClues = classes.filter { e.classes.contains($0.name) }.contains { !$0.clues.isEmpty || !$0.cluesBefore.isEmpty || !$0.cluesAfter.isEmpty }
            if !e.ambiguousAliases.isEmpty && e.clues.isEmpty && e.cluesBefore.isEmpty && e.cluesAfter.isEmpty && !classClues {
                throw fail(n + 1, "ambiguous aliases (ending in ?) need clues: words that show the entity is meant")
            }
            if let k = position[e.name.lowercased()] {
                entities[k] = e
            } else {
                position[e.name.lowercased()] = entities.count
                entities.append(e)
            }
        }
    }

    /// Reads a context column (`key: words; key: words`) into the word lists.
    private static func parseContext(_ column: String, into clues: inout [String], _ cluesBefore: inout [String], _ cluesAfter: inout [String],
                                     _ notBefore: inout [String], _ notAfter: inout [String], _ classes: inout [String],
                                     fail: (String) -> NewsIndexError) throws {
        for part in column.split(separator: ";") {
            let kv = part.split(separator: ":", maxSplits: 1).map { String($0).trimmingASCIIWhitespace() }
            guard kv.count == 2 else { throw fail("context \"\(part)\" should read key: words") }
            let words = kv[1].split(separator: " ").map { String($0).lowercased() }
            switch kv[0] {
            case "class": classes = words
            case "clues": clues = words
            case "clues-before": cluesBefore = words
            case "clues-after": cluesAfter = words
            case "not-before": notBefore = words
            case "not-after": notAfter = words
            default: throw fail("unknown context \"\(kv[0])\" (use class, clues, clues-before, clues-after, not-before, not-after)")
            }
        }
    }

    /// The entity a user means by `name`: canonical names and aliases, case-insensitive.
    package func resolve(_ name: String) -> Entity? {
        let n = name.trimmingASCIIWhitespace().lowercased()
        if let e = entities.first(where: { $0.name.lowercased() == n }) { return e }
        return entities.first { e in (e.aliases + e.ambiguousAliases).contains { $0.lowercased() == n } }
    }

    /// Up to `count` known names closest to `name` (edit distance over lower-cased names and aliases).
    package func closest(to name: String, count: Int = 5) -> [String] {
        let n = Array(name.lowercased())
        var scored: [(Int, String)] = []
        for e in entities {
            var best = Int.max
            for a in [e.name] + e.aliases + e.ambiguousAliases {
                let lower = a.lowercased()
                var d = Gazetteer.editDistance(n, Array(lower))
                if lower.hasPrefix(String(n)) || String(n).hasPrefix(lower) { d = min(d, 1) }
                best = min(best, d)
            }
            scored.append((best, e.name))
        }
        // Only names that are close: at most a third of the name's letters different (at least 2).
        let cutoff = max(2, n.count / 3)
        return scored.filter { $0.0 <= cutoff }.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.prefix(count).map(\.1)
    }

    package static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
