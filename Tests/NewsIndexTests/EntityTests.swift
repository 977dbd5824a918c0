import Foundation
import Testing
@testable import NewsIndex
import NewsIndexTestSupport

@Suite("Entities")
struct EntityTests {
    static let recognizer = Recognizer(gazetteer: .builtin, analyzer: .news)

    /// Canonical names of the entities recognized in `text`, in order.
    static func names(_ text: String, analyzer: Analyzer = .news) -> [String] {
        let r = analyzer == .news ? recognizer : Recognizer(gazetteer: .builtin, analyzer: analyzer)
        return r.recognize([(text, analyzer.tokens(text))])[0].map { r.gazetteer.entities[$0.entity].name }
    }

    @Test("the built-in list parses and covers the required entities")
    func builtin() throws {
        let g = Gazetteer.builtin
        #expect(g.entities.count >= 300)
        let putin = try #require(g.resolve("putin"))
        for a in ["Putin", "Vladimir Putin", "President Putin", "Vladimir Vladimirovich Putin"] { #expect(putin.aliases.contains(a)) }
        let xi = try #require(g.resolve("XI JINPING"))
        for a in ["Xi", "Xi Jinping", "President Xi", "Mr Xi"] { #expect(xi.aliases.contains(a)) }
        let cctv = try #require(g.resolve("cctv"))
        #expect(cctv.name == "China Central Television" && cctv.ambiguousAliases == ["CCTV"])
        for n in 1...13 { #expect(cctv.aliases.contains("CCTV-\(n)")) }
        // The text form reads back to the same list.
        let back = try Gazetteer.parse(g.text, source: "round-trip")
        #expect(back.entities == g.entities && back.classes == g.classes)
    }

    @Test("every alias form, case-sensitive, on whole words; possessives count", arguments: [
        ("Putin spoke first.", ["Vladimir Putin"]),
        ("Vladimir Putin spoke first.", ["Vladimir Putin"]),
        ("Then President Putin spoke.", ["Vladimir Putin"]),
        ("Vladimir Vladimirovich Putin spoke.", ["Vladimir Putin"]),
        ("Xi answered.", ["Xi Jinping"]),
        ("Xi Jinping answered.", ["Xi Jinping"]),
        ("Chinese President Xi Jinping answered.", ["Xi Jinping"]),
        ("Mr Xi answered.", ["Xi Jinping"]),
        ("Xi’s answer came late.", ["Xi Jinping"]),
        ("Xi's answer came late.", ["Xi Jinping"]),
        ("Tourists visit Xi'an every spring.", []),
        ("THE XI FILES and xi and Louis XI of France.", ["France"]),
        ("China Central Television aired it.", ["China Central Television"]),
        ("CCTV-13 aired the speech.", ["China Central Television"]),
        ("The East China Sea was calm.", ["East China Sea"]),
        ("Putin and Xi met in Samarkand.", ["Vladimir Putin", "Xi Jinping", "Samarkand"]),
    ])
    func aliasForms(_ text: String, _ expected: [String]) {
        #expect(EntityTests.names(text) == expected, "\(text)")
    }

    @Test("CCTV the broadcaster versus closed-circuit television", arguments: [
        ("State broadcaster CCTV showed the meeting.", true),
        ("CCTV reported that the talks went well.", true),
        ("The talks were shown live, CCTV said.", true),
        ("Police released CCTV footage of the robbery.", false),
        ("CCTV cameras were installed at the station.", false),
        ("The thief was caught on CCTV.", false),
        ("The shop owner checked the CCTV.", false),
        ("Police said CCTV showed the suspect entering the shop.", false),
        ("The council said CCTV would be installed in the car park next year.", false),
        ("Detectives in Beijing checked CCTV from nearby shops.", false),
        ("CCTV's coverage of the summit ran for three hours.", true),
        ("Chinese state media CCTV called it a crisis.", true),
        ("The hospital will spend a million pounds on closed-circuit television (CCTV) in its wards.", false),
        ("Closed circuit television (CCTV) is to be fitted in every taxi.", false),
        ("CCTV America, the US arm of the Chinese broadcaster, hired ten reporters.", true),
        ("A documentary on CCTV followed the engineers for a year.", true),
        ("Millions watched the CCTV gala on New Year's Eve.", true),
        ("Chinese CCTV showed the launch.", true),
        ("Chinese police checked CCTV near the station.", false),
    ])
    func cctv(_ text: String, isBroadcaster: Bool) {
        #expect(EntityTests.names(text).contains("China Central Television") == isBroadcaster, "\(text)")
    }

    @Test("a person's one-word name talked about as a word is no mention", arguments: [
        ("The character \"Xi\" appears in many place names.", false),
        ("In place names, “Xi”, however, comes from a different word.", false),
        ("The first syllable, ‘Xi’, is read with a falling tone.", false),
        ("The name Xi is common in Shaanxi.", false),
        ("People with the surname Putin are rare outside Russia.", false),
        ("Pilgrims came to a village called Xi near the river.", false),
        ("The river is called Xi by the locals.", false),
        ("A man named Xi ran the noodle shop.", false),
        ("In that dialect Xi means west.", false),
        ("Xi is a common surname in the north.", false),
        ("The word Putin is spelled differently in French.", false),
        // Still the person:
        ("Xi said the talks went well.", true),
        ("Trump called Xi on Tuesday.", true),
        ("He called Xi a friend.", true),
        ("Analysts asked what Xi means by common prosperity.", true),
        ("Xi means to stay in power.", true),
        ("“We will never give up,” Xi said.", true),
        ("The words Xi used were carefully chosen.", true),
        ("Putin's critics said “Putin” had lied.", true),
    ])
    func nameAsWord(_ text: String, isPerson: Bool) {
        let names = EntityTests.names(text)
        #expect((names.contains("Xi Jinping") || names.contains("Vladimir Putin")) == isPerson, "\(text)")
    }

    @Test("a name in a picture credit is the photographer's", arguments: [
        ("Crowds gathered on the square. Tan Xi / For China Daily", false),
        ("Crowds gathered on the square.\nPhoto: Tan Xi", false),
        ("Workers at the plant. Photo by Chen Xi", false),
        ("Picture: Wang Xi/Getty Images", false),
        ("Delegates leave the hall (Reuters/Li Xi)", false),
        ("Delegates leave the hall. (AP Photo/Ding Xi)", false),
        ("Delegates leave the hall (Reuters: Zhou Xi)", false),
        ("Image: Ma Putin/AFP", false),
        ("Credit: Liu Xi", false),
        ("© Gao Xi", false),
        // Still the person:
        ("Photo: Xi speaks at the opening of the congress.", true),
        ("Putin/Xi summit ends without a deal.", true),
        ("Xi arrived in Moscow (Reuters)", true),
        ("Shared bicycles on a pavement. Image copyright Xi Lan Image caption Bicycles piled up by the road", false),
        ("Flood water in the old town. China Daily/Tan Xi via REUTERS", false),
        ("Xi met the delegates via video link.", true),
        ("Xi spoke to Macron via Zoom.", true),
    ])
    func credits(_ text: String, isPerson: Bool) {
        let names = EntityTests.names(text)
        #expect((names.contains("Xi Jinping") || names.contains("Vladimir Putin")) == isPerson, "\(text)")
    }

    @Test("a surname after another person's given name is someone else", arguments: [
        ("Reporter Tan Xi wrote the story.", false),
        ("Li Xi, party chief of Guangdong, attended.", false),
        ("Hunter Biden testified on Thursday.", false),
        ("Sergei Putin, a distant cousin, was not invited.", false),
        // Still the person:
        ("President Xi opened the meeting.", true),
        ("Chinese President Xi spoke first.", true),
        ("Chinese President Xi Jinping spoke first.", true),
        ("When Xi arrived, the band played.", true),
        ("On Sunday Xi flew to Paris.", true),
        ("In Beijing Xi met the delegation.", true),
        ("Russia's Putin and China's Xi met again.", true),
        ("Presidents Putin and Xi signed the deal.", true),
        ("General Secretary Xi addressed the plenum.", true),
        ("Trump Meets Xi in Beijing", true),
        ("Topics: diplomacy, trade talks, Putin Xi summit", true),
        ("Vladimir Putin said the sanctions would fail.", true),
        ("Putin said the sanctions would fail.", true),
        // The surname first, as Chinese names are written, or a place:
        ("Xi Wen beat the top seed in straight sets.", false),
        ("A museum for Xi Zhongxun, a revolutionary veteran, opened last year.", false),
        ("Farms were lost when the Xi River burst its banks.", false),
        ("Xi Jinping Thought was written into the party charter.", true),
        ("The Putin Administration denied the report.", true),
        ("Banners reading \"Follow Xi\" hung over the road.", true),
        ("Xi Dada is what state media call the president.", true),
        // Headlines in title case, however the small words and hyphens fall:
        ("Trump Launches Re-election Bid", true),
        ("Xi Vows Long-term Support for Moscow", true),
        ("Putin Warns West against Escalation", true),
        ("Xi Meets Biden with Taiwan on Agenda", true),
        ("Putin Responds", true),
    ])
    func otherGivenName(_ text: String, isPerson: Bool) {
        let names = EntityTests.names(text)
        #expect((names.contains("Xi Jinping") || names.contains("Vladimir Putin") || names.contains("Joe Biden")
                 || names.contains("Donald Trump")) == isPerson, "\(text)")
    }

    @Test("a one-word name that is another person's in a document is theirs throughout, unless the entity is named in full there")
    func otherPersonThroughout() {
        let match = "Xi Wen won the final in Jakarta on Sunday. Xi said after the match that her knee had held up."
        #expect(!EntityTests.names(match).contains("Xi Jinping"))
        let both = "Xi Wen won the final in Jakarta. President Xi sent his congratulations, and Xi said she made the nation proud."
        #expect(EntityTests.names(both).filter { $0 == "Xi Jinping" }.count == 2)
        let cousin = "Anna Putin, a skater of 15, won the junior title. Putin said she would now aim for the senior team."
        #expect(!EntityTests.names(cousin).contains("Vladimir Putin"))
        // A credit is no other person: the president is still the president.
        let credit = "Xi said the talks went well. Photo: Tan Xi"
        #expect(EntityTests.names(credit).contains("Xi Jinping"))
    }

    @Test("names in capitals, as headlines and datelines write them; a short one alone is no name (XI, the numeral)", arguments: [
        ("PUTIN VOWS RESPONSE TO NEW SANCTIONS", "Vladimir Putin", true),
        ("MOSCOW - RUSSIAN PRESIDENT VLADIMIR PUTIN SAID ON FRIDAY", "Vladimir Putin", true),
        ("BEIJING - CHINESE PRESIDENT XI JINPING MET THE DELEGATES", "Xi Jinping", true),
        ("TALKS WITH PRESIDENT XI END", "Xi Jinping", true),
        ("STATE BROADCASTER CCTV SHOWED THE PARADE", "China Central Television", true),
        ("PRIME MINISTER'S XI BEAT THE TOURISTS", "Xi Jinping", false),
        ("The reign of LOUIS XI began in 1461.", "Xi Jinping", false),
        ("Coach names his starting XI for the final", "Xi Jinping", false),
    ])
    func capitals(_ text: String, _ entity: String, _ found: Bool) {
        #expect(EntityTests.names(text).contains(entity) == found, "\(text)")
    }

    @Test("broadcaster clues from the broadcaster class", arguments: [
        ("The news came according to CNN affiliate CCTV.", true),
        ("According to CCTV, the talks lasted two hours.", true),
        ("The minister told CCTV that trade would grow.", true),
        ("In an interview with CCTV, the minister praised the deal.", true),
        ("The speech was aired on CCTV in the evening.", true),
        ("The parade was broadcast on CCTV across the country.", true),
        ("The figures were reported by CCTV late on Friday.", true),
        ("The CCTV channel showed the parade live.", true),
        ("A CCTV reporter asked the first question.", true),
        ("State broadcaster CCTV showed the meeting.", true),
        ("CCTV reported that the talks went well.", true),
        // Still closed-circuit television:
        ("Police released CCTV footage of the robbery.", false),
        ("The thief was caught on CCTV.", false),
        ("CCTV cameras were installed at the station.", false),
        ("According to the witness, CCTV showed him leaving.", false),
        ("The acronym CCTV stands for closed-circuit television.", false),
    ])
    func broadcasterClass(_ text: String, isBroadcaster: Bool) {
        #expect(EntityTests.names(text).contains("China Central Television") == isBroadcaster, "\(text)")
    }

    @Test("a context class gives its words to the entities that name it; unknown classes are errors")
    func contextClasses() throws {
        var g = Gazetteer.builtin
        #expect(g.classes.map(\.name) == ["broadcaster"])
        try g.apply("""
        @wire | clues-before: according
        Eastport Wire | media | EW?; Eastport Wire | class: wire
        """, source: "local.txt")
        #expect(g.resolve("eastport wire")?.classes == ["wire"])
        #expect(try Gazetteer.parse(g.text, source: "round-trip").classes == g.classes)
        let r = Recognizer(gazetteer: g, analyzer: .news)
        func names(_ text: String) -> [String] { r.recognize([(text, Analyzer.news.tokens(text))])[0].map { g.entities[$0.entity].name } }
        #expect(names("The story ran according to EW.") == ["Eastport Wire"])
        #expect(names("The story ran on EW.").isEmpty)
        for (bad, fragment) in [("X | media | X? | class: nosuch", "no context class"), ("@two words | clues: a", "one-word name"),
                                ("@c | class: broadcaster", "cannot name other classes")] {
            do {
                var h = Gazetteer.builtin
                try h.apply(bad, source: "bad.txt")
                Issue.record("\(bad) was accepted")
            } catch let e as NewsIndexError {
                #expect(e.message.hasPrefix("bad.txt:1: ") && e.message.contains(fragment), "\(e.message)")
            }
        }
    }

    @Test("context stays inside the sentence; Fed up is not the Federal Reserve")
    func sentenceContext() {
        let r = EntityTests.recognizer
        let text = "New CCTV cameras had been installed. CCTV said later that the summit went well."
        let ms = r.recognize([(text, Analyzer.news.tokens(text))])[0]
        #expect(ms.count == 1 && ms[0].start == 6, "only the second CCTV, which said something, is the broadcaster")
        #expect(EntityTests.names("Fed up with rising prices, voters stayed home.").isEmpty)
        #expect(EntityTests.names("The Fed raised interest rates again.") == ["Federal Reserve"])
    }

    @Test("an unambiguous mention elsewhere in the document settles an ambiguous one, but not against a rule-out word")
    func documentContext() {
        let r = EntityTests.recognizer
        func cctv(_ title: String, _ body: String) -> Int {
            r.recognize([(title, Analyzer.news.tokens(title)), (body, Analyzer.news.tokens(body))])
                .flatMap { $0 }.filter { r.gazetteer.entities[$0.entity].name == "China Central Television" }.count
        }
        #expect(cctv("China Central Television turns 65", "Viewers remember when CCTV first went on air.") == 2)
        #expect(cctv("China Central Television turns 65", "Its studios have CCTV cameras everywhere.") == 1)
        #expect(cctv("A quiet week", "Many remember when CCTV first came to the town.") == 0)
        #expect(cctv("A quiet week", "Viewers remember when CCTV first went on air.") == 1, "viewers: a broadcaster's clue")
    }

    @Test("recognition works with the english and simple analyzers too")
    func otherAnalyzers() {
        #expect(EntityTests.names("Xi’s visit to Xi'an and Putin's reply.", analyzer: .simple) == ["Xi Jinping", "Vladimir Putin"])
        #expect(EntityTests.names("Reuters reported that Beijing agreed.", analyzer: .english) == ["Reuters", "Beijing"])
    }

    @Test("an entities file adds and overrides entries; bad lines name file and line")
    func entitiesFile() throws {
        var g = Gazetteer.builtin
        try g.apply("""
        # local additions
        Marta Kowalczyk | person | Kowalczyk; Marta Kowalczyk; Mayor Kowalczyk
        Vladimir Putin | person | Putin; V. Putin
        - Boris Johnson
        """, source: "local.txt")
        #expect(g.resolve("kowalczyk")?.name == "Marta Kowalczyk")
        #expect(g.resolve("putin")?.aliases == ["Putin", "V. Putin", "Vladimir Putin"])
        #expect(g.resolve("boris johnson") == nil)
        for (bad, fragment) in [("Only two | columns", "expected 3 or 4 columns"), ("X | two words | X", "one word"),
                                ("X | person | X? ", "need clues"), ("- Nobody Known", "no entity"),
                                ("X | person | X | colour: red", "unknown context")] {
            do {
                var h = Gazetteer.builtin
                try h.apply("# first line\n" + bad, source: "bad.txt")
                Issue.record("\(bad) was accepted")
            } catch let e as NewsIndexError {
                #expect(e.kind == .badInput)
                #expect(e.message.hasPrefix("bad.txt:2: ") && e.message.contains(fragment), "\(e.message)")
            }
        }
    }

    @Test("entity queries, NEAR on mentions, filters, facets and unknown names")
    func queries() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = IndexWriter.Options()
        options.entityDefinitions = [("local.txt", "Marta Kowalczyk | person | Kowalczyk; Marta Kowalczyk; Mayor Kowalczyk\n")]
        let writer = try IndexWriter(path: dir, options: options)
        try writer.add(Article(id: "1", title: "Putin meets Xi", body: "Vladimir Putin praised cooperation with Xi Jinping. State broadcaster CCTV showed the call."))
        try writer.add(Article(id: "2", title: "Harbour council", body: "Mayor Kowalczyk opened the harbour. Police released CCTV footage of a break-in."))
        try writer.add(Article(id: "3", title: "Markets", body: "Investors watched the Fed and Beijing. Xi was not mentioned until the end of a long day of trading."))
        try writer.commit()
        let index = try IndexReader(path: dir)
        func ids(_ q: String) throws -> [String] { try index.search(Query.parse(q), options: { var o = SearchOptions(); o.limit = 10; return o }()).hits.map(\.id).sorted() }
        #expect(try ids("entity:putin") == ["1"])
        #expect(try ids("entity:\"Xi Jinping\"") == ["1", "3"])
        #expect(try ids("entity:cctv") == ["1"], "the footage in 2 is not the broadcaster")
        let snippet = try index.search(Query.parse("entity:cctv")).hits[0].snippet
        #expect(snippet.highlights.map { String(snippet.text[$0]) } == ["CCTV"], "the mention is marked in the snippet")
        #expect(try ids("entity:kowalczyk") == ["2"], "entities from --entities files are searchable")
        #expect(try ids("entity:xi NEAR/3 cooperation") == ["1"])
        #expect(try ids("entity:xi NEAR/3 trading").isEmpty)
        #expect(try ids("harbour -entity:putin") == ["2"])
        #expect(try ids("entity:fed").isEmpty, "Fed without money words is not the Federal Reserve")
        // A filter matches without scoring.
        let scored = try index.search(Query.parse("cooperation")).hits[0].score
        let filtered = try index.search(Query.all([Query.parse("cooperation"), .filter(.entity("CCTV"))])).hits[0].score
        #expect(scored == filtered)
        // Mentions do not lengthen the field: "Putin meets Xi" is 3 words long.
        var o = SearchOptions()
        o.explain = true
        let e = try #require(try index.search(Query.parse("title:meets"), options: o).hits.first?.explanation)
        #expect(e.description.contains("3.0 = dl"), "\(e)")
        // Facets over all matches, and over the whole index.
        o.entityFacets = true
        let facets = try index.search(Query.parse("the"), options: o).entities
        #expect(facets.first { $0.name == "Xi Jinping" }?.documents == 2)
        #expect(facets.first { $0.name == "Xi Jinping" }?.mentions == 3)
        #expect(facets.first { $0.name == "China Central Television" }?.documents == 1)
        let all = try index.entityCounts()
        #expect(all.map(\.name).prefix(1) == ["Xi Jinping"])
        #expect(Set(all.map(\.name)) == ["Xi Jinping", "Vladimir Putin", "China Central Television", "Marta Kowalczyk", "Beijing"])
        // Unknown names list the closest known ones.
        do {
            _ = try ids("entity:putn")
            Issue.record("unknown entity accepted")
        } catch let err as NewsIndexError {
            #expect(err.kind == .badQuery && err.message.contains("\"Vladimir Putin\""), "\(err.message)")
        }
    }

    @Test("discovery lists unknown names, not known entities or sentence starts")
    func discover() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try IndexWriter(path: dir)
        try writer.add(Article(id: "1", title: "Council news", body: "Councillor Marta Kowalczyk met Putin. Later Marta Kowalczyk spoke to Harbour Board members."))
        try writer.add(Article(id: "2", title: "More news", body: "The Harbour Board agreed. Marta Kowalczyk disagreed. Ahmed bin Nasser and Ahmed bin Nasser's aide left. The Government said the government is Australian."))
        try writer.commit()
        let names = try IndexReader(path: dir).discoverNames()
        #expect(names.first == DiscoveredName(name: "Marta Kowalczyk", documents: 2, mentions: 3))
        #expect(names.contains { $0.name == "Harbour Board" })
        #expect(names.contains { $0.name == "Ahmed bin Nasser" && $0.mentions == 2 }, "lower-case connectors join a name")
        #expect(!names.contains { $0.name.contains("Putin") || $0.name == "Later" || $0.name == "The" })
        #expect(!names.contains { $0.name == "Government" || $0.name == "Australian" }, "common words and nationalities")
    }
}
