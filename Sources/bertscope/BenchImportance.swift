import Analysis
import ArgumentParser
import Encoder
import Foundation
import Session
import Tokenizers

/// `bench --importance class|mask`: head importance (one pass per head, each
/// resumed at the head's layer) on the task head's predicted class or on a
/// masked token's top prediction, as the workbench's `H` grid computes it.
enum BenchImportance {
    enum Target: String, ExpressibleByArgument, CaseIterable { case `class`, mask }

    struct Report: Encodable {
        let target: String, tokens: Int, passes: Int
        let forwardMs: Double, importanceMs: Double, perPassMs: Double
        let peakRssMb: Double
    }

    static func run(_ model: LoadedModel, tokens: Int, target: Target, iterations: Int) throws -> Report {
        let text = String(
            repeating: "The film was slow at first, but the acting was wonderful and the ending truly moved me. ",
            count: tokens / 8 + 2)
        var e = model.tokenizer.encode(text, maxLength: tokens)
        let encoder: BertEncoder
        let loop: () throws -> Void
        switch target {
        case .class:
            guard let te = model.taskEncoder, te.taskHead?.task.kind == .sequenceClassification else {
                throw CommandError("\(model.name) has no sequence-classification head (try --importance mask)")
            }
            let task = try TaskModel(encoder: te, tokenizer: model.tokenizer)
            let label = try task.classify(e).max { $0.score < $1.score }?.id ?? 0
            encoder = te
            loop = { _ = try HeadImportance.compute(task, e, label: label) }
        case .mask:
            guard let me = model.mlmEncoder, let maskId = model.tokenizer.maskId else {
                throw CommandError("\(model.name) has no masked-LM head (try --importance class)")
            }
            let mlm = try MaskedLanguageModel(encoder: me, tokenizer: model.tokenizer)
            let p = e.count / 2
            e.ids[p] = maskId
            let top = try mlm.predict(e, trace: mlm.forward(e.ids, e.typeIds), k: 1)[0].predictions[0].id
            encoder = me
            loop = { _ = try HeadImportance.compute(mlm, e, position: p, target: top) }
        }
        let forward = try BenchExplain.median(iterations) {
            _ = try encoder.forward(ids: e.ids, typeIds: e.typeIds, ablate: HeadSet())
        }
        let total = try BenchExplain.median(max(1, iterations / 10), loop)
        let passes = encoder.config.numLayers * encoder.config.numHeads
        return Report(
            target: target.rawValue, tokens: e.count, passes: passes, forwardMs: BenchExplain.round3(forward),
            importanceMs: BenchExplain.round3(total), perPassMs: BenchExplain.round3(total / Double(passes)),
            peakRssMb: peakResidentMegabytes())
    }
}
