import Analysis
import ArgumentParser
import Checkpoint
import Session
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
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also write context-mixing maps, DIR/mixing-<method>.npy, [L, n, n] per layer (norm-heads: [L, H, n, n]): norm, norm-heads, norm-residual, value-zeroing, value-zeroing-rollout, rollout, flow, or all.",
            valueName: "METHOD[,METHOD…]"))
    var mixing: String?
    @Option(
        name: .long,
        help:
            "Long documents: windows sharing S tokens (as tokenize --stride); one trace per window in DIR/window-K/, windows.json, and a stitched DIR/hidden_states.npy."
    )
    var stride: Int?
    @Option(name: .long, help: "Window size with --stride (default: the model's positions).") var maxLength: Int?
    @Flag(
        name: .long,
        help:
            "Write no attentions.npy: the hidden states alone, from a pass that keeps no maps (a long ModernBERT input's every map would be tens of GB)."
    )
    var noAttentions = false
    @Argument(help: "The text to encode.") var text: String

    func validate() throws {
        guard !out.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--out needs a directory (an empty path would write into the current one)")
        }
        if stride != nil || maxLength != nil {
            guard pair == nil else { throw ValidationError("--stride windows one TEXT (no --pair)") }
            guard !noAttentions else {
                throw ValidationError("--no-attentions is for one pass: --stride writes each window's maps")
            }
            if let s = stride, s < 0 { throw ValidationError("--stride must be 0 or more") }
            if let n = maxLength, n < 1 { throw ValidationError("--max-length must be at least 1") }
        }
    }

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let encoder = model.encoder
            if stride != nil || maxLength != nil { return try dumpWindows(model) }
            let e = encodeForModel(model.tokenizer, encoder.config, text: text, pair: pair)
            try checkMapsFit(encoder.config, tokens: e.count)
            var trace = Trace()
            try encoder.forward(
                ids: e.ids, typeIds: e.typeIds, attentionMask: nil,
                ablate: try ablation.heads(for: encoder, tokenizer: model.tokenizer),
                workspace: encoder.makeWorkspace(),
                into: &trace, keepAttention: noAttentions ? 0..<0 : nil)
            let outDir = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
            let c = encoder.config, n = e.count
            try OutputFile.makeDirectories(outDir.path)
            try NPYWriter.write(
                outDir.appendingPathComponent("hidden_states.npy"), shape: [c.numLayers + 1, n, c.hiddenSize],
                values: trace.hiddenStates)
            if !noAttentions {
                try NPYWriter.write(
                    outDir.appendingPathComponent("attentions.npy"), shape: [c.numLayers, c.numHeads, n, n],
                    values: trace.attentions)
            }
            try OutputFile.write(
                Data((EncodingJSON.object(e) + "\n").utf8), to: outDir.appendingPathComponent("tokens.json"))
            if let mixing {
                try MixingDump(encoder: encoder, trace: trace, directory: outDir).write(
                    try MixingDump.methods(mixing), all: mixing.split(separator: ",").contains("all"))
            }
            printText("wrote \(e.count) tokens × \(encoder.config.numLayers) layers to \(outDir.path)")
        }
    }

    /// Every layer's maps are held, then written: refused in one line when they would not fit in memory.
    private func checkMapsFit(_ c: ModelConfig, tokens n: Int) throws {
        guard !noAttentions else {
            if mixing != nil { throw CommandError("--mixing reads the attention maps: leave out --no-attentions") }
            return
        }
        let need = c.mapBytes(tokens: n), budget = MemoryBudget.bytes / 2
        guard need <= budget else {
            throw CommandError(
                "the attention maps of \(n) tokens take \(ByteCount(need).oneDecimal) (\(c.numLayers) layers × \(c.numHeads) heads × \(n)²), more than the \(ByteCount(budget).oneDecimal) this run may hold: --no-attentions writes the hidden states alone"
            )
        }
    }

    /// One trace per window and the document stitched from the windows where each token is most central.
    private func dumpWindows(_ model: LoadedModel) throws {
        let c = model.encoder.config
        let doc = try model.tokenizer.windowed(
            text, maxLength: min(maxLength ?? c.maxTokens, c.maxTokens), stride: stride ?? 0)
        let outDir = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        let heads = try ablation.heads(for: model.encoder, tokenizer: model.tokenizer)
        try WindowDump(model: model, doc: doc, directory: outDir, ablate: heads).run()
        printText(
            "wrote \(doc.windows.count) windows and \(doc.document.count) document tokens × \(c.numLayers) layers to \(outDir.path)"
        )
    }
}

/// `dump --stride`'s windows.json: each window's tokens and character spans,
/// and for every document token the window and position it was taken from.
struct WindowsJSON: Encodable {
    struct Window: Encodable {
        let tokens: [String], ids: [Int], offsets: [[Int]], documentStart: Int, documentEnd: Int
    }
    struct Token: Encodable { let token: String, offset: [Int], window: Int, position: Int }
    let windows: [Window], document: [Token]

    init(_ doc: WindowedText, _ central: [(window: Int, position: Int)]) {
        windows = zip(doc.windows, doc.ranges).map { w, r in
            Window(
                tokens: w.tokens, ids: w.ids, offsets: w.offsets.map { [$0.start, $0.end] },
                documentStart: r.lowerBound,
                documentEnd: r.upperBound)
        }
        document = zip(doc.document, central).map { t, at in
            Token(token: t.token, offset: [t.span.start, t.span.end], window: at.window + 1, position: at.position)
        }
    }
}
