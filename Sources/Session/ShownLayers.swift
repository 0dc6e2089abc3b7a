import Analysis
import Checkpoint
import Encoder
import Foundation

/// Which layers the views show. The default model's heads come as overlays
/// that retrain its top layers, so "the model" is several encoders: the
/// published checkpoint, and each head's own. Attention, hidden states,
/// probing, the arithmetic and the layer anatomy read the encoder chosen here.
public enum ShownLayers: String, CaseIterable, Hashable, Sendable {
    case published
    case maskedLM = "masked-lm"
    case task
    case nextSentence = "next-sentence"

    /// "the masked-LM head's": how a title names whose layers these are.
    public var owner: String {
        switch self {
        case .published: "published"
        case .maskedLM: "masked-LM head's"
        case .task: "task head's"
        case .nextSentence: "next-sentence head's"
        }
    }
}

/// The encoder layers an overlay replaces (0-based, sorted), read from its tensor names.
public func overlayLayers(_ file: SafeTensorsFile) -> [Int] {
    var layers = Set<Int>()
    for name in file.entries.keys {
        let parts = name.split(separator: ".")
        // "encoder.layer.N.…" in BertModel's naming (the overlay's), "bert.encoder.layer.N.…" otherwise.
        guard let i = parts.firstIndex(of: "layer"), i > 0, parts[i - 1] == "encoder", i + 1 < parts.count,
            let n = Int(parts[i + 1]), n >= 0, n < 4096
        else { continue }
        layers.insert(n)
    }
    return layers.sorted()
}

extension LoadedModel {
    /// The choices `L` cycles through: the published layers, then each head
    /// that brought layers of its own.
    public var layerChoices: [ShownLayers] {
        [.published] + [ShownLayers.maskedLM, .task, .nextSentence].filter { !(retrained[$0] ?? []).isEmpty }
    }

    /// The encoder whose layers `shown` means; the published one when that head has no layers of its own.
    public func encoder(for shown: ShownLayers) -> BertEncoder {
        guard !(retrained[shown] ?? []).isEmpty else { return encoder }
        switch shown {
        case .published: return encoder
        case .maskedLM: return mlmEncoder ?? encoder
        case .task: return taskEncoder ?? encoder
        case .nextSentence: return nextSentenceEncoder ?? encoder
        }
    }

    /// The model part of the probe cache's keys for `shown`: the published
    /// layers' is the checkpoint's; a head's adds its overlay file's.
    public func probeKey(_ shown: ShownLayers) -> String {
        let base = ProbeCache.modelKey(directory)
        guard shown != .published, let file = overlayFiles[shown] else { return base }
        return base + "." + shown.rawValue.replacingOccurrences(of: "-", with: "") + ProbeCache.fileKey(file)
    }

    /// What a pane's title says: "published layers", or "task head's layers (5–6 retrained)".
    public func layersTitle(_ shown: ShownLayers) -> String {
        guard let layers = retrained[shown], let span = span(layers) else { return "published layers" }
        return "\(shown.owner) layers (\(span) retrained)"
    }
}

/// "4–6" (1-based, as the panes count), "6"; nil when there are none.
func span(_ layers: [Int]) -> String? {
    guard let first = layers.first, let last = layers.last else { return nil }
    return first == last ? "\(first + 1)" : "\(first + 1)–\(last + 1)"
}

/// "layers 4–6", "layer 6"; "layers" when there are none.
func spanText(_ layers: [Int]) -> String {
    guard let s = span(layers) else { return "layers" }
    return (layers.count == 1 ? "layer " : "layers ") + s
}
