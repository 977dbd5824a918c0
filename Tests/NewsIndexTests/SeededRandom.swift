import NewsIndexFuzzing

/// The tests' seeded generator is the fuzzer's SplitMix64, so a failure reproduces from its seed.
typealias SeededRandom = FuzzRandom
