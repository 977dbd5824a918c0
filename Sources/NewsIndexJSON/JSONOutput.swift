import Foundation

/// Encodes the JSON types of this module the way the command-line tool prints them.
///
/// One object per line, keys in alphabetical order (Foundation's `JSONEncoder` on Linux keeps
/// no insertion order, so sorting is what makes the output stable), `/` left unescaped.
///
/// ```swift
/// let line = try JSONOutput.line(EntityCountJSON(count))   // {"display":"Putin",…}
/// ```
public enum JSONOutput {
    /// A new encoder with the tool's settings: sorted keys, unescaped slashes, no whitespace.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// One value as a line of JSON (without the newline).
    public static func line<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }

    /// Several values as lines of JSON (JSON Lines, without the newlines), with one encoder.
    public static func lines<Value: Encodable>(_ values: [Value]) throws -> [String] {
        let encoder = encoder()
        return try values.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
    }
}
