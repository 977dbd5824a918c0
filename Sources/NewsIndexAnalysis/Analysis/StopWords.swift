/// English function words: what carries no topic, left out where words are picked by weight
/// (similar articles, significant words) rather than searched.
package enum StopWords {
    /// The words, lower-case, as the `news` analyzer writes them (and their English stems).
    package static let english: Set<String> = Set("""
    a about above after again against all also am an and any are as at be because been before being below \
    between both but by can could did do does doing down during each few for from further had has have \
    having he her here hers herself him himself his how i if in into is it its itself just me more most \
    my myself no nor not now of off on once only or other our ours ourselves out over own said same she \
    should so some such than that the their theirs them themselves then there these they this those \
    through to too under until up very was we were what when where which while who whom why will with \
    would you your yours yourself yourselves says say told one two three new also like may might must \
    wa ha thi hi becaus whi onli veri abov befor dure ani themselv ourselv yourselv
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
}
