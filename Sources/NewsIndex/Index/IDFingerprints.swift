import NewsIndexCore

/// The ids a writer was given, as 96-bit fingerprints of their bytes, each with the number of the
/// document that brought it: the duplicate check of a run without keeping its ids.
///
/// A table of exact ids costs their bytes and about 50 more per document; at tens of millions of
/// documents in one run that outgrows any memory budget. A fingerprint slot takes 16 bytes, and
/// the table, grown by doubling at three quarters full, 21 to 43 bytes per document. Two distinct
/// ids share a fingerprint with a probability of about n² / 2⁹⁷ for n ids: below 10⁻¹⁵ for ten
/// million, so a document refused as a repeat repeats an earlier id.
///
/// The ids themselves are in the segments written (the id field), where commit reads them back.
struct IDFingerprints {
    private struct Slot {
        /// 0: empty (a fingerprint whose first word is 0 is stored as 1).
        var high: UInt64 = 0
        var low: UInt32 = 0
        /// The number of the document, in the order they were added.
        var document: UInt32 = 0
    }

    private var slots = [Slot](repeating: Slot(), count: 1024)
    private(set) var count = 0

    /// The memory the table holds.
    var bytes: Int { slots.count * MemoryLayout<Slot>.stride }

    /// Adds `id` for document `document` and returns nil, or when the id was added before,
    /// returns the number of the document that brought it and adds nothing.
    mutating func insert(_ id: UnsafeBufferPointer<UInt8>, document: Int) -> Int? {
        if 4 * (count + 1) > 3 * slots.count { grow() }
        let (high, low) = IDFingerprints.fingerprint(id)
        let (i, found) = probe(high, low)
        if found != nil { return found }
        slots[i] = Slot(high: high, low: low, document: UInt32(truncatingIfNeeded: document))
        count += 1
        return nil
    }

    /// The number of the document that brought `id`, if one did.
    func document(of id: UnsafeBufferPointer<UInt8>) -> Int? {
        let (high, low) = IDFingerprints.fingerprint(id)
        return probe(high, low).document
    }

    /// The slot of a fingerprint (where it is, or the empty one where it would go) and, when it
    /// is there, its document.
    private func probe(_ high: UInt64, _ low: UInt32) -> (slot: Int, document: Int?) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: high) & mask
        while slots[i].high != 0 {
            if slots[i].high == high && slots[i].low == low { return (i, Int(slots[i].document)) }
            i = (i + 1) & mask
        }
        return (i, nil)
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for s in old where s.high != 0 {
            var i = Int(truncatingIfNeeded: s.high) & mask
            while slots[i].high != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }

    /// Two 64-bit hashes of the bytes with different seeds (multiply-xorshift over 8-byte words,
    /// the length folded in), of which 96 bits are kept.
    static func fingerprint(_ id: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt32) {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(id.count)
        var b: UInt64 = 0xD6E8_FEB8_6659_FD93 &+ UInt64(id.count)
        var i = 0
        let n = id.count
        if let base = id.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                a = mix(a ^ w, 0xBF58_476D_1CE4_E5B9)
                b = mix(b ^ (w &* 0x9FB2_1C65_1E98_DF25), 0x94D0_49BB_1331_11EB)
                i += 8
            }
            let tail = ByteKeyTable.tailWord(base, from: i, to: n)
            a = mix(a ^ tail, 0xFF51_AFD7_ED55_8CCD)
            b = mix(b ^ (tail &+ 0x2545_F491_4F6C_DD1D), 0xC4CE_B9FE_1A85_EC53)
        }
        a = mix(a, 0x94D0_49BB_1331_11EB)
        b = mix(b, 0xBF58_476D_1CE4_E5B9)
        return (a == 0 ? 1 : a, UInt32(truncatingIfNeeded: b >> 32))
    }

    @inline(__always)
    private static func mix(_ x: UInt64, _ k: UInt64) -> UInt64 {
        var h = x &* k
        h ^= h >> 31
        h = h &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 29)
    }
}
