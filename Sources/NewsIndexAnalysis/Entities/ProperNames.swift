extension Analyzer {
    /// ``news`` plus Snowball English (Porter2) stemming; names of the built-in entity list are
    /// not stemmed (the entity list hands them over, see ``ProperNames``).
    public static let english = Analyzer(kind: .english, protectedTerms: ProperNames.terms)

    /// Looks up an analyzer by its name; nil if there is none of that name.
    public init?(named name: String) {
        switch Kind(rawValue: name) {
        case .news: self = .news
        case .english: self = .english
        case .simple: self = .simple
        case nil: return nil
        }
    }

    /// The names ``init(named:)`` accepts.
    public static var availableNames: [String] { Kind.allCases.map(\.rawValue) }
}

/// Terms the `english` analyzer does not stem: the proper names in the entity list.
///
/// Stemming is for common words; applied to names it merges what must stay apart and breaks
/// what must stay whole (*Jinping* → *jinp*, *Paris* → *pari*, *Reuters* → *reuter*). Every word of
/// every alias of the built-in entity list (``Gazetteer/builtin``) is protected, except the common words aliases are built from
/// (titles such as *President*, and words such as *United*, *Nations* or *Television*), which stem
/// as usual so that *nation* and *nations* still meet. Protection does not depend on case, so the
/// query `paris` and the text `Paris` meet on the same term.
package enum ProperNames {
    /// Common words that occur in aliases but are not names themselves.
    package static let commonWords: Set<String> = [
        "president", "premier", "prime", "minister", "mr", "mrs", "ms", "dr", "pope", "king", "queen",
        "prince", "general", "secretary", "chancellor",
        "the", "of", "and", "for", "da", "de", "der", "von", "bin", "al",
        "united", "nations", "states", "america", "kingdom", "republic", "people's", "peoples", "federation",
        "north", "south", "east", "west", "central", "new", "sea", "world", "international", "global",
        "organization", "organisation", "association", "union", "party", "communist", "group", "seven", "twenty",
        "treaty", "atlantic", "european", "african", "chinese", "russian", "southeast", "asian",
        "health", "trade", "monetary", "fund", "bank", "petroleum", "exporting", "countries", "cooperation",
        "news", "agency", "television", "network", "times", "press", "associated", "broadcasting", "corporation",
        "british", "australian",
    ]

    /// The protected terms, as the `news` analyzer writes them.
    package static let terms: Set<String> = {
        var out = Set<String>()
        for e in Gazetteer.builtin.entities {
            for alias in e.aliases + e.ambiguousAliases + [e.name] {
                for token in Analyzer.news.tokens(alias) where !commonWords.contains(token.term) {
                    out.insert(token.term)
                }
            }
        }
        return out
    }()
}
