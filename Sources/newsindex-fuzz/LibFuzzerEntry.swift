import Foundation
import NewsIndexFuzzing

/// libFuzzer's callback: a failed check aborts, so libFuzzer saves the input as a crash.
enum LibFuzzerEntry {
    nonisolated(unsafe) static var check: ((UnsafeRawBufferPointer) -> FuzzFailure?)?

    static func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        if check == nil {
            // Entered through libFuzzer's own main rather than ours: set up from the environment.
            let name = ProcessInfo.processInfo.environment["NEWSINDEX_FUZZ_TARGET"] ?? ""
            guard let target = Target(rawValue: name) else {
                FileHandle.standardError.write(Data("newsindex-fuzz: set NEWSINDEX_FUZZ_TARGET to query, index or gzip\n".utf8))
                exit(2)
            }
            check = Target.rawCheck(target)
        }
        if let failure = check?(UnsafeRawBufferPointer(start: data, count: size)) {
            FileHandle.standardError.write(Data("FAILURE: \(failure)\n".utf8))
            abort()
        }
        return 0
    }
}

#if NEWSINDEX_LIBFUZZER
/// The symbol libFuzzer calls for each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func newsindexFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    LibFuzzerEntry.testOneInput(data, size)
}
#endif
