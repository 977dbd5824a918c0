/// Lines of a page that are not article text although they sit inside the article: pointers to
/// other stories ("Read more", "Lesen Sie auch", "Lire aussi"), photo credits, and lines that
/// are only a date.
enum BlockPhrases {
    /// Whether `text` starts like a pointer to other stories or a credit line.
    static func isJunk(_ text: String) -> Bool {
        let lower = text.lowercased()
        if junkStarts.contains(where: { lower.hasPrefix($0) }) { return true }
        if lower.hasPrefix("©") || lower.hasPrefix("(c) ") { return true }
        // "Foto: …", "Photo : …", "Credits: …".
        let head = lower.prefix { $0.isLetter || $0 == " " }.trimmingCharacters(in: " ")
        if creditWords.contains(head), lower.dropFirst(head.count).drop(while: { $0 == " " }).first == ":" { return true }
        return false
    }

    static let junkStarts = [
        "lea también", "lea más", "lee también", "lee más", "leia também", "leia mais", "read more", "read also",
        "see also", "related:", "related articles:", "related stories:", "more on this", "more from", "mehr zum thema",
        "mehr dazu", "mehr aus", "auch interessant", "lesen sie auch", "lesen sie mehr", "das könnte sie auch interessieren",
        "weitere artikel", "weitere beiträge", "weitere informationen zum thema", "lire aussi", "à lire aussi",
        "voir aussi", "a lire également", "le puede interesar", "también te puede interesar", "te puede interesar",
        "leggi anche", "czytaj też", "czytaj także", "czytaj również", "zobacz też", "zobacz także",
    ]

    static let creditWords: Set<String> = ["foto", "fotos", "photo", "photos", "bild", "bilder", "image", "credit",
                                           "credits", "crédit", "crédits", "crédit photo", "crédits photos",
                                           "quelle", "source", "titelbild"]

    /// Whether `text` is only a date (and perhaps a time), with perhaps a "Published" before it.
    static func isDateLine(_ text: String) -> Bool {
        let tokens = text.lowercased().split { !($0.isLetter || $0.isNumber) }
        var numbers = 0, months = 0
        for t in tokens {
            if t.allSatisfy(\.isNumber) {
                guard t.count <= 4 else { return false }
                numbers += 1
            } else if isMonth(t) {
                months += 1
            } else if !dateWords.contains(String(t)) {
                return false
            }
        }
        return numbers >= 1 && numbers + months >= 2 && numbers <= 6
    }

    /// Whether `t` names a month (English, German, French or Spanish), in full or abbreviated.
    static func isMonth<S: StringProtocol>(_ t: S) -> Bool {
        guard t.count >= 3 else { return false }
        return monthNames.contains { $0.hasPrefix(t) || (t.hasPrefix($0) && t.count <= $0.count + 4) }
    }

    static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december", "januar", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember", "janvier", "février",
        "mars", "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "enero", "febrero",
        "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ]

    static let dateWords: Set<String> = ["posted", "published", "updated", "veröffentlicht", "aktualisiert", "stand",
                                         "publié", "publicado", "on", "am", "le", "el", "um", "uhr", "h", "pm",
                                         "st", "nd", "rd", "th", "de", "del"]
}

extension StringProtocol {
    /// The text without leading and trailing characters of `set`.
    func trimmingCharacters(in set: String) -> String {
        let s = drop { set.contains($0) }
        return String(s.reversed().drop { set.contains($0) }.reversed())
    }
}
