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
