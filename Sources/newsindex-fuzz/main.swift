// newsindex-fuzz: the fuzz targets for the query parser, the index readers and the input readers.
//
//   newsindex-fuzz TARGET [--runs N] [--seconds S] [--seed N] [--timeout S]
//       Seeded random campaign (any build). Prints executions, failures, hangs; a trap ends the
//       process, and the input it was working on is in the file named by --last-input.
//   newsindex-fuzz seeds TARGET DIR
//       Writes libFuzzer's starting corpus.
//   NEWSINDEX_FUZZ_TARGET=TARGET newsindex-fuzz [libFuzzer flags] CORPUS
//       Built with -sanitize=fuzzer -DNEWSINDEX_LIBFUZZER (scripts/fuzz): coverage-guided by
//       libFuzzer. Which main the linker keeps (this file's or libFuzzer's) varies; both end in
//       LibFuzzerEntry.testOneInput.
import Foundation
import NewsIndexFuzzing
#if NEWSINDEX_LIBFUZZER
import CLibFuzzer
#endif

func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("newsindex-fuzz: \(message)\n".utf8))
    exit(status)
}

let usage = "usage: newsindex-fuzz \(Target.names) [--runs N] [--seconds S] [--seed N] [--timeout S] [--last-input FILE]"
var args = Array(CommandLine.arguments.dropFirst())

if args.first == "-h" || args.first == "--help" {
    print("""
    \(usage)
           newsindex-fuzz seeds \(Target.names) DIR

    Runs the seeded fuzz campaign against one target and prints executions, failures and
    hangs; `seeds` writes libFuzzer's starting corpus. The targets:
    \(Target.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n"))
    scripts/fuzz is the usual way in (it also builds the libFuzzer version).

    Examples:
      newsindex-fuzz query --seconds 60
      newsindex-fuzz index --runs 500 --seed 7 --last-input /tmp/last
      newsindex-fuzz index --seed 2214 --runs 1      # replay one input a run reported
      newsindex-fuzz gzip --runs 5000
      newsindex-fuzz html --seconds 120
    """)
    exit(0)
}
if args.first == "seeds" {
    guard args.count == 3, let target = Target(rawValue: args[1]) else { fail("usage: newsindex-fuzz seeds \(Target.names) DIR") }
    do { try Target.writeSeeds(target, to: args[2]) } catch { fail("cannot write the seeds to \(args[2]): \(error)") }
    exit(0)
}


#if NEWSINDEX_LIBFUZZER
if ProcessInfo.processInfo.environment["NEWSINDEX_FUZZ_TARGET"] != nil {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in LibFuzzerEntry.testOneInput(data, size) })
}
#endif

guard let first = args.first, let target = Target(rawValue: first) else { fail(usage) }
var runs = Int.max, seconds = Double.infinity, seed: UInt64 = 1, timeout = 2.0, lastInput: String? = nil
var k = 1
while k < args.count {
    let flag = args[k]
    guard k + 1 < args.count else { fail("\(flag) needs a value. \(usage)") }
    let value = args[k + 1]
    switch flag {
    case "--runs": guard let v = Int(value), v >= 0 else { fail("--runs needs a count, not \(value)") }; runs = v
    case "--seconds": guard let v = Double(value), v > 0 else { fail("--seconds needs a number, not \(value)") }; seconds = v
    case "--seed": guard let v = UInt64(value) else { fail("--seed needs a number, not \(value)") }; seed = v
    case "--timeout": guard let v = Double(value), v > 0 else { fail("--timeout needs seconds, not \(value)") }; timeout = v
    case "--last-input": lastInput = value
    default: fail("unknown option \(flag). \(usage)")
    }
    k += 2
}
if runs == Int.max && seconds == .infinity { runs = 10_000 }

let make = Target.setUp(target)
let lastHandle: FileHandle? = lastInput.flatMap { path in
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    return FileHandle(forWritingAtPath: path)
}
let limit = timeout
let watchdog = Watchdog(limit: limit) { input, elapsed in
    // The watchdog's thread reports the hang and ends the process; stderr is unbuffered.
    FileHandle.standardError.write(Data("HANG: one input ran \(String(format: "%.1f", elapsed)) s (limit \(limit) s): \(input)\nhangs: 1\n".utf8))
    _exit(3)
}
let start = Date()
var executions = 0, failures = 0
var peakMemory = 0
while executions < runs && Date().timeIntervalSince(start) < seconds {
    let inputSeed = seed &+ UInt64(executions)
    let input = make(FuzzRandom(seed: inputSeed))
    if let h = lastHandle {
        let line = Data("--seed \(inputSeed) --runs 1: \(input.description)\n".utf8)
        h.seek(toFileOffset: 0)
        h.write(line)
        h.truncateFile(atOffset: UInt64(line.count))
    }
    if let f = watchdog.run(input.description, input.run) {
        failures += 1
        print("FAILURE (replay with --seed \(inputSeed) --runs 1): \(f)")
    }
    executions += 1
    if executions % 64 == 0 {
        let pages = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8))?.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        peakMemory = max(peakMemory, pages * 4096)
        if pages * 4096 > 2 << 30 { fail("memory grew past 2 GiB after \(executions) inputs (seed \(inputSeed))", status: 4) }
    }
}
let elapsed = Date().timeIntervalSince(start)
print("target: \(target.rawValue)  seed: \(seed)")
print("executions: \(executions)  seconds: \(String(format: "%.1f", elapsed))  (\(Int(Double(executions) / max(elapsed, 0.001)))/s)")
print("failures: \(failures)  crashes: 0  hangs: 0  peak RSS: \(peakMemory >> 20) MiB")
exit(failures == 0 ? 0 : 1)
