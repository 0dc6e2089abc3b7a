import Analysis
import ArgumentParser
import Encoder
import Foundation
import SafeIO
import Session
import TextCells
import Tokenizers

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Train a linear probe on every layer and report what each layer knows.",
        discussion: """
            --data is a directory with train/test (and optionally dev) .conllu or .tsv \
            files, or one file split 80/10/10 by sentence order; the default is \
            Samples/probing (Jane Austen with SILVER labels from spaCy). Each probe is \
            multinomial logistic regression with L2 (Adam, early stopping on dev, \
            fixed seed); the control task gives every word type a fixed random label \
            (Hewitt & Liang 2019) and selectivity = accuracy - control accuracy.
            """
    )

    @OptionGroup var options: ModelOptions
    @Option(name: .long, help: "Data directory or file (default: Samples/probing).") var data: String?
    @Option(name: .long, help: "upos, xpos, deprel, ner, control (UPOS's control task), label (TSV), or all.")
    var task = ProbeTask.upos
    @Option(
        name: .long,
        help:
            "Print each word's predicted label per layer for this sentence (probes from the cache, trained first if needed)."
    ) var sentence: String?
    @Option(name: .long, help: "Word features: first piece or mean of pieces.") var pooling = ProbeFeatures.Pooling
        .first
    @Option(name: .long, help: "Use at most this many training sentences.") var maxSentences: Int?
    @Flag(
        name: .long,
        help:
            "JSON: one object per task, {\"task\", \"layers\":[{\"layer\",\"accuracy\",\"control_accuracy\"}], \"expected_layer\"}."
    ) var json = false
    @Flag(name: .long, help: "Do not save the trained probes to the cache the workbench reads.") var noCache = false
    @OptionGroup var shown: LayersOption
    @Flag(
        name: .long,
        help:
            "Also train a scalar-mix probe over all layers (Tenney et al. 2019): its layer weights and their center of gravity."
    ) var mix = false

    func validate() throws {
        if let m = maxSentences, m < 1 { throw ValidationError("--max-sentences must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            configureThreads()
            let model = try options.load()
            let layers = shown.layers, encoder = try shown.encoder(of: model), modelKey = model.probeKey(layers)
            let (train, dev, test) = try loadSplits()
            let pool = pooling
            let tasks = task == .all ? ["upos", "xpos", "deprel", "ner"] : [task.rawValue]
            if let sentence, let t = tasks.first,
                let cached =
                    (try? ProbeCache.load(
                        key: ProbeCache.key(model: modelKey, task: t, dataFiles: dataFiles),
                        inputs: model.encoder.config.hiddenSize)) ?? nil
            {
                return print(try Self.labels(of: sentence, cached, model, encoder, json: json))
            }
            let t0 = Date()
            func extract(_ s: [LabeledSentence], _ name: String) throws -> (ProbeFeatures, [[Bool]]) {
                let start = Date()
                return try ProbeFeatures.extract(s, encoder: encoder, tokenizer: model.tokenizer, pooling: pool) {
                    done in
                    guard done % 50 == 0 || done == s.count else { return }
                    // the summary line overwrites it
                    progressBar("encoding \(name)", done, s.count, started: start, newlineAtEnd: false)
                }
            }
            let (ftr, ktr) = try extract(train, "train"), (fdv, kdv) = try extract(dev, "dev"),
                (fte, kte) = try extract(test, "test")
            writeStderr(
                String(
                    format: "\rbertscope: encoded %d sentences in %.1f s\u{1B}[K", train.count + dev.count + test.count,
                    Date().timeIntervalSince(t0)))
            var reports: [ProbeReport] = []
            for t in tasks {
                let trained = try Prober.train(
                    task: t == "control" ? "upos" : t, train: train, dev: dev, test: test,
                    features: (ftr, fdv, fte), kept: (ktr, kdv, kte), controlAsTask: t == "control", mix: mix)
                reports.append(trained.report)
                if !noCache {
                    let key = ProbeCache.key(model: modelKey, task: t, dataFiles: dataFiles)
                    do { try ProbeCache.save(trained, key: key) } catch {
                        writeStderr(
                            "bertscope: warning: could not cache the \(t) probes: \(IOErrorText.describe(error))")
                    }
                }
                if let sentence { return print(try Self.labels(of: sentence, trained, model, encoder, json: json)) }
            }
            print(
                json
                    ? reports.map { JSONOutput.string(Self.json($0)) }.joined(separator: "\n")
                    : reports.map(Self.table).joined(separator: "\n\n"))
        }
    }

    private var dataURL: URL? {
        data.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
            ?? Resources.directory("Samples")?.appendingPathComponent("probing")
    }

    /// The files the probes were trained from (part of the cache key).
    private var dataFiles: [URL] {
        guard let url = dataURL else { return [] }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
            return [url]
        }
        return ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
            .filter { $0.hasSuffix(".conllu") || $0.hasSuffix(".tsv") }.map { url.appendingPathComponent($0) }
    }

    private func loadSplits() throws -> ([LabeledSentence], [LabeledSentence], [LabeledSentence]) {
        guard let url = dataURL else { throw CommandError("no --data given and no Samples/probing found") }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw CommandError("\(url.path) does not exist")
        }
        func read(_ name: String) throws -> [LabeledSentence]? {
            for ext in ["conllu", "tsv"] {
                let f = url.appendingPathComponent("\(name).\(ext)")
                if FileManager.default.fileExists(atPath: f.path) { return try LabeledCorpus.read(f) }
            }
            return nil
        }
        var train: [LabeledSentence], dev: [LabeledSentence], test: [LabeledSentence]
        if isDir.boolValue {
            guard let tr = try read("train"), let te = try read("test") else {
                throw CommandError("\(url.path) needs train and test .conllu or .tsv files")
            }
            train = tr
            test = te
            dev = try read("dev") ?? Array(tr.suffix(max(1, tr.count / 10)))
            if try read("dev") == nil { train = Array(tr.dropLast(max(1, tr.count / 10))) }
        } else {
            let all = try LabeledCorpus.read(url)
            let a = all.count * 8 / 10, b = all.count * 9 / 10
            (train, dev, test) = (Array(all[..<a]), Array(all[a..<b]), Array(all[b...]))
        }
        if let m = maxSentences { train = Array(train.prefix(m)) }
        guard !train.isEmpty, !dev.isEmpty, !test.isEmpty else {
            throw CommandError("the data needs sentences in train, dev and test")
        }
        return (train, dev, test)
    }

    static func table(_ r: ProbeReport) -> String {
        var lines = ["\(r.task): \(r.labels.count) labels; test accuracy per layer (control task; selectivity)"]
        for l in r.accuracy.indices {
            let bar = BarGlyphs.solid(Int((r.accuracy[l] * 30).rounded()))
            lines.append(
                String(
                    format: "  %@  %5.1f%%  (control %5.1f%%, selectivity %+5.1f)  ", l == 0 ? "emb" : "L\(l) ",
                    r.accuracy[l] * 100, r.controlAccuracy[l] * 100, r.selectivity[l] * 100) + bar
                    + (l == r.bestLayer ? " ← best" : ""))
        }
        lines.append(
            String(format: "  expected layer %.2f (Tenney et al. 2019, from the per-layer gains)", r.expectedLayer))
        if let m = r.mix {
            let weights = m.weights.enumerated().map {
                ($0.offset == 0 ? "emb " : "L\($0.offset) ") + String(format: "%.2f", $0.element)
            }
            lines.append(
                String(
                    format: "  scalar mix %5.1f%%, center of gravity %.2f; weights ", m.accuracy * 100,
                    m.centerOfGravity) + weights.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ r: ProbeReport) -> ProbeJSON {
        ProbeJSON(
            task: r.task, labels: r.labels.count,
            layers: r.accuracy.indices.map {
                .init(layer: $0, accuracy: r.accuracy[$0], controlAccuracy: r.controlAccuracy[$0])
            },
            bestLayer: r.bestLayer, expectedLayer: r.expectedLayer,
            mix: r.mix.map {
                .init(accuracy: $0.accuracy, centerOfGravity: $0.centerOfGravity, gamma: $0.gamma, weights: $0.weights)
            })
    }

    /// `--sentence`: every word's label at every layer, as a table (JSON with --json).
    static func labels(
        of sentence: String, _ p: TrainedProbes, _ model: LoadedModel, _ encoder: BertEncoder, json: Bool
    ) throws -> String {
        let e = model.tokenizer.encode(sentence, maxLength: encoder.config.maxTokens)
        let trace = try encoder.forward(ids: e.ids, typeIds: e.typeIds)
        let starts = e.wordStarts
        let labels = p.labels(trace, positions: starts)
        let words = starts.map { e.typedWord(of: $0, in: sentence) ?? e.tokens[$0] }
        if json {
            return JSONOutput.string(
                ProbeSentenceJSON(task: p.task, words: zip(words, labels).map { .init(word: $0, labels: $1) }))
        }
        let width = max(6, words.map(displayWidth).max() ?? 6), layers = labels.first?.count ?? 0
        let cell = max(6, (labels.flatMap { $0 }.map(displayWidth).max() ?? 4) + 1)
        var lines = [
            "\(p.task): each word's label at every layer",
            fit("word", width) + " " + (0..<layers).map { fit($0 == 0 ? "emb" : "L\($0)", cell) }.joined(),
        ]
        for (w, row) in zip(words, labels) { lines.append(fit(w, width) + " " + row.map { fit($0, cell) }.joined()) }
        return lines.joined(separator: "\n")
    }
}

/// `--task`: the probing tasks of the shipped data (or a TSV's labels).
enum ProbeTask: String, CaseIterable, ExpressibleByArgument {
    case upos, xpos, deprel, ner, control, label, all
}

extension ProbeFeatures.Pooling: ExpressibleByArgument {}
extension ShownLayers: ExpressibleByArgument {}
