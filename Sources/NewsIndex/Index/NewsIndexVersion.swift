/// The library's version.
public enum NewsIndexVersion {
    /// The version string, e.g. "0.1.0".
    public static let string = "0.1.0"
}
