import Foundation

/// What a head typically does, averaged over query rows: how spread out its
/// attention is and where it goes (Clark et al. 2019, "What does BERT look at?").
public struct HeadStatistics: Sendable, Equatable {
    /// Mean row entropy in bits (0 = always one token; log2(n) = uniform).
    public var entropy: Float
    public var toCLS: Float
    public var toSEP: Float
    public var toPunctuation: Float
    public var toPrevious: Float
    public var toNext: Float
    public var toSelf: Float
    /// A local layer's window (keys within ±w of the query), and how many
    /// query rows have a [CLS] within it (the others cannot attend to one).
    public var window: Int? = nil
    public var rowsReachingCLS = 0

    /// `kinds[j]` classifies token j; map rows are token positions.
    public init(_ m: AttentionMap, kinds: [TokenKind]) {
        let n = m.size
        var e: Float = 0, cls: Float = 0, sep: Float = 0, punct: Float = 0, prev: Float = 0, next: Float = 0,
            me: Float = 0
        for i in 0..<n {
            for j in 0..<n {
                let p = m[i, j]
                if p > 0 { e -= p * log2(p) }
                switch kinds[j] {
                case .cls: cls += p
                case .sep: sep += p
                case .punctuation: punct += p
                case .other: break
                }
            }
            if i > 0 { prev += m[i, i - 1] }
            if i + 1 < n { next += m[i, i + 1] }
            me += m[i, i]
        }
        let rows = Float(max(n, 1))
        entropy = e / rows; toCLS = cls / rows; toSEP = sep / rows; toPunctuation = punct / rows
        toPrevious = prev / rows; toNext = next / rows; toSelf = me / rows
    }
}

extension HeadStatistics {
    /// The same for a local layer: rows farther than `window` from every [CLS] cannot reach one,
    /// which is why a local head's CLS share is low. `positions[r]`: row r's first token.
    public init(_ m: AttentionMap, kinds: [TokenKind], window: Int?, positions: [Int]) {
        self.init(m, kinds: kinds)
        guard let window else { return }
        self.window = window
        let cls = kinds.indices.filter { kinds[$0] == .cls }.map { positions[$0] }
        rowsReachingCLS = positions.filter { p in cls.contains { abs($0 - p) <= window } }.count
    }
}

public enum TokenKind: Sendable, Equatable {
    case cls, sep, punctuation, other

    /// Classifies a token string (special tokens by their usual names).
    public static func of(_ token: String, special: Bool) -> TokenKind {
        if special || token == "[CLS]" || token == "[SEP]" {
            return token == "[SEP]" || token == "</s>" ? .sep : (token == "[CLS]" || token == "<s>" ? .cls : .other)
        }
        let scalars = token.unicodeScalars
        if !scalars.isEmpty, scalars.allSatisfy({ $0.properties.generalCategory.isPunctuation }) { return .punctuation }
        return .other
    }
}

extension Unicode.GeneralCategory {
    var isPunctuation: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }
}
