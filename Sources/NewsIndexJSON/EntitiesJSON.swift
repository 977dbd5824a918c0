import NewsIndex

/// How often an entity occurs, as `newsindex entities --json` prints it (one object per line).
public struct EntityCountJSON: Codable, Sendable, Equatable {
    /// The canonical name ("Vladimir Putin").
    public var name: String
    /// The short name to show ("Putin").
    public var display: String
    /// person, organization, place, media, …
    public var type: String
    /// Documents that mention the entity.
    public var documents: Int
    /// Mentions over those documents.
    public var mentions: Int

    /// The JSON form of a library entity count.
    public init(_ c: EntityCount) {
        name = c.name
        display = c.displayName
        type = c.type
        documents = c.documents
        mentions = c.mentions
    }
}

/// A name the entity list does not know, as `newsindex entities --discover --json` prints it.
public struct DiscoveredNameJSON: Codable, Sendable, Equatable {
    /// The name as written.
    public var name: String
    /// Documents that contain it.
    public var documents: Int
    /// Times it occurs.
    public var mentions: Int

    /// The JSON form of a discovered name.
    public init(_ n: DiscoveredName) {
        (name, documents, mentions) = (n.name, n.documents, n.mentions)
    }
}

/// A significant (or frequent) word or entity, as `newsindex terms --json` and
/// `newsindex entities --significant --json` print it (one object per line).
public struct SignificantTermJSON: Codable, Sendable, Equatable {
    /// The word (analyzed) or the entity's canonical name.
    public var term: String
    /// The entity's type; absent for a word.
    public var type: String?
    /// JLH (see `score_name`).
    public var score: Double
    /// The score's name: `jlh`.
    public var scoreName: String
    /// Matching documents (or stories) with the term, and all of them.
    public var foreground: Int, foregroundTotal: Int
    /// Documents (or stories) of the index with the term, and all of them.
    public var background: Int, backgroundTotal: Int
    /// Whether the counts are of stories.
    public var stories: Bool

    enum CodingKeys: String, CodingKey {
        case term, type, score, scoreName = "score_name", foreground, foregroundTotal = "foreground_total",
             background, backgroundTotal = "background_total", stories
    }

    /// The JSON form of a library term.
    public init(_ t: SignificantTerm, stories: Bool) {
        term = t.term
        type = t.entityType
        score = t.score
        scoreName = SignificantTerm.scoreName
        (foreground, foregroundTotal, background, backgroundTotal) = (t.foreground, t.foregroundTotal, t.background, t.backgroundTotal)
        self.stories = stories
    }
}
