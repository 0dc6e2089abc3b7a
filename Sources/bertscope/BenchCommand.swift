import Analysis
import ArgumentParser
import CKernels
import Checkpoint
import Encoder
import Foundation
import Session
import Tokenizers

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time a full-trace forward pass (all hidden states and attentions) of N tokens, after warm-up."
    )

    @OptionGroup var options: ModelOptions
    @Option(
        name: .long,
        help:
            "Sequence length, special tokens included (default 32); with --workbench, the text's length instead of WORDS."
    )
    var tokens: Int?
    @Option(name: .long, help: "Timed iterations.") var iterations = 50
    @Option(name: .long, help: "Threads for the GEMMs (default: $BERTSCOPE_THREADS, else 2 on multi-core machines).")
    var threads: Int?
    @Flag(name: .long, help: "Print {\"median_ms\", \"p90_ms\", \"tokens\"}.") var json = false
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Time the workbench instead: typing and a paste at the end of a text of this many words (may be left out: 20).",
            valueName: "WORDS"))
    var workbench: Int?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --workbench: time a view instead, typing its own keys (cursor, layer, head, a character in line A); "
                + "one row per view; a comma list, or all for every view. Besides the attention views: "
                + BenchView.help + ".", valueName: "V"))
    var view: BenchViews?
    @Option(
        name: .long,
        help: ArgumentHelp("With --view: stop a view after this many seconds (its row says capped).", valueName: "S"))
    var cap = 60.0
    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --view tokenizers: the arena's tokenizers (default: the model's and Samples' sentencepiece-tiny).",
            valueName: "A,B"))
    var tokenizers: String?
    @Option(
        name: .long,
        help: ArgumentHelp("With --view second-model: the second model (default: the model again).", valueName: "M"))
    var compareModel: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Time an attribution method instead (the task head, else the masked-LM head): forward, gradient, method.",
            valueName: "METHOD"))
    var explain: AttributionMethod?
    @Option(name: .long, help: "Integrated gradients' points for --explain.") var steps = Explainer.defaultSteps
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Time head importance instead (one pass per head): on the task head's predicted class or a masked token's top prediction.",
            valueName: "class|mask"))
    var importance: BenchImportance.Target?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Time a long document end to end instead: tokenized into this many windows of the model's size, every window traced.",
            valueName: "WINDOWS"))
    var document: Int?
    @Flag(name: .long, help: "Keep only the last layer's attention maps in the trace (the workbench's --lean).")
    var lean = false
    @Flag(
        name: .long,
        help: "Keep no attention maps (every hidden state still): how an input whose maps do not fit in memory runs.")
    var noMaps = false
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Measure FAISS's recall@10 against exact search on clustered synthetic unit vectors instead (no model).",
            valueName: "hnsw|ivf"))
    var ann: String?
    @Option(name: .long, help: "With --ann: how many synthetic vectors (200 more are the queries).") var vectors =
        1_000_000
    @Option(name: .long, help: "With --ann: their dimension.") var dimension = 384

    func validate() throws {
        if let tokens, tokens < 1 { throw ValidationError("--tokens must be at least 1") }
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        for (name, value) in [("threads", threads), ("workbench", workbench), ("steps", steps)] {
            if let value, value < 1 { throw ValidationError("--\(name) must be at least 1") }
        }
        guard cap > 0 else { throw ValidationError("--cap must be more than 0 seconds") }
        if workbench == nil, view != nil || tokenizers != nil || compareModel != nil {
            throw ValidationError("--view, --tokenizers and --compare-model go with --workbench")
        }
    }

    func run() throws {
        try reportingErrors {
            if let threads { setThreads(threads) } else { configureThreads() }
            if let ann { return try BenchANN.run(ann, vectors: vectors, dimension: dimension, json: json) }
            let model = try options.load()
            if let words = workbench {
                // as the workbench runs
                if threads == nil { configureThreads(model.encoder.config.hiddenSize >= 768 ? nil : 1) }
                let text = tokens.map { BenchText.sized($0, model.tokenizer) } ?? BenchText.words(words)
                guard let views = view?.views else {
                    return WorkbenchBench.run(model, text: text, width: 160, height: 48, json: json)
                }
                let run = BenchViewRun(
                    model: model, text: text, width: 160, height: 48,
                    tokenizers: tokenizers ?? defaultArena(model), secondModel: compareModel ?? model.directory.path,
                    capSeconds: cap)
                return try WorkbenchBench.run(views, run, json: json)
            }
            if let document {
                guard (1...1000).contains(document) else { throw CommandError("--document takes 1…1000 windows") }
                let r = try BenchDocument.run(model, windows: document, iterations: min(iterations, 10))
                if json { return JSONOutput.print(r) }
                print(
                    "model    \(model.name), \(bs_threads()) thread\(bs_threads() == 1 ? "" : "s")")
                print(
                    "document \(r.documentTokens) tokens in \(r.windows) windows of \(r.windowTokens), stride \(r.stride)"
                )
                print(
                    String(
                        format:
                            "time     %.1f ms end to end (tokenize into windows %.1f ms; %.1f ms per window, full trace)",
                        r.totalMs, r.tokenizeMs, r.perWindowMs))
                print(String(format: "memory   peak resident %.0f MB", r.peakRssMb))
                return
            }
            let tokens = tokens ?? 32
            if let importance {
                let r = try BenchImportance.run(model, tokens: tokens, target: importance, iterations: iterations)
                if json { return JSONOutput.print(r) }
                print(
                    "model      \(model.name), \(r.tokens) tokens, \(bs_threads()) thread\(bs_threads() == 1 ? "" : "s")"
                )
                print(String(format: "forward    %.3f ms (one pass)", r.forwardMs))
                print(
                    String(
                        format: "importance %.1f ms for %d heads (%.3f ms per head, each resumed at its layer; %@)",
                        r.importanceMs, r.passes, r.perPassMs, importance == .class ? "predicted class" : "masked token"
                    ))
                print(String(format: "memory     peak resident %.0f MB", r.peakRssMb))
                return
            }
            if let explain {
                let r = try BenchExplain.run(
                    model, tokens: tokens, method: explain, steps: steps, iterations: iterations)
                if json { return JSONOutput.print(r) }
                print(
                    "model    \(model.name), \(r.tokens) tokens, \(bs_threads()) thread\(bs_threads() == 1 ? "" : "s")")
                print(String(format: "forward  %.3f ms (full trace)", r.forwardMs))
                print(
                    String(
                        format:
                            "gradient %.3f ms (forward with saved activations + backward; backward = %.2f× forward)",
                        r.gradientMs, r.backwardForwardRatio))
                print(
                    String(
                        format: "%@ %.3f ms%@", explain.rawValue, r.explainMs,
                        explain == .integratedGradients ? " (\(steps) steps)" : ""))
                print(String(format: "memory   peak resident %.0f MB", r.peakRssMb))
                return
            }
            let encoder = model.encoder
            guard tokens <= encoder.config.maxTokens else {
                throw CommandError("--tokens \(tokens) exceeds the model's \(encoder.config.maxTokens) positions")
            }
            let ids = sampleIds(model.tokenizer, count: tokens)
            let ws = encoder.makeWorkspace()
            var trace = Trace()
            let L = encoder.config.numLayers, keep = noMaps ? 0..<0 : lean ? (L - 1)..<L : nil
            // Warm-up: three passes, one for long inputs (a pass of thousands of tokens is seconds long).
            for _ in 0..<(tokens >= 2048 ? 1 : 3) {
                try encoder.forward(
                    ids: ids, typeIds: nil, attentionMask: nil, workspace: ws, into: &trace, keepAttention: keep)
            }
            var times: [Double] = []
            for _ in 0..<iterations {
                let start = DispatchTime.now().uptimeNanoseconds
                try encoder.forward(
                    ids: ids, typeIds: nil, attentionMask: nil, workspace: ws, into: &trace, keepAttention: keep)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            let median =
                times.count % 2 == 1
                ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
            let p90 = times[min(times.count - 1, Int((Double(times.count) * 0.9).rounded(.up)) - 1)]
            let layers = try BenchLayerTimes.measure(
                encoder, ids: ids, runs: tokens >= 2048 ? 1 : min(iterations, 5), keep: keep)
            if json {
                JSONOutput.print(
                    BenchJSON(
                        medianMs: (median * 1000).rounded() / 1000, p90Ms: (p90 * 1000).rounded() / 1000,
                        tokens: tokens, peakRssMb: peakResidentMegabytes(), layers: layers))
            } else {
                let c = encoder.config
                print("model    \(model.directory.path)")
                print("shape    \(c.numLayers) layers × \(c.numHeads) heads, hidden \(c.hiddenSize), \(tokens) tokens")
                let isa = bs_uses_avx512() != 0 ? "AVX-512" : bs_uses_avx2() != 0 ? "AVX2+FMA" : "portable"
                print("kernels  \(isa), \(bs_threads()) thread\(bs_threads() == 1 ? "" : "s")")
                print(
                    "forward  median \(format(median)) ms, p90 \(format(p90)) ms, min \(format(times[0])) ms over \(iterations) runs"
                )
                // Weights are mapped, so the peak counts the pages the pass touched plus the full trace.
                print(
                    String(
                        format: "memory   peak resident %.0f MB (weights mapped, one %@ trace)",
                        peakResidentMegabytes(),
                        noMaps ? "mapless (hidden states only)" : lean ? "lean (last layer's maps)" : "full"))
                if let layers { print(layers.line) }
            }
        }
    }

    /// Real token ids: a sample sentence tokenized and repeated to `count` tokens.
    private func sampleIds(_ tokenizer: Tokenizer, count: Int) -> [Int] {
        let text = "BertScope shows what every attention head of the encoder looks at, layer by layer, as you type."
        let e = tokenizer.encode(text)
        let body = Array(e.ids.dropFirst().dropLast())
        guard let cls = e.ids.first, let sep = e.ids.last, !body.isEmpty else {
            return Array(repeating: 0, count: count)
        }
        if count == 1 { return [cls] }
        var ids = [cls]
        while ids.count < count - 1 { ids.append(body[(ids.count - 1) % body.count]) }
        return ids + [sep]
    }

    private func format(_ ms: Double) -> String { String(format: "%.3f", ms) }

    /// The tokenizer arena's default: the model's own and the sentencepiece one the tours ship.
    private func defaultArena(_ model: LoadedModel) -> String {
        let spm = Resources.directory("Samples")?.appendingPathComponent("tours/tokenizers/sentencepiece-tiny")
        return ([model.directory.path] + [spm?.path].compactMap { $0 }).joined(separator: ",")
    }
}

/// The process's peak resident set size so far, in MB: VmHWM of this
/// program's own memory (getrusage's maxrss is inherited across fork and
/// exec, so a bench run from a large parent — Python with PyTorch loaded —
/// reported the parent's peak), else getrusage (kilobytes on Linux).
func peakResidentMegabytes() -> Double {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
    {
        return (kb / 1024 * 10).rounded() / 10
    }
    var usage = rusage()
    guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
    return (Double(usage.ru_maxrss) / 1024 * 10).rounded() / 10
}
