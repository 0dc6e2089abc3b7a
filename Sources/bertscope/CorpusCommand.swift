import Analysis
import TextCells
import ArgumentParser
import Corpus
import CorpusText
import Foundation
import SafeIO
import Session

struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Index a corpus's contextual token vectors, search them, and join shards.",
        discussion: """
            corpus index runs the model over text files (plain lines, JSONL, CSV/TSV with a header, \
            CoNLL-U) and stores every token's vectors at chosen layers (F16, memory-mapped) with the \
            sentences, tokens, offsets, labels and gold tags in SQLite. corpus search finds the tokens \
            nearest by cosine to a token of TEXT. docs/corpus.md has the recipe for shards.
            """,
        subcommands: [
            CorpusIndexCommand.self, CorpusSearchCommand.self, CorpusMergeCommand.self, CorpusInfoCommand.self,
            CorpusAnnCommand.self, CorpusReportCommand.self,
        ]
    )
}

/// The model part of an index's identity: config, weights and tokenizer files.
func corpusModelKey(_ model: LoadedModel) -> String {
    var h = FNV1a()
    for name in ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"] {
        h.mix(Array(ProbeCache.fileKey(model.directory.appendingPathComponent(name)).utf8))
    }
    return model.probeKey(.published) + "." + h.hex
}

/// The index in `path`, refused unless `model` built it (a stale index would answer wrongly).
func openCorpusIndex(_ path: String, for model: LoadedModel) throws -> CorpusIndex {
    let index = try CorpusIndex(files: IndexFiles(directory: directoryURL(path)))
    let key = corpusModelKey(model)
    guard key == index.meta.modelKey, index.meta.width == model.encoder.config.hiddenSize else {
        throw CommandError(
            "the index was built with \(index.meta.model) (key \(index.meta.modelKey)); this is \(model.name) (key \(key)): use --model as indexed, or index again"
        )
    }
    return index
}

/// `--index DIR` / `--out DIR` with `~` expanded.
func directoryURL(_ path: String) -> URL { URL(fileURLWithPath: (path as NSString).expandingTildeInPath) }

struct CorpusIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Run the model over FILE… and store token vectors, sentences and tags in DIR.",
        discussion: """
            Formats by extension: .txt (one sentence or paragraph a line; every line is a sentence, \
            its number from 0 its id), .jsonl ({"text", "pair"?, "label"?}), .csv/.tsv (a header \
            naming text, pair and label columns; --columns renames), .conllu (gold UPOS, XPOS, head, \
            deprel, NER kept per token). A bad row is named on stderr and skipped. Indexing commits \
            every 512 rows: run the same command again to resume. --shard K/N indexes the K-th of N \
            equal runs of rows into shard-K-of-N files; corpus merge joins them.
            """
    )
    @OptionGroup var options: ModelOptions
    @Option(name: .long, help: ArgumentHelp("Directory for the index (created if missing).", valueName: "DIR"))
    var out: String
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Layers to store (0 = embedding output, as dump), or all (default: first, middle, last).",
            valueName: "L,…"))
    var layers: String?
    @Option(name: .long, help: "Read every FILE as text, jsonl, csv, tsv or conllu (default: by extension).")
    var format: String?
    @Option(
        name: .long, help: ArgumentHelp("Column or key names, e.g. text=review,label=stars.", valueName: "ROLE=NAME,…"))
    var columns: String?
    @Option(name: .long, help: ArgumentHelp("Index only the K-th of N equal runs of rows.", valueName: "K/N"))
    var shard: String?
    @Flag(name: .long, help: "Build again from the start, removing this index's own files (nothing else).")
    var restart = false
    @Flag(
        name: .long,
        help:
            "Also store the model's sequence classifier's answer for every row (the default model: its sentiment head), with the loss against the row's label."
    )
    var classify = false
    @Flag(
        name: .long,
        help:
            "Also store the attention head contexts of the chosen layers from 1 (each head's output before the layer's output projection): corpus search --heads compares them."
    )
    var contexts = false
    @Flag(
        name: .long,
        help:
            "Tag rows without gold tags (UPOS, XPOS, deprel, entity) with the probes `bertscope probe --task all` trained for this model (silver)."
    )
    var silver = false
    @Argument(help: "Corpus files.") var files: [String]

    func run() throws {
        try reportingErrors {
            guard !files.isEmpty else { throw CommandError("corpus index needs at least one FILE") }
            let fmt = try format.map { f -> CorpusFormat in
                guard let v = CorpusFormat(rawValue: f) else {
                    throw CommandError("--format is text, jsonl, csv, tsv or conllu, not \"\(f)\"")
                }
                return v
            }
            let names = try columns.map { try ColumnNames.parse($0) } ?? .standard
            let (k, n) = try parseShard(shard)
            let (rows, inputs) = try readCorpus(files, format: fmt, columns: names, columnSpec: columns)
            let model = try options.load()
            let c = model.encoder.config
            let stored = try parseLayers(layers, count: c.numLayers)
            var meta = IndexMeta(
                model: model.name, modelKey: corpusModelKey(model), layers: stored, width: c.hiddenSize,
                maxTokens: c.maxTokens, inputs: inputs, totalRows: rows.count, shard: k, shards: n)
            if contexts {
                meta.contextLayers = stored.filter { $0 >= 1 }
                meta.heads = c.numHeads
                guard meta.contextLayers?.isEmpty == false else {
                    throw CommandError(
                        "--contexts stores layers from 1 (layer 0 is the embedding output, before any attention)")
                }
            }
            let classifier = try classify ? sequenceClassifier(model) : nil
            if let classifier {
                meta.classifier = model.taskNote ?? "\(model.name)'s own classifier"
                meta.classes = classifier.task.labels
            }
            let tagger = try silver ? silverTagger(model) : nil
            meta.silver = tagger?.record
            let files = IndexFiles(directory: directoryURL(out), shard: k, of: n)
            let label = n == 1 ? "indexing" : "indexing shard \(k)/\(n)"
            let started = Date()
            var first: Int?
            let summary = try CorpusIndexer(
                encoder: model.encoder, tokenizer: model.tokenizer, files: files, classifier: classifier, tagger: tagger
            ).run(
                rows, meta: meta, restart: restart
            ) { p in
                // The bar and its ETA count this run's rows (a resumed run starts part way).
                let base = first ?? p.done
                first = base
                if p.total > base { progressBar(label, p.done - base, p.total - base, started: started) }
            }
            let seconds = Date().timeIntervalSince(started)
            if summary.truncated > 0 {
                writeStderr(
                    "bertscope: note: \(summary.truncated) rows were longer than the model's \(c.maxTokens) positions and were cut"
                )
            }
            let resumed = summary.resumedAt > meta.rowStart ? " (resumed at row \(summary.resumedAt))" : ""
            printText(
                "indexed \(summary.rows) rows, \(summary.tokens) tokens × layers \(stored.map(String.init).joined(separator: ",")) in \(String(format: "%.1f", seconds)) s\(resumed) → \(files.database.path)"
            )
        }
    }
}

/// The probes cached for `model`'s published layers, as a tagger; none is a one-line error saying how to train them.
func silverTagger(_ model: LoadedModel) throws -> SilverTagger {
    let (found, problems) = ProbeCache.all(model: model.probeKey(.published), inputs: model.encoder.config.hiddenSize)
    for p in problems { writeStderr("bertscope: warning: \(p)") }
    let c = model.encoder.config
    let tagger = SilverTagger(found, width: c.hiddenSize, layers: c.numLayers)
    guard !tagger.tasks.isEmpty else {
        throw CommandError(
            "--silver needs probes trained for \(model.name): run bertscope probe --task all\(model.reference == model.directory.path ? " --model \(model.directory.path)" : "") first (they are cached)"
        )
    }
    return tagger
}

/// "2,5" → heads from 1, each in 1…count, distinct and sorted.
func parseHeads(_ text: String, count: Int) throws -> [Int] {
    try numberList(text, in: 1...max(1, count)) {
        "--heads takes heads 1…\(count) of the layer, e.g. 2,5, not \"\($0)\""
    }
}

/// "0,3,6" → distinct numbers in `range`, sorted; a part that is not one is refused as `refusal` says.
func numberList(_ text: String, in range: ClosedRange<Int>, refusal: (Substring) -> String) throws -> [Int] {
    var out: [Int] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        guard let v = Int(part.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
            throw CommandError(refusal(part))
        }
        out.append(v)
    }
    return Array(Set(out)).sorted()
}

/// "K/N" → (K, N), 1/1 when absent.
func parseShard(_ text: String?) throws -> (Int, Int) {
    guard let text else { return (1, 1) }
    let p = text.split(separator: "/").map { Int($0) }
    guard p.count == 2, let k = p[0], let n = p[1], n >= 1, n <= 100_000, (1...n).contains(k) else {
        throw CommandError("--shard is K/N with 1 ≤ K ≤ N (e.g. 2/8), not \"\(text)\"")
    }
    return (k, n)
}

/// "0,3,6" or "all" → sorted distinct layers in 0...count; nil → first, middle, last.
func parseLayers(_ text: String?, count: Int) throws -> [Int] {
    guard let text else { return Array(Set([0, count / 2, count])).sorted() }
    if text == "all" { return Array(0...count) }
    return try numberList(text, in: 0...max(0, count)) {
        "--layers takes numbers 0…\(count) (0 = the embedding output) or all, not \"\($0)\""
    }
}

/// Every file's rows, numbered in order across files, with each file's name, hash and count.
/// Bad rows are named on stderr (the first 20, then a count).
func readCorpus(_ paths: [String], format: CorpusFormat?, columns: ColumnNames, columnSpec: String?) throws -> (
    [IndexRow], [IndexMeta.InputFile]
) {
    var rows: [IndexRow] = [], inputs: [IndexMeta.InputFile] = [], said = 0
    for path in paths {
        let (parser, hash) = try CorpusFile.read(
            (path as NSString).expandingTildeInPath, format: format, columns: columns)
        for p in parser.problems where said < 20 {
            writeStderr("bertscope: warning: \(p) (row skipped)")
            said += 1
        }
        if parser.problemCount > parser.problems.count || (said == 20 && parser.problemCount > 0) {
            writeStderr("bertscope: warning: \(parser.file): \(parser.problemCount) rows could not be read in all")
        }
        let name = parser.file
        for r in parser.rows { rows.append(IndexRow(id: rows.count, file: name, row: r)) }
        inputs.append(
            .init(name: name, hash: hash, format: parser.format.rawValue, rows: parser.rows.count, columns: columnSpec))
    }
    guard !rows.isEmpty else { throw CommandError("no rows to index in \(paths.joined(separator: ", "))") }
    return (rows, inputs)
}

struct CorpusSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "The corpus tokens nearest by cosine to token I of TEXT at layer L.",
        discussion: """
            TEXT runs through the index's model; its token at position I (as tokenize numbers it, \
            [CLS] = 0) at layer L (0 = the embedding output) is compared with every stored token of \
            that layer, exactly. With --heads, what is compared is the outputs of those heads of \
            layer L (an index built with --contexts): tokens the heads treat alike, as exBERT's \
            search with heads selected. Special tokens are never matched. --json prints \
            {"matches": [{"sentence", "position", "token", "cosine", …}]}, best first.
            """
    )
    @OptionGroup var options: ModelOptions
    @Option(name: .long, help: ArgumentHelp("The index directory (corpus index --out).", valueName: "DIR"))
    var index: String
    @Option(name: .long, help: "The layer to compare at (one the index stores).") var layer: Int
    @Option(name: .long, help: "The query token's position in TEXT, as tokenize numbers it.") var token: Int
    @Option(name: .long, help: "How many matches (1–1000).") var top = 10
    @Option(name: .long, help: ArgumentHelp("Second sentence of a pair.", valueName: "TEXT_B")) var pair: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Search the layer's FAISS index (corpus ann) instead of every vector.", valueName: "hnsw|ivf"))
    var approximate: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Compare the outputs of these heads of layer L (from 1), not hidden states.", valueName: "H,…"))
    var heads: String?
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Argument(help: "The text holding the query token.") var text: String

    struct Output: Encodable {
        struct Query: Encodable {
            let text: String, token: String, position: Int, layer: Int
            let heads: [Int]?
        }
        let query: Query
        let matches: [CorpusMatch]
        let tags: [String: [String: Int]]
    }

    func validate() throws {
        guard (1...1000).contains(top) else { throw ValidationError("--top must be 1…1000") }
    }

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let idx = try openCorpusIndex(index, for: model)
            let e = encodeForModel(model.tokenizer, model.encoder.config, text: text, pair: pair)
            guard e.ids.indices.contains(token) else {
                throw CommandError("--token \(token) is outside TEXT's \(e.count) tokens (0…\(e.count - 1))")
            }
            guard !e.isSpecial(token) else {
                throw CommandError("token \(token) is \(e.tokens[token]), a special token; pick a word's piece")
            }
            let chosen = try heads.map { try parseHeads($0, count: model.encoder.config.numHeads) }
            if chosen != nil, layer < 1 {
                throw CommandError(
                    "--heads compares the head outputs of a layer from 1 (layer 0 is the embedding output)")
            }
            guard chosen != nil || idx.meta.layers.contains(layer) else {
                throw CommandError(
                    "layer \(layer) is not in this index (it holds \(idx.meta.layers.map(String.init).joined(separator: ", ")))"
                )
            }
            let query =
                try chosen == nil
                ? Array(
                    model.encoder.forwardHidden(ids: e.ids, typeIds: e.typeIds).hiddenState(layer: layer, token: token))
                : model.encoder.headContext(ids: e.ids, typeIds: e.typeIds, layer: layer, token: token)
            let clock = ContinuousClock(), t0 = clock.now
            let found: [(row: Int, cosine: Float)]
            if let chosen {
                guard approximate == nil else { throw CommandError("--heads searches exactly; drop --approximate") }
                found = try idx.nearest(query, heads: chosen.map { $0 - 1 }, layer: layer, top: top)
            } else if let approximate {
                guard let kind = ApproximateIndex.Kind(rawValue: approximate) else {
                    throw CommandError("--approximate is hnsw or ivf, not \"\(approximate)\"")
                }
                found = try idx.nearestApproximately(query, layer: layer, top: top, kind: kind)
            } else {
                found = try idx.nearest(query, layer: layer, top: top)
            }
            let matches = try idx.matches(found)
            let ms = (clock.now - t0) / .milliseconds(1)
            let tags = CorpusTags.histograms(matches)
            if json {
                print(
                    JSONOutput.string(
                        Output(
                            query: .init(
                                text: text, token: e.tokens[token], position: token, layer: layer, heads: chosen),
                            matches: matches, tags: tags)))
                return
            }
            let by =
                chosen.map { " by head\($0.count > 1 ? "s" : "") \($0.map(String.init).joined(separator: ","))" } ?? ""
            printText(
                "nearest to \"\(e.tokens[token])\" (position \(token)) at layer \(layer)\(by), of \(idx.tokenCount) tokens (\(String(format: "%.0f", ms)) ms):"
            )
            for (i, m) in matches.enumerated() {
                printText(
                    String(format: "%3d  %.4f  %6d:%-3d  ", i + 1, m.cosine, m.sentence, m.position)
                        + m.context(width: 72))
            }
            let silver = matches.contains { $0.tagSource == "silver" } ? " (silver, from probes)" : ""
            for (name, counts) in tags.sorted(by: { $0.key < $1.key }) {
                let line = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }
                printText("\(name)\(silver): " + line.joined(separator: " · "))
            }
        }
    }
}

struct CorpusMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join DIR's shard-K-of-N files (all N finished) into one index.",
        discussion: "The merged index has the same rows and vector bytes as one corpus index pass."
    )
    @Option(name: .long, help: ArgumentHelp("Where to write the index (default: DIR).", valueName: "OUT")) var out:
        String?
    @Argument(help: "The directory holding the shards.") var directory: String

    func run() throws {
        try reportingErrors {
            let dir = directoryURL(directory)
            let target = IndexFiles(directory: out.map(directoryURL) ?? dir)
            let s = try CorpusMerge.merge(directory: dir, into: target)
            printText("merged \(s.shards) shards: \(s.rows) rows, \(s.tokens) tokens → \(target.database.path)")
        }
    }
}

struct CorpusInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "What an index holds and what built it.")
    @Option(name: .long, help: ArgumentHelp("The index directory.", valueName: "DIR")) var index: String
    @Flag(name: .long, help: "Print the build record as JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let idx = try CorpusIndex(files: IndexFiles(directory: directoryURL(index)))
            let m = idx.meta
            if json { return print(JSONOutput.string(m)) }
            printText("\(idx.files.database.path): \(m.totalRows) rows, \(idx.tokenCount) tokens")
            printText("model: \(m.model) (key \(m.modelKey)), width \(m.width)")
            printText("layers: \(m.layers.map(String.init).joined(separator: ", ")) (0 = the embedding output)")
            if let c = m.contextLayers, let h = m.heads {
                printText(
                    "head contexts: layers \(c.map(String.init).joined(separator: ", ")); \(h) heads a layer, \(m.width / max(1, h)) values each (corpus search --heads)"
                )
            }
            for (task, how) in (m.silver ?? [:]).sorted(by: { $0.key < $1.key }) {
                printText("silver \(task) tags: \(how) (rows without gold tags)")
            }
            if let c = m.classifier { printText("classifier: \(c) (\((m.classes ?? []).joined(separator: ", ")))") }
            for f in m.inputs { printText("input: \(f.name) (\(f.format), \(f.rows) rows, hash \(f.hash))") }
        }
    }
}

/// The model's sequence classifier (the default model's sentiment head), or why there is none.
func sequenceClassifier(_ model: LoadedModel) throws -> TaskModel {
    let t = try taskModel(
        model, nil,
        missing: "--classify: \(model.name) has no sequence classifier (a *ForSequenceClassification checkpoint has)")
    guard t.task.kind == .sequenceClassification else {
        throw CommandError(
            "--classify: \(model.name)'s head is a \(t.task.kind.rawValue) head, not a sequence classifier")
    }
    return t
}

struct CorpusReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The stored classifier over the corpus's labels: accuracy, F1, confusion matrix, worst rows.",
        discussion: """
            Needs an index built with corpus index --classify from rows with labels (JSONL "label", a \
            label column, CoNLL-U "# label ="): a label that names one of the classifier's classes (or \
            its id) counts; the loss is −ln p(gold). --heads also measures head importance over the \
            labelled rows (each head alone off, the mean change of log p(gold); L·H + 1 passes a row) \
            and keeps it in the index, where the workbench's dataset table shows it.
            """
    )
    @OptionGroup var options: ModelOptions
    @Option(name: .long, help: ArgumentHelp("The index directory.", valueName: "DIR")) var index: String
    @Option(name: .long, help: "How many of the worst rows (highest loss) to list.") var worst = 10
    @Flag(name: .long, help: "Measure head importance over the labelled rows (and keep it in the index).")
    var heads = false
    @Option(name: .long, help: ArgumentHelp("With --heads: only the first N labelled rows.", valueName: "N"))
    var rows: Int?
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            guard (0...10_000).contains(worst) else { throw CommandError("--worst takes 0…10,000") }
            if let rows, rows < 1 { throw CommandError("--rows takes a count from 1") }
            if rows != nil, !heads { throw CommandError("--rows is for --heads (how many labelled rows to measure)") }
            // Measuring needs the index's own model; reading the stored answers does not.
            let model = try heads ? options.load() : nil
            let idx =
                try model.map { try openCorpusIndex(index, for: $0) }
                ?? CorpusIndex(files: IndexFiles(directory: directoryURL(index)))
            if let model {
                try idx.checkWritable()
                let started = Date()
                let measured = try idx.headImportance(classifier: try sequenceClassifier(model), limit: rows) {
                    progressBar("head importance", $0, $1, started: started)
                }
                try idx.store(measured)
            }
            let r = try CorpusReport(idx, worst: worst)
            if json { return JSONOutput.print(r) }
            printText("classifier: \(r.classifier)")
            printText(
                String(
                    format: "%d labelled rows of %d: accuracy %.1f%% (%d right) · macro F1 %.3f", r.labelled,
                    idx.meta.totalRows, r.accuracy * 100, r.correct, r.macroF1))
            let w = max(8, (r.classes.map(\.count).max() ?? 0) + 1), first = max(18, w + 2)
            printText(
                fit("gold \\ predicted", first) + r.classes.map { fit($0, w) }.joined() + "  recall  precision  F1")
            for (k, c) in r.classes.enumerated() {
                let s = r.perClass[k]
                printText(
                    fit(c, first) + r.confusion[k].map { fit(String($0), w) }.joined()
                        + String(format: "  %5.1f%%  %8.1f%%  %.3f", s.recall * 100, s.precision * 100, s.f1))
            }
            for (k, c) in r.classes.enumerated() where k < r.pushes.count && !r.pushes[k].isEmpty {
                let top = r.pushes[k].prefix(8).map {
                    "\($0.token) " + String(format: "%+.2f (%d)", $0.total, $0.count)
                }
                printText("toward \(c): " + top.joined(separator: " · "))
            }
            if let h = r.heads {
                let top = h.mostHelpful(8).map { String(format: "L%d·H%d %+.3f", $0.layer + 1, $0.head + 1, $0.mean) }
                printText(
                    "heads that help most: mean change of log p(gold) when each alone is off, lower = helps more (\(h.rows) rows): "
                        + top.joined(separator: " · "))
                let names = (1...max(1, h.heads)).map { "H\($0)" }
                printText(
                    "     "
                        + names.map { String(repeating: " ", count: max(0, 7 - $0.count)) + $0 }.joined(separator: " "))
                for l in 0..<h.layers {
                    let cells = (0..<h.heads).map { String(format: "%+7.3f", h.mean[l * h.heads + $0]) }
                    printText("  L\(l + 1) " + cells.joined(separator: " "))
                }
            }
            if !r.worst.isEmpty { printText("highest loss:") }
            for row in r.worst {
                printText(
                    String(format: "%7.3f  %6d  ", row.loss, row.sentence) + "gold \(row.gold), said \(row.predicted) "
                        + String(format: "%.0f%%  ", row.probability * 100) + truncated(row.text, to: 60))
            }
        }
    }
}
