import Foundation
import NewsIndex
import NewsIndexTestSupport
import Testing

/// `newsindex serve` as a process: it starts fast, warns off loopback, says when the port is
/// taken, and on SIGTERM answers the request in flight before it exits.
@Suite("newsindex serve, the process")
struct ServeProcessTests {
    /// A running `newsindex serve`; its stderr is read line by line.
    final class Served {
        let process = Process()
        let errors = Pipe()
        private(set) var lines: [String] = []
        private var pending = Data()

        init(_ args: [String], env: [String: String] = [:]) throws {
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = ["serve"] + args
            process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
        }

        /// Waits until a line of stderr contains `text` (or the process ends); the line.
        func waitForLine(containing text: String, timeout: Double = 10) -> String? {
            let end = Date().addingTimeInterval(timeout)
            while Date() < end {
                if let l = lines.first(where: { $0.contains(text) }) { return l }
                let chunk = errors.fileHandleForReading.availableData
                if chunk.isEmpty { if !process.isRunning { break }; continue }
                pending += chunk
                while let nl = pending.firstIndex(of: 0x0A) {
                    lines.append(String(decoding: pending[pending.startIndex..<nl], as: UTF8.self))
                    pending = Data(pending[(nl + 1)...])
                }
            }
            return lines.first { $0.contains(text) }
        }

        /// The port of the "http://host:port/" line.
        func port() -> Int? {
            guard let line = waitForLine(containing: "http://") else { return nil }
            let afterHost = line.split(separator: "http://")[1].split(separator: "/")[0]
            return afterHost.split(separator: ":").last.flatMap { Int($0) }
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    /// A TCP connection to loopback.
    static func connect(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(ok == 0, "cannot connect to port \(port)")
        return fd
    }

    static func send(_ fd: Int32, _ text: String) { _ = text.withCString { write(fd, $0, strlen($0)) } }

    static func readAll(_ fd: Int32) -> String {
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func index() throws -> String {
        let dir = temporaryDirectory("newsindex-serve")
        try build(serverArticles(), at: dir + "/index", threads: 1)
        return dir + "/index"
    }

    @Test("it listens within a second of starting, and logs each request in Common Log Format")
    func startsFast() throws {
        let index = try ServeProcessTests.index()
        let start = Date()
        let served = try Served(["--index", index, "--port", "0"])
        defer { served.stop() }
        let port = try #require(served.port())
        #expect(Date().timeIntervalSince(start) < 1.0, "took \(Date().timeIntervalSince(start)) s to listen")
        let fd = try ServeProcessTests.connect(port)
        ServeProcessTests.send(fd, "GET /api/search?q=harbour&limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let answer = ServeProcessTests.readAll(fd)
        close(fd)
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        let line = try #require(served.waitForLine(containing: "GET /api/search"))
        #expect(line.range(of: #"^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET /api/search\?q=harbour&limit=1 HTTP/1\.1" 200 \d+ \d+\.\d\dms$"#,
                           options: .regularExpression) != nil, "\(line)")
        // With --port 0 the port chosen is said even with --quiet.
        let quiet = try Served(["--index", index, "--port", "0", "--quiet"])
        defer { quiet.stop() }
        #expect(quiet.port() != nil)
    }

    @Test("on SIGTERM the request in flight is answered before the server exits with 0")
    func gracefulStop() throws {
        let index = try ServeProcessTests.index()
        let served = try Served(["--index", index, "--port", "0", "--write-token", "t0ken"])
        defer { served.stop() }
        let port = try #require(served.port())
        let body = #"{"id":"late","title":"Late edition","body":"Sent while the server was stopping."}"#
        let fd = try ServeProcessTests.connect(port)
        // Half a request, then SIGTERM, then the rest.
        ServeProcessTests.send(fd, "POST /api/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0ken\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body.prefix(10))
        Thread.sleep(forTimeInterval: 0.3)
        kill(served.process.processIdentifier, SIGTERM)
        Thread.sleep(forTimeInterval: 0.3)
        ServeProcessTests.send(fd, String(body.dropFirst(10)))
        let answer = ServeProcessTests.readAll(fd)
        close(fd)
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
        served.process.waitUntilExit()
        #expect(served.process.terminationStatus == 0)
        #expect(try IndexReader(path: index).article(id: "late") != nil)
    }

    @Test("a non-loopback host gets a warning; a port in use is a clear error with exit code 69")
    func hostAndPort() throws {
        let index = try ServeProcessTests.index()
        let open = try Served(["--index", index, "--port", "0", "--host", "0.0.0.0"])
        defer { open.stop() }
        #expect(open.waitForLine(containing: "not on loopback") != nil)
        let port = try #require(open.port())
        let second = try Served(["--index", index, "--port", String(port), "--host", "0.0.0.0"])
        second.process.waitUntilExit()
        #expect(second.process.terminationStatus == 69)
        #expect(second.waitForLine(containing: "in use") != nil, "\(second.lines)")
        let missing = try Served(["--index", index + "-nowhere", "--port", "0"])
        missing.process.waitUntilExit()
        #expect(missing.process.terminationStatus == 66)
    }

    @Test("the page in headless Chromium: search, facets, dates, paging, the article, no injected HTML (Tests/browser/page_test.py)")
    func browser() throws {
        let index = try ServeProcessTests.index()
        let served = try Served(["--index", index, "--port", "0"])
        defer { served.stop() }
        let port = try #require(served.port())
        let script = CLI.packageRoot.appendingPathComponent("Tests/browser/page_test.py").path
        var args = [script, "http://127.0.0.1:\(port)"]
        // NEWSINDEX_SCREENSHOT=docs/search-page.png swift test --filter browser  (re-takes the README's picture)
        if let shot = ProcessInfo.processInfo.environment["NEWSINDEX_SCREENSHOT"] { args += ["--screenshot", shot] }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "page_test.py (needs chromium, chromium-driver and selenium: scripts/install-deps --test):\n\(text)")
        #expect(text.contains("all checks passed"))
    }
}
