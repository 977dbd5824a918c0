#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// stdout/stderr helpers: results go to stdout, messages to stderr; colour and progress only on a terminal.
enum Terminal {
    static func environment(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        return String(cString: v)
    }

    static let stdoutIsTerminal = isatty(1) == 1
    static let stderrIsTerminal = isatty(2) == 1

    /// Colour on stdout: only on a terminal, never with NO_COLOR set (to anything), never with TERM=dumb.
    static let colorOnStdout: Bool = stdoutIsTerminal && environment("NO_COLOR") == nil && environment("TERM") != "dumb"
    static let colorOnStderr: Bool = stderrIsTerminal && environment("NO_COLOR") == nil && environment("TERM") != "dumb"

    static func out(_ s: String) {
        var line = s
        line.append("\n")
        fputs(line, stdout)
    }

    /// Sends buffered standard output now (for a driver reading answers line by line).
    static func flushOut() { fflush(stdout) }

    static func err(_ s: String) {
        var line = s
        line.append("\n")
        fputs(line, stderr)
    }

    static func error(_ message: String) {
        let prefix = colorOnStderr ? "\u{1B}[1;31merror:\u{1B}[0m " : "error: "
        err("newsindex: " + prefix + message)
    }

    static func warning(_ message: String) {
        let prefix = colorOnStderr ? "\u{1B}[1;33mwarning:\u{1B}[0m " : "warning: "
        err("newsindex: " + prefix + message)
    }

    static func note(_ message: String) {
        let prefix = colorOnStderr ? "\u{1B}[1;34mnote:\u{1B}[0m " : "note: "
        err("newsindex: " + prefix + message)
    }

    static func style(_ s: String, _ code: String, color: Bool) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// A single self-overwriting status line on stderr, drawn at most ten times a second.
struct ProgressLine {
    let enabled: Bool
    private var lastDraw = 0.0
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    mutating func update(_ text: @autoclosure () -> String, force: Bool = false) {
        guard enabled else { return }
        let t = Terminal.now()
        if !force && t - lastDraw < 0.1 { return }
        lastDraw = t
        fputs("\r\u{1B}[2K" + text(), stderr)
        fflush(stderr)
        drawn = true
    }

    mutating func clear() {
        guard enabled, drawn else { return }
        fputs("\r\u{1B}[2K", stderr)
        fflush(stderr)
        drawn = false
    }
}

enum Format {
    static func bytes(_ n: Int) -> String {
        let d = Double(n)
        if d < 1024 { return "\(n) B" }
        if d < 1024 * 1024 { return fixed(d / 1024, 1) + " KB" }
        if d < 1024 * 1024 * 1024 { return fixed(d / 1024 / 1024, 1) + " MB" }
        return fixed(d / 1024 / 1024 / 1024, 2) + " GB"
    }

    static func fixed(_ v: Double, _ digits: Int) -> String {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let r = (v * p).rounded() / p
        var s = "\(r)"
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        } else if digits > 0 { s += "." + String(repeating: "0", count: digits) }
        return s
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return fixed(seconds, 2) + " s" }
        let s = Int(seconds.rounded())
        return s < 3600 ? "\(s / 60):" + pad2(s % 60) : "\(s / 3600):" + pad2(s / 60 % 60) + ":" + pad2(s % 60)
    }

    static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    static func count(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
