import Encoder
import Tokenizers

/// BERT's pre-training corruption applied to a sentence, for teaching:
/// 15% of tokens chosen; of those 80% → [MASK], 10% → a random token, 10% kept.
public struct MaskingLab: Sendable, Equatable {
    public enum Fate: String, Sendable, Equatable { case masked, randomized, kept }

    public struct Choice: Sendable, Equatable {
        public let position: Int
        public let original: Int
        public let fate: Fate
        public let input: Int
        /// The model's argmax at this position on the corrupted input.
        public var predicted: Int = -1
        public var recovered: Bool { predicted == original }
    }

    public let seed: UInt64
    public let choices: [Choice]
    public let corrupted: [Int]

    /// Deterministic for a seed (SplitMix64), so a class can reproduce it.
    public init(_ e: Encoding, seed: UInt64, maskId: Int, vocabSize: Int, rate: Double = 0.15) {
        var rng = SplitMix64(seed: seed)
        var ids = e.ids
        var choices: [Choice] = []
        let candidates = e.typedPositions
        for p in candidates where rng.nextUnit() < rate {
            let r = rng.nextUnit()
            let (fate, input): (Fate, Int) =
                r < 0.8
                ? (.masked, maskId) : (r < 0.9 ? (.randomized, Int(rng.next() % UInt64(vocabSize))) : (.kept, e.ids[p]))
            ids[p] = input
            choices.append(Choice(position: p, original: e.ids[p], fate: fate, input: input))
        }
        self.seed = seed
        self.choices = choices
        self.corrupted = ids
    }

    /// Runs the model on the corrupted input and records its guesses.
    public func evaluated(with mlm: MaskedLanguageModel, typeIds: [Int]) throws -> MaskingLab {
        guard !choices.isEmpty else { return self }
        let dists = try mlm.distributions(try mlm.forward(corrupted, typeIds), positions: choices.map(\.position))
        var out = self
        out = MaskingLab(
            seed: seed,
            choices: zip(choices, dists).map { c, d in
                var c = c
                c.predicted = d.indices.max { d[$0] < d[$1] }!
                return c
            }, corrupted: corrupted)
        return out
    }

    private init(seed: UInt64, choices: [Choice], corrupted: [Int]) {
        self.seed = seed; self.choices = choices; self.corrupted = corrupted
    }

    public var recoveredCount: Int { choices.filter(\.recovered).count }
}

/// A small seeded generator: the same seed, the same sequence, on every machine.
public struct SplitMix64: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
