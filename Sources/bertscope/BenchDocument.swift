import Encoder
import Foundation
import Session
import Tokenizers

/// `bench --document W`: a document of W windows end to end, as the
/// workbench and `dump --stride` handle it: tokenization into HF's
/// overflowing windows, then a full trace of every window.
enum BenchDocument {
    struct Report: Encodable {
        let windows: Int, windowTokens: Int, stride: Int, documentTokens: Int
        let tokenizeMs: Double, totalMs: Double, perWindowMs: Double
        let peakRssMb: Double
    }

    static func run(_ model: LoadedModel, windows: Int, iterations: Int) throws -> Report {
        let size = model.encoder.config.maxTokens, stride = ModelSession.windowStride(size)
        // Enough text for `windows` windows: each adds (size − 2 − stride) tokens after the first.
        let sentence = "The river bank was steep, and the old man sat by the water watching the boats go past. "
        let perSentence = max(1, model.tokenizer.tokenize(sentence).count)
        let needed = (size - 2) + (windows - 1) * (size - 2 - stride)
        let text = String(repeating: sentence, count: needed / perSentence + 1)
        var doc = try model.tokenizer.windowed(text, maxLength: size, stride: stride)
        let ws = model.encoder.makeWorkspace()
        var trace = Trace()
        func once() throws -> (Double, Double) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            doc = try model.tokenizer.windowed(text, maxLength: size, stride: stride)
            let t1 = DispatchTime.now().uptimeNanoseconds
            for w in doc.windows.prefix(windows) {
                try model.encoder.forward(
                    ids: w.ids, typeIds: w.typeIds, attentionMask: nil, workspace: ws, into: &trace)
            }
            let t2 = DispatchTime.now().uptimeNanoseconds
            return (Double(t1 - t0) / 1e6, Double(t2 - t0) / 1e6)
        }
        _ = try once()  // warm-up
        var runs: [(Double, Double)] = []
        for _ in 0..<max(1, iterations) { runs.append(try once()) }
        let total = runs.map(\.1).sorted()[runs.count / 2], tokenize = runs.map(\.0).sorted()[runs.count / 2]
        let count = min(windows, doc.windows.count)
        return Report(
            windows: count, windowTokens: size, stride: stride, documentTokens: doc.document.count,
            tokenizeMs: (tokenize * 1000).rounded() / 1000, totalMs: (total * 1000).rounded() / 1000,
            perWindowMs: (total / Double(count) * 1000).rounded() / 1000, peakRssMb: peakResidentMegabytes())
    }
}
