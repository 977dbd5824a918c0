#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hash table from byte strings to dense ids (0, 1, 2, … in order of first insertion).
///
/// The indexing hot path looks up every token here, so it works on raw UTF-8 bytes and makes no
/// `String`: keys live back to back in one byte array, each with a one-byte tag in front (the
/// field number for index terms), and the table is open addressing with linear probing over a
/// power-of-two array of ids, the low hash bits held beside each id to skip most key comparisons.
struct ByteKeyTable {
    /// `slots[i]`: the id stored there, or -1; `slotHash[i]`: the upper 32 bits of its key's hash.
    private var slots: [Int32]
    private var slotHash: [UInt32]
    private var mask: Int
    /// Key `id` is `keyBytes[keyStart[id] ..< keyStart[id + 1]]`: the tag byte, then the key's bytes.
    private(set) var keyBytes: [UInt8] = []
    private(set) var keyStart: [Int32] = [0]

    /// The number of keys.
    var count: Int { keyStart.count - 1 }

    init(capacity: Int = 1024) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = Array(repeating: -1, count: n)
        slotHash = Array(repeating: 0, count: n)
        mask = n - 1
    }

    /// A 64-bit hash of `tag` and `key` (word-at-a-time multiply-xorshift).
    @inline(__always)
    static func hash(tag: UInt8, _ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = (UInt64(tag) &+ 0x9E37_79B9_7F4A_7C15) &* (UInt64(key.count) &+ 0xBF58_476D_1CE4_E5B9)
        var i = 0
        let n = key.count
        if let base = key.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(base[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 29
        h = h &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 32)
    }

    /// The id of (`tag`, `key`), or nil when it is not in the table.
    func find(tag: UInt8, _ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = ByteKeyTable.hash(tag: tag, key)
        var i = Int(truncatingIfNeeded: h) & mask
        let check = UInt32(truncatingIfNeeded: h >> 32)
        while true {
            let id = slots[i]
            if id < 0 { return nil }
            if slotHash[i] == check && matches(Int(id), tag: tag, key) { return id }
            i = (i + 1) & mask
        }
    }

    /// The id of (`tag`, `key`), adding it with the next id when it is new.
    @inline(__always)
    mutating func insert(tag: UInt8, _ key: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        let h = ByteKeyTable.hash(tag: tag, key)
        var i = Int(truncatingIfNeeded: h) & mask
        let check = UInt32(truncatingIfNeeded: h >> 32)
        while true {
            let id = slots[i]
            if id < 0 { break }
            if slotHash[i] == check && matches(Int(id), tag: tag, key) { return (id, false) }
            i = (i + 1) & mask
        }
        let id = Int32(count)
        slots[i] = id
        slotHash[i] = check
        keyBytes.append(tag)
        keyBytes.append(contentsOf: key)
        keyStart.append(Int32(keyBytes.count))
        if count * 2 > mask { grow() }
        return (id, true)
    }

    @inline(__always)
    private func matches(_ id: Int, tag: UInt8, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(keyStart[id]), end = Int(keyStart[id + 1])
        guard end - start == key.count + 1, keyBytes[start] == tag else { return false }
        return keyBytes.withUnsafeBufferPointer { all in
            key.isEmpty || memcmp(all.baseAddress! + start + 1, key.baseAddress!, key.count) == 0
        }
    }

    private mutating func grow() {
        let n = (mask + 1) * 2
        var newSlots = [Int32](repeating: -1, count: n)
        var newHash = [UInt32](repeating: 0, count: n)
        let newMask = n - 1
        keyBytes.withUnsafeBufferPointer { all in
            for id in 0..<count {
                let start = Int(keyStart[id]), end = Int(keyStart[id + 1])
                let key = UnsafeBufferPointer(rebasing: all[(start + 1)..<end])
                let h = ByteKeyTable.hash(tag: all[start], key)
                var i = Int(truncatingIfNeeded: h) & newMask
                while newSlots[i] >= 0 { i = (i + 1) & newMask }
                newSlots[i] = Int32(id)
                newHash[i] = UInt32(truncatingIfNeeded: h >> 32)
            }
        }
        slots = newSlots
        slotHash = newHash
        mask = newMask
    }

    /// The tag of key `id`.
    func tag(_ id: Int) -> UInt8 { keyBytes[Int(keyStart[id])] }

    /// Calls `body` with the bytes of key `id`, tag included.
    func withKey<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = Int(keyStart[id]), end = Int(keyStart[id + 1])
        return keyBytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }
}
