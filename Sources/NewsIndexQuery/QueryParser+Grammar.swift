/// The grammar above a single part: OR, AND, NOT and signs, NEAR, parentheses and fields.
extension QueryParser {
    // MARK: - Grammar

    private func startsPart(_ k: Int) -> Bool {
        k < scalars.count && !isSpecial(k, ")") && keyword(at: k).map { $0 == "NOT" } ?? true
    }

    mutating func parseQuery() throws -> Query.Node {
        skipSpace()
        if atEnd {
            throw Failure(what: "the query is empty", at: scalars.count, hint: "Give at least one word or \"quoted phrase\".")
        }
        if let k = danglingEscape, !literal.contains(k) {
            throw Failure(what: "a \\ at the end escapes nothing", at: k, hint: "Remove it, or write \\\\ to search for a backslash.")
        }
        let node = try parseOr(field: nil)
        skipSpace()
        if !atEnd {
            if isSpecial(i, ")") {
                throw Failure(what: "this parenthesis closes nothing", at: i, hint: "Remove it or add the matching \"(\" before it.")
            }
            throw Failure(what: "unexpected text here", at: i, hint: "Check the operators and parentheses around it.")
        }
        return node
    }

    private mutating func parseOr(field: Query.Field?) throws -> Query.Node {
        skipSpace()
        if let k = keyword(at: i), k == "OR" || k == "AND" {
            throw Failure(what: "\(k) needs a part before it", at: i, hint: "Put a word or phrase before \(k), or remove it.")
        }
        // A branch that only excludes (`putin OR -kremlin`) excludes from the whole OR, as
        // Lucene's must-not clause beside should clauses: `putin -kremlin`.
        var branches: [Query.Node] = [], excluded: [Query.Node] = []
        var excludingAt: Int?
        func add(_ branch: (node: Query.Node, onlyExcludes: Bool, at: Int)) {
            guard branch.onlyExcludes else { branches.append(branch.node); return }
            if case .and(let parts) = branch.node { excluded += parts } else { excluded.append(branch.node) }
            excludingAt = excludingAt ?? branch.at
        }
        add(try parseAndBranch(field: field))
        while true {
            skipSpace()
            guard keyword(at: i) == "OR" else { break }
            let at = i
            i = keywordEnd(from: i)
            skipSpace()
            if !startsPart(i) {
                throw Failure(what: "OR needs a part after it", at: at, hint: "Put a word or phrase after OR, or remove it.",
                              recover: keyword(at: i) != nil ? i : at)
            }
            add(try parseAndBranch(field: field))
        }
        if let at = excludingAt, branches.isEmpty {
            throw Failure(what: "this group only excludes, so there is nothing to exclude from",
                          at: at, hint: "Add a word or phrase to search for, e.g. taiwan -samarkand.")
        }
        if excluded.isEmpty { return branches.count == 1 ? branches[0] : .or(branches) }
        if branches.count == 1, case .and(let parts) = branches[0] { return .and(parts + excluded) }
        return .and([branches.count == 1 ? branches[0] : .or(branches)] + excluded)
    }

    /// One branch of an OR, which may only exclude (``parseOr(field:)`` checks the whole OR).
    private mutating func parseAndBranch(field: Query.Field?) throws -> (node: Query.Node, onlyExcludes: Bool, at: Int) {
        var items: [Query.Node] = []
        skipSpace()
        let groupStart = i
        var firstPositive = false
        while true {
            skipSpace()
            if atEnd || isSpecial(i, ")") { break }
            if let k = keyword(at: i) {
                if k == "OR" { break }
                if k == "AND" {
                    let at = i
                    i = keywordEnd(from: i)
                    skipSpace()
                    if items.isEmpty {
                        throw Failure(what: "AND needs a part before it", at: at, hint: "Put a word or phrase before AND, or remove it.")
                    }
                    if !startsPart(i) {
                        throw Failure(what: "AND needs a part after it", at: at, hint: "Put a word or phrase after AND, or remove it.",
                                      recover: keyword(at: i) != nil ? i : at)
                    }
                    continue
                }
                if k.hasPrefix("NEAR") {
                    throw Failure(what: "\(k) needs a word or phrase before it", at: i, hint: "Write it between two words or phrases: putin NEAR/3 xi.")
                }
            }
            let item = try parseUnary(field: field)
            if case .not = item {} else { firstPositive = true }
            items.append(item)
        }
        if items.isEmpty {
            throw Failure(what: "a part is missing here", at: min(groupStart, scalars.count), hint: "Put a word or phrase here.")
        }
        return (items.count == 1 ? items[0] : .and(items), !firstPositive, groupStart)
    }

    private mutating func parseUnary(field: Query.Field?) throws -> Query.Node {
        skipSpace()
        if keyword(at: i) == "NOT" {
            let at = i
            try enter(at)
            defer { depth -= 1 }
            i = keywordEnd(from: i)
            skipSpace()
            if !startsPart(i) {
                throw Failure(what: "NOT needs a part after it", at: at, hint: "Put the word or phrase to exclude after NOT.")
            }
            let inner = try parseUnary(field: field)
            if case .not(let n) = inner { return n }
            return .not(inner)
        }
        if (isSpecial(i, "-") || isSpecial(i, "+") || isSpecial(i, "!")) {
            let sign = scalars[i]
            let at = i
            if i + 1 >= scalars.count || isSpace(i + 1) || isSpecial(i + 1, ")") || isOperatorPair(i + 1) {
                throw Failure(what: "\"\(sign)\" must stand right before a word or phrase", at: at,
                              hint: sign == "+" ? "Write +word to require a word." : "Write \(sign)word to exclude a word.")
            }
            i += 1
            let inner = try parseNear(field: field)
            if sign == "+" { return inner }
            if case .not(let n) = inner { return n }
            return .not(inner)
        }
        return try parseNear(field: field)
    }

    mutating func enter(_ at: Int) throws {
        depth += 1
        if depth > QueryParser.maxDepth {
            throw Failure(what: "the query nests parentheses or NOTs more than \(QueryParser.maxDepth) deep", at: at,
                          hint: "Simplify the query.")
        }
    }

    package static func field(of n: Query.Node) -> Query.Field? {
        switch n {
        case .term(_, let f), .prefix(_, let f), .phrase(_, let f, _), .fuzzy(_, let f, _): return f
        case .termRange(let f, _, _, _, _): return f
        case .boost(let n, _): return field(of: n)
        case .near(let a, let b, _): return field(of: a) ?? field(of: b)
        default: return nil
        }
    }

    private static func isPositional(_ n: Query.Node) -> Bool {
        switch n {
        case .term, .prefix, .near: return true
        case .phrase(_, _, let slop): return slop == 0
        default: return false
        }
    }

    private mutating func parseNear(field: Query.Field?) throws -> Query.Node {
        let leftAt = i
        var left = try parsePrimary(field: field)
        let depthBefore = depth
        defer { depth = depthBefore }
        while true {
            let save = i
            skipSpace()
            guard let k = keyword(at: i), k.hasPrefix("NEAR") else { i = save; break }
            let at = i
            var distance = 10
            if k != "NEAR" {
                guard let n = Int(k.dropFirst(5)), n >= 1, n <= 10_000 else {
                    throw Failure(what: "\(k) needs a distance from 1 to 10000", at: at, hint: "Write NEAR/N with a number, e.g. putin NEAR/3 xi.")
                }
                distance = n
            }
            guard QueryParser.isPositional(left) else {
                throw Failure(what: "\(k) joins words and exact phrases only", at: leftAt, hint: "Put a word, \"exact phrase\" or prefix* on both sides.", recover: at)
            }
            try enter(at)
            i += k.unicodeScalars.count
            skipSpace()
            if !startsPart(i) || keyword(at: i) != nil {
                throw Failure(what: "\(k) needs a word or phrase after it", at: at, hint: "Write it between two words or phrases: putin NEAR/3 xi.")
            }
            if isSpecial(i, "-") || isSpecial(i, "+") {
                throw Failure(what: "\(k) cannot take an excluded or required part", at: i,
                              hint: "Exclude outside the NEAR group: putin NEAR/3 xi -taiwan.")
            }
            let rightAt = i
            let right = try parsePrimary(field: field)
            guard QueryParser.isPositional(right) else {
                throw Failure(what: "\(k) joins words and exact phrases only", at: rightAt, hint: "Put a word, \"exact phrase\" or prefix* on both sides.", recover: at)
            }
            if let a = QueryParser.field(of: left), let b = QueryParser.field(of: right), a != b {
                throw Failure(what: "\(k) joins parts of one field, not \(a.rawValue): and \(b.rawValue):", at: rightAt,
                              hint: "Search both in one field: title:(putin NEAR/3 xi).", recover: at)
            }
            left = .near(left, right, distance: distance)
        }
        return left
    }

    private mutating func parsePrimary(field: Query.Field?) throws -> Query.Node {
        let atom = try parseAtom(field: field)
        return try parseBoost(atom)
    }

    private mutating func parseAtom(field: Query.Field?) throws -> Query.Node {
        skipSpace()
        if isSpecial(i, "^") {
            // `kremlin ^2` would boost nothing: Lucene's boost is part of its word.
            throw Failure(what: i > 0 && isSpace(i - 1) ? "a boost must follow its word with no space" : "a boost needs a word, phrase or group right before it",
                          at: i, hint: "Write kremlin^2, \"xi jinping\"^3 or (a OR b)^2, with no space before the ^.")
        }
        if isSpecial(i, "(") {
            let open = i
            try enter(open)
            defer { depth -= 1 }
            i += 1
            skipSpace()
            if isSpecial(i, ")") {
                throw Failure(what: "the parentheses are empty", at: open, hint: "Put words between them or remove them.")
            }
            if atEnd {
                throw Failure(what: "the parenthesis opened here is never closed", at: open, hint: "Add a \")\" or remove the \"(\".")
            }
            let inner = try parseOr(field: field)
            skipSpace()
            guard isSpecial(i, ")") else {
                throw Failure(what: "the parenthesis opened here is never closed", at: open, hint: "Add a \")\" or remove the \"(\".")
            }
            i += 1
            return inner
        }
        if isSpecialQuote(i) { return try parsePhrase(field: field) }
        if isSpecial(i, ")") {
            throw Failure(what: "this parenthesis closes nothing", at: i, hint: "Remove it or add the matching \"(\" before it.")
        }
        // A field?
        var j = i
        while j < scalars.count && (scalars[j].properties.isAlphabetic) && scalars[j].isASCII { j += 1 }
        if j > i && isSpecial(j, ":") {
            let name = string(i..<j)
            let at = i
            if name.lowercased() == "similar" {
                if field != nil {
                    throw Failure(what: "similar: cannot stand inside a field", at: at, hint: "Move similar:ID out of the field's parentheses.", recover: j)
                }
                i = j + 1
                return try parseSimilar(at: at, colon: j)
            }
            if name.lowercased() == "date" {
                if field != nil {
                    throw Failure(what: "date: cannot stand inside another field", at: at, hint: "Move the date filter out of the field's parentheses.", recover: j)
                }
                i = j + 1
                if isSpecial(i, "[") || isSpecial(i, "{") { return try parseDateRange(fieldAt: at, colon: j) }
                return try parseDate(fieldAt: at, colon: j)
            }
            guard let f = Query.Field(rawValue: name.lowercased()) else {
                let known = (Query.Field.allCases.map(\.rawValue) + ["date", "similar"]).joined(separator: ", ")
                throw Failure(what: "there is no field \"\(name)\"", at: at, hint: "The fields are \(known). To search for the text itself, put it in quotes.", recover: j)
            }
            if let outer = field, outer != f {
                throw Failure(what: "\(name): cannot stand inside \(outer.rawValue):(…)", at: at, hint: "Use one field per group.", recover: j)
            }
            i = j + 1
            if atEnd || isSpace(i) || isSpecial(i, ")") || isOperatorPair(i) {
                throw Failure(what: "\(name): needs a value right after the colon", at: at, hint: "Write \(name):word, \(name):\"a phrase\" or \(name):(a OR b).", recover: j)
            }
            if isSpecial(i, "-") || isSpecial(i, "+") || isSpecial(i, "!") {
                throw Failure(what: "put \(scalars[i]) before the field, not after the colon", at: i,
                              hint: "Write \(scalars[i])\(name):word.", recover: j)
            }
            if isSpecial(i, "[") || isSpecial(i, "{") { return try parseTermRange(f, fieldAt: at, colon: j) }
            return try parsePrimary(field: f)
        }
        if isSpecial(i, ":") {
            // "title :kremlin", ":kremlin": a colon with no field name right before it.
            throw Failure(what: "a colon needs a field name right before it", at: i,
                          hint: "Write title:kremlin, with no space before the colon; to search for a colon, escape it (\\:) or quote it.")
        }
        return try parseWord(field: field)
    }
}
