import ArgumentParser
import Checkpoint
import Encoder
import CKernels
import Foundation
import SafeIO
import Session
import TextCells
import Tokenizers

/// `--model`, shared by every subcommand.
struct ModelOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Model directory or Hugging Face hub id (default: $BERTSCOPE_MODEL, else all-MiniLM-L6-v2).", valueName: "M"
        ))
    var model: String?

    func directory() throws -> URL { try ModelLocator().resolve(model) }

    /// The model with everything BertScope adds to it (the default model's trained heads).
    func load() throws -> LoadedModel { try Self.load(model) }

    /// Any model as `--model` loads it: with the default model's trained heads from Samples/.
    static func load(_ spec: String?) throws -> LoadedModel {
        let samples = Resources.directory("Samples")
        return try LoadedModel.load(
            spec, mlmOverlay: samples?.appendingPathComponent("mlm-head/minilm-mlm-overlay.safetensors"),
            taskOverlay: samples?.appendingPathComponent("sentiment/minilm-sentiment-overlay.safetensors"),
            nextSentenceOverlay: samples?.appendingPathComponent("nsp-head/minilm-nsp-overlay.safetensors"))
    }

    func config(in dir: URL) throws -> ModelConfig {
        try ModelConfig(contentsOf: dir.appendingPathComponent("config.json"))
    }
}

/// Prints `bertscope: error: …` on one line to stderr and exits 1.
func exitWithError(_ error: Error) -> ExitCode {
    let text: String
    switch error {
    case let e as CheckpointError: text = e.message
    case let e as TokenizerError: text = e.message
    case let e as EncoderError: text = e.message
    case let e as CommandError: text = e.message
    case let e as FileWriteError: text = e.description
    default: text = "\(error)"
    }
    writeStderr("bertscope: error: " + text)
    return ExitCode.failure
}

/// One line on stderr. Messages carry paths, arguments and lines of shared
/// files: every control character in them is escaped (`terminalLine`).
func writeStderr(_ line: String) {
    FileHandle.standardError.write(Data((terminalLine(line) + "\n").utf8))
}

/// Human-readable output (tables, "wrote …") to stdout, its lines escaped as
/// `writeStderr`'s: tokens, labels and paths come from files and arguments.
func printText(_ text: String) {
    print(terminalText(text))
}

/// Runs `body`, turning any error into a one-line message and exit status 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch let exit as ExitCode { throw exit } catch { throw exitWithError(error) }
}

/// Tokenizes for the model, warning on stderr when truncation cut tokens.
func encodeForModel(_ tokenizer: Tokenizer, _ config: ModelConfig, text: String, pair: String?, line: Int? = nil)
    -> Encoding
{
    let e = tokenizer.encode(text, pair: pair, maxLength: config.maxTokens)
    if e.truncated > 0 {
        let which = line.map { "stdin line \($0): " } ?? ""
        writeStderr(
            "bertscope: warning: \(which)input has \(e.count + e.truncated) tokens; truncated to the model's \(config.maxTokens) positions (\(e.truncated) cut)"
        )
    }
    return e
}

/// GEMM threads: $BERTSCOPE_THREADS, else `preferred`, else 2 when the machine has them.
func configureThreads(_ preferred: Int? = nil) {
    let env = ProcessInfo.processInfo.environment["BERTSCOPE_THREADS"].flatMap(Int.init)
    bs_set_threads(Int32(env ?? preferred ?? min(2, ProcessInfo.processInfo.activeProcessorCount)))
}

/// `--threads N`: the kernels' pool has a fixed most (pool.c's MAX_THREADS) and clamps to it; said when it does.
func setThreads(_ n: Int) {
    bs_set_threads(Int32(clamping: n))
    let used = Int(bs_threads())
    if used != n {
        writeStderr("bertscope: warning: --threads \(n): the kernels run at most \(used) threads; using \(used)")
    }
}

/// Large buffers a pass frees stay in the process for the next pass: glibc
/// otherwise maps each one above 128 KB fresh and unmaps it on free, and every
/// gradient pass faulted its saved activations in again, zeroed page by page
/// (a gradient at 512 tokens on the default model 365 → 278 ms, integrated
/// gradients of 50 points at 32 tokens 787 → 660 ms, peak RSS unchanged). The
/// forward trace reuses its own workspace and is not affected. `--lean` gives
/// freed memory back again.
func keepFreedMemory(_ keep: Bool = true) { bs_keep_freed_memory(keep ? 1 : 0) }

/// Under `ulimit -v`, one malloc arena: the address space is then the data's, not the threads' reservations.
func fitAddressLimit() { bs_fit_address_limit() }

/// `bertscope: NAME ████░░░ done/total, ETA s` on stderr, redrawn in place; a newline at the end unless told not to.
func progressBar(_ name: String, _ done: Int, _ total: Int, started: Date, newlineAtEnd: Bool = true) {
    let elapsed = Date().timeIntervalSince(started), eta = elapsed / Double(max(done, 1)) * Double(total - done)
    let width = 24, filled = width * done / max(1, total)
    let bar = BarGlyphs.solid(filled) + String(repeating: "░", count: width - filled)
    FileHandle.standardError.write(
        Data(String(format: "\rbertscope: %@ %@ %d/%d, ETA %.0f s   ", name, bar, done, total, eta).utf8))
    if done == total && newlineAtEnd { FileHandle.standardError.write(Data("\n".utf8)) }
}

/// `--ablate L.H[,L.H…]`, shared by the commands that run the model.
struct AblationOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Ablate these attention heads (layers and heads from 1, as the workbench shows them): each head's context is zeroed before the output projection.",
            valueName: "L.H[,L.H…]"))
    var ablate: String?

    @Option(
        name: .long,
        help: "zero (transformers' head_mask) or mean (each head's output replaced by its mean over --reference).")
    var ablateMode = AblationMode.zero

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Sentences for mean ablation, one per line (default: Samples/teaching.txt).", valueName: "FILE"))
    var reference: String?

    enum AblationMode: String, ExpressibleByArgument, CaseIterable { case zero, mean }

    /// The heads, checked against the model's shape; for mean ablation with
    /// their means over the reference sentences on `encoder`.
    func heads(for encoder: BertEncoder, tokenizer: Tokenizer) throws -> HeadSet {
        guard let ablate else { return HeadSet() }
        let config = encoder.config
        let set: HeadSet
        do { set = try HeadSet.parse(ablate, layers: config.numLayers, heads: config.numHeads) } catch let e
            as EncoderError
        {
            throw CommandError("--ablate: " + e.message)
        }
        guard ablateMode == .mean else { return set }
        let sentences = try WorkbenchSetup.referenceSentences(reference)
        return set.withMeans(try HeadSet.headMeans(over: sentences, on: encoder, tokenizer: tokenizer))
    }
}

/// `--layers`: whose layers a command runs (`probe`, `anatomy`).
struct LayersOption: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Whose layers: published, or a head's retrained ones (masked-lm, task, next-sentence; the default model's heads)."
    ) var layers = ShownLayers.published

    /// The encoder with those layers, or a one-line error naming the ones this model has.
    func encoder(of model: LoadedModel) throws -> BertEncoder {
        guard model.layerChoices.contains(layers) else {
            throw CommandError(
                "--layers \(layers.rawValue): this model has "
                    + model.layerChoices.map(\.rawValue).joined(separator: ", "))
        }
        return model.encoder(for: layers)
    }
}
