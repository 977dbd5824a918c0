/// A small, fast, seeded random number generator (SplitMix64), so a fuzz run is reproducible
/// from its seed alone.
package struct FuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    /// A generator whose whole sequence follows from `seed`.
    package init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A random integer in `0..<bound` (0 when `bound` is not positive).
    package mutating func below(_ bound: Int) -> Int {
        bound <= 0 ? 0 : Int(next() % UInt64(bound))
    }

    /// True with probability 1 / `n`.
    package mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }
}

/// What a fuzz input did wrong: the harness reports it and the run counts it as a crash.
package struct FuzzFailure: Error, CustomStringConvertible {
    /// The input, described so that it can be replayed (a query, or a file and a mutation).
    package var input: String
    /// What went wrong.
    package var problem: String

    /// The input and the problem on one line.
    package var description: String { "\(problem) — input: \(input)" }
}
