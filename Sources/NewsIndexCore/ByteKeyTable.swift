#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPrefetch

/// A hash table from byte strings to dense ids (0, 1, 2, … in order of first insertion).
///
/// The indexing hot path looks up every token here, so it works on raw UTF-8 bytes and makes no
/// `String`. Keys live back to back in one byte array, each with a one-byte tag in front (the
/// field number for index terms). The table is open addressing with linear probing over 16-byte
/// slots that hold the id, 24 bits of the hash with the key's length, and the key's first eight
/// bytes (tag included): most keys are that short, so a lookup usually touches one slot and
/// nothing else.
package struct ByteKeyTable {
    @usableFromInline
    struct Slot {
        @usableFromInline var id: Int32 = -1
        /// Upper hash bits << 8 | min(key length with tag, 255).
        @usableFromInline var check: UInt32 = 0
        /// The first eight bytes of tag + key, little-endian, zero-padded.
        @usableFromInline var head: UInt64 = 0
        @inlinable init() {}
        @inlinable init(id: Int32, check: UInt32, head: UInt64) { self.id = id; self.check = check; self.head = head }
    }

    @usableFromInline var slots: [Slot]
    @usableFromInline var mask: Int
    /// Key `id` is `keyBytes[keyStart[id] ..< keyStart[id + 1]]`: the tag byte, then the key's bytes.
    @usableFromInline package internal(set) var keyBytes: [UInt8] = []
    @usableFromInline package internal(set) var keyStart: [Int32] = [0]

    /// The number of keys.
    @inlinable package var count: Int { keyStart.count - 1 }

    /// The memory of the slots and the keys.
    package var memoryBytes: Int {
        slots.capacity * MemoryLayout<Slot>.stride + keyBytes.capacity + keyStart.capacity * 4
    }

    @inlinable package init(capacity: Int = 1024) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = Array(repeating: Slot(), count: n)
        mask = n - 1
    }

    /// The first eight bytes of tag + key as a little-endian word, zero-padded.
    @inline(__always)
    @inlinable static func head(tag: UInt8, _ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = UInt64(tag)
        let n = min(key.count, 7)
        var i = 0
        while i < n {
            h |= UInt64(key[i]) << (8 * UInt64(i + 1))
            i += 1
        }
        return h
    }

    /// Bytes `i..<n` (at most eight) of `base` as a little-endian word, zero-padded: the last,
    /// short word of a key that is hashed eight bytes at a time.
    @inline(__always)
    @inlinable package static func tailWord(_ base: UnsafePointer<UInt8>, from i: Int, to n: Int) -> UInt64 {
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        var i = i
        while i < n {
            tail |= UInt64(base[i]) << shift
            shift += 8
            i += 1
        }
        return tail
    }

    /// A 64-bit hash of the key's head word and its remaining bytes (multiply-xorshift).
    @inline(__always)
    @inlinable static func hash(head: UInt64, _ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = (head ^ 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        var i = 7
        let n = key.count
        if n > 7, let base = key.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                i += 8
            }
            h = (h ^ ByteKeyTable.tailWord(base, from: i, to: n) ^ UInt64(n)) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 29
        h = h &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 32)
    }

    @inline(__always)
    @inlinable static func check(_ h: UInt64, _ count: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: h >> 40) << 8 | UInt32(min(count + 1, 255))
    }

    /// A key's head word and hash, computed once: ``prefetch(_:)`` can check its slot into the
    /// cache a few keys ahead of ``insert(tag:_:_:)``.
    package struct Hashed {
        @usableFromInline let head: UInt64
        @usableFromInline package let hash: UInt64
        @inlinable init(head: UInt64, hash: UInt64) { self.head = head; self.hash = hash }
    }

    @inline(__always)
    @inlinable package static func hashed(tag: UInt8, _ key: UnsafeBufferPointer<UInt8>) -> Hashed {
        let head = ByteKeyTable.head(tag: tag, key)
        return Hashed(head: head, hash: ByteKeyTable.hash(head: head, key))
    }

    /// Starts loading the slot where a lookup of `key` begins.
    @inline(__always)
    @inlinable package func prefetch(_ key: Hashed) {
        slots.withUnsafeBufferPointer { newsindex_prefetch($0.baseAddress! + (Int(truncatingIfNeeded: key.hash) & mask)) }
    }

    /// Where (`tag`, `key`) is or would go: its slot, its id when present, and the slot contents
    /// that name it.
    @inline(__always)
    @inlinable func probe(_ key: UnsafeBufferPointer<UInt8>, _ hashed: Hashed) -> (slot: Int, id: Int32?, check: UInt32) {
        let check = ByteKeyTable.check(hashed.hash, key.count)
        return slots.withUnsafeBufferPointer { slots in
            var i = Int(truncatingIfNeeded: hashed.hash) & mask
            while true {
                let s = slots[i]
                if s.id < 0 { return (i, nil, check) }
                if s.check == check && s.head == hashed.head && tailMatches(Int(s.id), key) { return (i, s.id, check) }
                i = (i + 1) & mask
            }
        }
    }

    /// The id of (`tag`, `key`), or nil when it is not in the table.
    @inlinable package func find(tag: UInt8, _ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        probe(key, ByteKeyTable.hashed(tag: tag, key)).id
    }

    /// The id of (`tag`, `key`), adding it with the next id when it is new.
    @inline(__always)
    @inlinable package mutating func insert(tag: UInt8, _ key: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        insert(tag: tag, key, ByteKeyTable.hashed(tag: tag, key))
    }

    /// ``insert(tag:_:)`` with the key's hash computed already by ``hashed(tag:_:)``.
    @inline(__always)
    @inlinable package mutating func insert(tag: UInt8, _ key: UnsafeBufferPointer<UInt8>, _ hashed: Hashed) -> (id: Int32, isNew: Bool) {
        let p = probe(key, hashed)
        if let id = p.id { return (id, false) }
        let id = Int32(count)
        slots[p.slot] = Slot(id: id, check: p.check, head: hashed.head)
        keyBytes.append(tag)
        keyBytes.append(contentsOf: key)
        keyStart.append(Int32(keyBytes.count))
        if count * 2 > mask { grow() }
        return (id, true)
    }

    /// Whether key `id`, whose tag, length and first seven key bytes match, also matches after them.
    @inline(__always)
    @inlinable func tailMatches(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        if key.count <= 7 { return true }
        let start = Int(keyStart[id]), end = Int(keyStart[id + 1])
        guard end - start == key.count + 1 else { return false }
        return keyBytes.withUnsafeBufferPointer { all in
            memcmp(all.baseAddress! + start + 8, key.baseAddress! + 7, key.count - 7) == 0
        }
    }

    @usableFromInline mutating func grow() {
        let n = (mask + 1) * 2
        var newSlots = [Slot](unsafeUninitializedCapacity: n) { buffer, initialized in
            // A large table is touched at random: huge pages spare most of its TLB misses.
            HugePages.advise(buffer.baseAddress!, count: n * MemoryLayout<Slot>.stride)
            buffer.initialize(repeating: Slot())
            initialized = n
        }
        let newMask = n - 1
        keyBytes.withUnsafeBufferPointer { all in
            for id in 0..<count {
                let start = Int(keyStart[id]), end = Int(keyStart[id + 1])
                let key = UnsafeBufferPointer(rebasing: all[(start + 1)..<end])
                let head = ByteKeyTable.head(tag: all[start], key)
                let h = ByteKeyTable.hash(head: head, key)
                var i = Int(truncatingIfNeeded: h) & newMask
                while newSlots[i].id >= 0 { i = (i + 1) & newMask }
                newSlots[i] = Slot(id: Int32(id), check: ByteKeyTable.check(h, key.count), head: head)
            }
        }
        slots = newSlots
        mask = newMask
    }

    /// Calls `body` with the bytes of key `id`, tag included.
    @inlinable package func withKey<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = Int(keyStart[id]), end = Int(keyStart[id + 1])
        return keyBytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }
}
