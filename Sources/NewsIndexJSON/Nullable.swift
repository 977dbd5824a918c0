/// An optional property that is written as `null` when absent, instead of being left out.
///
/// The tool's JSON has always spelled out every field of a record, `null` included, so that a
/// reader sees the same keys in every line. Swift's synthesized `Encodable` leaves absent
/// optionals out; marking a property `@Nullable` keeps the key. Decoding accepts `null` and a
/// missing key alike.
///
/// ```swift
/// struct Row: Codable { @Nullable var url: String? }
/// try JSONOutput.line(Row(url: nil))   // {"url":null}
/// ```
@propertyWrapper
public struct Nullable<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// The value, or nil for `null`.
    public var wrappedValue: Value?

    /// Wraps a value (nil is written as `null`).
    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    /// Reads the value, or nil from `null`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? nil : try c.decode(Value.self)
    }

    /// Writes the value, or `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// A missing key decodes as nil, as a plain optional does.
    public func decode<Value>(_ type: Nullable<Value>.Type, forKey key: Key) throws -> Nullable<Value> {
        try decodeIfPresent(type, forKey: key) ?? Nullable(wrappedValue: nil)
    }
}
