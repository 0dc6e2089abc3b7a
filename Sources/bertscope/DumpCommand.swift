import Analysis
import ArgumentParser
import Checkpoint
import Encoder
import Foundation
import SafeIO
import Tokenizers

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Run the encoder on TEXT and write every layer's hidden states and attentions as .npy.",
        discussion: """
            Writes DIR/hidden_states.npy (float32 [L+1, n, d]: embeddings, then each layer), \
            DIR/attentions.npy (float32 [L, H, n, n]: rows are queries) and DIR/tokens.json \
            (the tokenize --json object).
            """
    )

    @OptionGroup var options: ModelOptions
    @Option(name: .long, help: ArgumentHelp("Directory to write (created if missing).", valueName: "DIR")) var out:
        String
    @Option(name: .long, help: ArgumentHelp("Second sentence of a pair.", valueName: "TEXT_B")) var pair: String?
    @OptionGroup var ablation: AblationOption
    @Flag(
        name: .long,
        help:
            "Also write context-mixing maps: mixing_norm_heads.npy [L, H, n, n] (‖αf(x)‖), mixing_norm.npy [L, n, n] (summed over heads), mixing_norm_res_ln.npy [L, n, n] (with residual and LayerNorm)."
    )
    var mixing = false
    @Argument(help: "The text to encode.") var text: String

    func validate() throws {
        guard !out.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--out needs a directory (an empty path would write into the current one)")
        }
    }

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let encoder = model.encoder
            let e = encodeForModel(model.tokenizer, encoder.config, text: text, pair: pair)
            let trace = try encoder.forward(
                ids: e.ids, typeIds: e.typeIds, ablate: try ablation.heads(for: encoder, tokenizer: model.tokenizer))
            let outDir = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
            let c = encoder.config, n = e.count
            try FileLock.makeDirectories(outDir.path)
            try NPYWriter.write(
                outDir.appendingPathComponent("hidden_states.npy"), shape: [c.numLayers + 1, n, c.hiddenSize],
                values: trace.hiddenStates)
            try NPYWriter.write(
                outDir.appendingPathComponent("attentions.npy"), shape: [c.numLayers, c.numHeads, n, n],
                values: trace.attentions)
            try FileLock.writeAtomically(
                Data((EncodingJSON.object(e) + "\n").utf8), to: outDir.appendingPathComponent("tokens.json"))
            if mixing {
                let maps = (0..<c.numLayers).map { ContextMixing.compute(encoder, trace, layer: $0) }
                try NPYWriter.write(
                    outDir.appendingPathComponent("mixing_norm_heads.npy"), shape: [c.numLayers, c.numHeads, n, n],
                    values: maps.flatMap(\.normPerHead))
                try NPYWriter.write(
                    outDir.appendingPathComponent("mixing_norm.npy"), shape: [c.numLayers, n, n],
                    values: maps.flatMap(\.norm))
                try NPYWriter.write(
                    outDir.appendingPathComponent("mixing_norm_res_ln.npy"), shape: [c.numLayers, n, n],
                    values: maps.flatMap(\.normResidualLN))
            }
            print("wrote \(e.count) tokens × \(encoder.config.numLayers) layers to \(outDir.path)")
        }
    }
}
