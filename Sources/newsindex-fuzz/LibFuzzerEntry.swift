import Foundation
import NewsIndexFuzzing

/// libFuzzer's callback: a failed check aborts, so libFuzzer saves the input as a crash.
enum LibFuzzerEntry {
    nonisolated(unsafe) static var check: ((UnsafeRawBufferPointer) -> FuzzFailure?)?

    static func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        guard let check else { return 0 }
        if let failure = check(UnsafeRawBufferPointer(start: data, count: size)) {
            FileHandle.standardError.write(Data("FAILURE: \(failure)\n".utf8))
            abort()
        }
        return 0
    }
}
