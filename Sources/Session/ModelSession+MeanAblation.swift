import Analysis
import Encoder
import Foundation
import Tokenizers

extension ModelSession {
    /// The heads an input ablates on `encoder`: as given, or for mean
    /// ablation with each head's mean output over the reference sentences on
    /// that encoder (an overlay's retrained layers have their own means).
    /// Without reference sentences, or if they fail to run, heads are zeroed.
    func ablation(_ input: SessionInput, on encoder: BertEncoder) -> HeadSet {
        var set = input.ablated.headSet
        if input.meanAblation, !input.ablated.isEmpty, let means = headMeans(on: encoder) { set = set.withMeans(means) }
        // The scale experiment travels with the heads' interventions into every pass (not DeBERTa's scores).
        if encoder.config.relative == nil { set.attentionScale = input.attentionScale }
        return set
    }

    /// Every head's mean output over the reference sentences, once per encoder.
    func headMeans(on encoder: BertEncoder) -> [HeadSet.Head: [Float]]? {
        let key = ObjectIdentifier(encoder)
        let (cached, sentences) = meansLock.withLock { (meansCache[key], referenceSentences) }
        if let cached { return cached }
        guard !sentences.isEmpty else { return nil }
        guard let means = try? HeadSet.headMeans(over: sentences, on: encoder, tokenizer: model.tokenizer) else {
            return nil
        }
        meansLock.withLock { meansCache[key] = means }
        return means
    }

    /// The sentences mean ablation averages over (the workbench's teaching samples).
    public func setReference(_ sentences: [String]) {
        meansLock.withLock {
            referenceSentences = sentences
            meansCache = [:]
            windowAttributions.removeAll()  // mean ablation's values change with the reference
        }
    }

    public var reference: [String] { meansLock.withLock { referenceSentences } }
}

extension HeadSet {
    /// Every head's mean output on `encoder` over `sentences`, each encoded
    /// for it: what mean ablation puts in a head's place (`--ablate-mode
    /// mean` and the workbench).
    public static func headMeans(over sentences: [String], on encoder: BertEncoder, tokenizer: Tokenizer) throws
        -> [Head: [Float]]
    {
        try encoder.headMeans(sentences.map { tokenizer.encode($0, maxLength: encoder.config.maxTokens).ids })
    }

    /// The set with its own heads' means from `means`: mean ablation.
    public func withMeans(_ means: [Head: [Float]]) -> HeadSet {
        var set = self
        set.means = means.filter { heads.contains($0.key) }
        return set
    }
}
