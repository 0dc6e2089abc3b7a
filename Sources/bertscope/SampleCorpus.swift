import Analysis
import Corpus
import CorpusText
import Foundation
import SafeIO
import Session

/// `--corpus probing`: the probing set's dev file (500 Austen sentences with gold parts of
/// speech, Samples/probing/dev.conllu), indexed for the loaded model on first use and kept in
/// the cache, so a class can open the corpus views with no file of its own. Head outputs are
/// stored too (`corpus index --contexts`).
enum SampleCorpus {
    static let name = "probing"

    /// The index directory `spec` names: itself, or (for `probing`, when no such folder is here)
    /// the cached sample index, built now if missing.
    static func directory(_ spec: String, for model: LoadedModel) throws -> String {
        guard spec == name, SafeFile.entryKind(of: spec) == nil else { return spec }
        guard let dev = Resources.directory("Samples")?.appendingPathComponent("probing/dev.conllu") else {
            throw CommandError("--corpus probing: Samples/probing/dev.conllu is not installed beside bertscope")
        }
        let key = corpusModelKey(model).replacingOccurrences(of: ".", with: "-")
        let dir = ProbeCache.directory().deletingLastPathComponent().appendingPathComponent("corpora/probing-\(key)")
        if (try? CorpusIndex(files: IndexFiles(directory: dir))) != nil { return dir.path }
        let (rows, inputs) = try readCorpus([dev.path], format: .conllu, columns: .standard, columnSpec: nil)
        let c = model.encoder.config
        let layers = try parseLayers(nil, count: c.numLayers)
        var meta = IndexMeta(
            model: model.name, modelKey: corpusModelKey(model), layers: layers,
            width: c.hiddenSize, maxTokens: c.maxTokens, inputs: inputs, totalRows: rows.count)
        // The heads' outputs too, so `a` (match by a head) works on the ready example.
        (meta.contextLayers, meta.heads) = (layers.filter { $0 >= 1 }, c.numHeads)
        let started = Date()
        _ = try CorpusIndexer(encoder: model.encoder, tokenizer: model.tokenizer, files: IndexFiles(directory: dir))
            .run(rows, meta: meta, restart: true) { p in
                progressBar("indexing the probing set for \(model.name) (once)", p.done, p.total, started: started)
            }
        return dir.path
    }
}
