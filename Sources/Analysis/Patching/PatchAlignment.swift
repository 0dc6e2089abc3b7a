import Tokenizers

/// Which counterfactual position each clean position is patched from.
///
/// Equal token counts pair position with position (the usual patching).
/// Otherwise the pairing is by words: the words (specials stand alone) both
/// sentences share at the start and at the end pair in order, and so do the
/// words between when both sides have as many; a paired word pairs its
/// pieces only when both have the same number. Every other clean position
/// has no partner and is not patched.
public struct PatchAlignment: Sendable, Equatable {
    /// For each clean position, its counterfactual position or nil.
    public var partner: [Int?]
    public var isPositional: Bool

    public init(partner: [Int?], isPositional: Bool) {
        self.partner = partner
        self.isPositional = isPositional
    }

    public init(clean: Encoding, counterfactual cf: Encoding) {
        guard clean.count != cf.count else {
            self.init(partner: clean.ids.indices.map { $0 }, isPositional: true)
            return
        }
        let a = clean.wordGroups(of: Array(clean.ids.indices)), b = cf.wordGroups(of: Array(cf.ids.indices))
        func same(_ i: Int, _ j: Int) -> Bool { a[i].map { clean.ids[$0] } == b[j].map { cf.ids[$0] } }
        var prefix = 0
        while prefix < min(a.count, b.count), same(prefix, prefix) { prefix += 1 }
        var suffix = 0
        while suffix < min(a.count, b.count) - prefix, same(a.count - 1 - suffix, b.count - 1 - suffix) { suffix += 1 }
        var pairs = (0..<prefix).map { ($0, $0) }
        if a.count == b.count { pairs += (prefix..<(a.count - suffix)).map { ($0, $0) } }
        pairs += (0..<suffix).map { (a.count - 1 - $0, b.count - 1 - $0) }
        var partner = [Int?](repeating: nil, count: clean.count)
        for (i, j) in pairs where a[i].count == b[j].count {
            for (p, q) in zip(a[i], b[j]) { partner[p] = q }
        }
        self.init(partner: partner, isPositional: false)
    }

    /// The clean positions left out, for the notice.
    public var unpaired: [Int] { partner.indices.filter { partner[$0] == nil } }
}
