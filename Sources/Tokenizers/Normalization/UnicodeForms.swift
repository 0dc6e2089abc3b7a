import Foundation

/// NFC / NFD / NFKC / NFKD over aligned text, built as tokenizers'
/// alignment-tracking normalizer does: each scalar's full decomposition
/// (first scalar change 0, the rest insertions), canonical reordering of
/// combining marks (stable, changes travel with their scalars), then for
/// the composed forms the canonical composition, where a composite keeps
/// its starter's change plus the absorbed mark's change minus one. The
/// (scalar, change) stream then goes through `transformed`.
public enum UnicodeForm: String, Sendable, CaseIterable {
    case nfc = "NFC", nfd = "NFD", nfkc = "NFKC", nfkd = "NFKD"

    public func normalize(_ text: NormalizedText) -> NormalizedText {
        if text.scalars.allSatisfy({ $0.value < 0xA0 }) { return text }  // ASCII and C1 are stable in every form
        var items = Self.decomposed(text.scalars, compatibility: self == .nfkc || self == .nfkd)
        if self == .nfc || self == .nfkc { items = Self.composed(items) }
        return text.transformed(items)
    }

    static func ccc(_ c: Unicode.Scalar) -> UInt8 { c.properties.canonicalCombiningClass.rawValue }

    static func decomposed(_ scalars: [Unicode.Scalar], compatibility: Bool) -> [(Unicode.Scalar, Int)] {
        var out: [(Unicode.Scalar, Int)] = []
        out.reserveCapacity(scalars.count)
        for c in scalars {
            if c.value < 0xA0 { out.append((c, 0)); continue }
            let s = String(c)
            let d = compatibility ? s.decomposedStringWithCompatibilityMapping : s.decomposedStringWithCanonicalMapping
            for (k, x) in d.unicodeScalars.enumerated() { out.append((x, k == 0 ? 0 : 1)) }
        }
        // Canonical ordering: stable sort of each run of non-starters by class.
        var i = 0
        while i < out.count {
            guard ccc(out[i].0) != 0 else { i += 1; continue }
            var j = i
            while j < out.count && ccc(out[j].0) != 0 { j += 1 }
            if j - i > 1 {
                let run = out[i..<j].enumerated().sorted {
                    (ccc($0.element.0), $0.offset) < (ccc($1.element.0), $1.offset)
                }
                out.replaceSubrange(i..<j, with: run.map(\.element))
            }
            i = j
        }
        return out
    }

    /// Canonical composition over a decomposed stream (the Recompositions iterator's states).
    static func composed(_ items: [(Unicode.Scalar, Int)]) -> [(Unicode.Scalar, Int)] {
        var out: [(Unicode.Scalar, Int)] = []
        out.reserveCapacity(items.count)
        var starter: Int? = nil  // index in `out` of the composee
        var lastClass: UInt8? = nil  // class of the last mark kept after it
        for (c, change) in items {
            let cls = ccc(c)
            guard let s = starter else {
                if cls == 0 { starter = out.count }
                out.append((c, change))
                continue
            }
            let blocked = lastClass.map { $0 >= cls } ?? false
            if !blocked, let r = composite(out[s].0, c) {
                out[s] = (r, out[s].1 + change - 1)
                continue
            }
            if cls == 0 {
                starter = out.count
                lastClass = nil
            } else {
                lastClass = cls
            }
            out.append((c, change))
        }
        return out
    }

    /// The primary composite of a starter and a following scalar, if any.
    /// Hangul is done arithmetically (Foundation on Linux misses LV + T).
    static func composite(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Unicode.Scalar? {
        let x = a.value, y = b.value
        if (0x1100..<0x1113).contains(x), (0x1161..<0x1176).contains(y) {
            return Unicode.Scalar(0xAC00 + ((x - 0x1100) * 21 + (y - 0x1161)) * 28)
        }
        if (0xAC00..<0xD7A4).contains(x), (x - 0xAC00) % 28 == 0, (0x11A8..<0x11C3).contains(y) {
            return Unicode.Scalar(x + (y - 0x11A7))
        }
        if y < 0x300 { return nil }  // no mark below U+0300 composes
        var s = String.UnicodeScalarView()
        s.append(a)
        s.append(b)
        let r = String(s).precomposedStringWithCanonicalMapping.unicodeScalars
        guard r.count == 1, let c = r.first else { return nil }
        return c
    }
}
