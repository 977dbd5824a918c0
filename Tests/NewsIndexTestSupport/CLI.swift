import Foundation

/// Runs the built `newsindex` binary and captures its output.
public struct CLI {
    /// The package's root directory.
    public static let packageRoot = SharedCorpus.packageRoot
    /// The seed pages of the shared corpus (see ``SharedCorpus``).
    public static var seeds: String { SharedCorpus.seeds }

    /// The `newsindex` binary beside the test bundle, else in .build/debug or .build/release.
    public static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("newsindex").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        for dir in ["debug", "release"] {
            let p = packageRoot.appendingPathComponent(".build/\(dir)/newsindex").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return beside
    }

    /// What a run printed, and its exit status.
    public struct Result {
        /// The exit status.
        public var status: Int32
        /// Standard output.
        public var out: String
        /// Standard error.
        public var err: String
    }

    /// Runs the tool with `args` (`NEWSINDEX_INDEX` unset unless `env` sets it), feeding it `input`.
    @discardableResult
    public static func run(_ args: [String], env: [String: String] = [:], input: String? = nil) throws -> Result {
        try run(args, env: env, inputData: input.map { Data($0.utf8) })
    }

    /// Runs the tool with `args`, feeding it the bytes `inputData` on standard input (such as gzip data).
    @discardableResult
    public static func run(_ args: [String], env: [String: String] = [:], inputData input: Data?) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NEWSINDEX_INDEX")
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let stdin = Pipe()
        if input != nil { p.standardInput = stdin }
        try p.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// Ids of the hits of a JSON search, in rank order.
    public static func ids(_ query: String, index: String, limit: Int = 10) throws -> [String] {
        let r = try run(["search", query, "--index", index, "--json", "--limit", "\(limit)"])
        return r.out.split(separator: "\n").compactMap { line in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return obj["id"] as? String
        }
    }
}
