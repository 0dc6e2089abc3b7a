import Analysis
import ArgumentParser
import Checkpoint
import Foundation
import Session

/// The model's sentence vectors, pooled as its sentence-transformers files say.
private func embedder(_ options: ModelOptions) throws -> SentenceEmbedder {
    let model = try options.load()
    let pooling = try SentencePooling(directory: model.directory)
    if !pooling.fromConfig {
        writeStderr(
            "bertscope: note: \(model.name) has no sentence-transformers modules.json: mean pooling, not normalized")
    }
    return SentenceEmbedder(encoder: model.encoder, tokenizer: model.tokenizer, pooling: pooling)
}

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Sentence vectors, pooled as the model's sentence-transformers files say (modules.json, 1_Pooling).",
        discussion: """
            Each TEXT runs through the model (cut at the authors' max_seq_length, as \
            sentence-transformers does), its last layer's token vectors are pooled (cls, \
            mean, max or mean-sqrt-len) and, with a Normalize module, scaled to length 1. \
            A folder without modules.json is pooled by the mean, not normalized, with a note.
            """
    )
    @OptionGroup var options: ModelOptions
    @Flag(name: .long, help: "Print {\"embeddings\": [[…], …], \"pooling\", \"normalized\", \"dimension\"}.") var json =
        false
    @Argument(help: "The texts.") var texts: [String]

    struct Output: Encodable { let embeddings: [[Float]], pooling: String, normalized: Bool, dimension: Int }

    func run() throws {
        try reportingErrors {
            guard !texts.isEmpty else { throw CommandError("embed needs at least one TEXT") }
            let e = try embedder(options)
            var vectors: [[Float]] = []
            for (k, t) in texts.enumerated() {
                let (v, cut) = try e.embed(t)
                if cut > 0 {
                    writeStderr(
                        "bertscope: warning: text \(k + 1): \(cut) tokens past max_seq_length cut, as sentence-transformers does"
                    )
                }
                vectors.append(v)
            }
            if json {
                return JSONOutput.print(
                    Output(
                        embeddings: vectors, pooling: e.pooling.mode.rawValue, normalized: e.pooling.normalize,
                        dimension: e.encoder.config.hiddenSize))
            }
            printText(
                (["\(e.encoder.config.hiddenSize) dimensions · \(e.pooling.summary(limit: true))"]
                    + zip(texts, vectors).map { t, v in
                        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                        return String(format: "‖v‖ %.4f  ", norm)
                            + v.prefix(6).map { String(format: "%+.4f", $0) }
                            .joined(separator: " ") + " …  \(t)"
                    }).joined(separator: "\n"))
        }
    }
}

struct SimilarityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similarity",
        abstract:
            "Two sentences compared: the cosine of their vectors, and token by token (BERTScore's greedy matching).",
        discussion: """
            The cosine of the two sentence vectors (pooled as `embed` pools them) is what a \
            sentence-transformers model was trained to make meaningful. Under it, the cosine of \
            every token of A with every token of B (the last layer's contextual vectors, special \
            tokens left out), each token's best match, and BERTScore's precision, recall and F1 \
            without idf weights or baseline rescaling (A the reference, B the candidate).
            """
    )
    @OptionGroup var options: ModelOptions
    @Flag(
        name: .long,
        help:
            "Print {\"cosine\", \"tokens_a\", \"tokens_b\", \"token_similarity\": [[…]], \"a_to_b\", \"b_to_a\", \"precision\", \"recall\", \"f1\"}."
    ) var json = false
    @Argument(help: "Sentence A.") var a: String
    @Argument(help: "Sentence B.") var b: String

    struct Output: Encodable {
        let cosine: Float, tokensA: [String], tokensB: [String], tokenSimilarity: [[Float]]
        let aToB: [Int], bToA: [Int], precision: Float, recall: Float, f1: Float, pooling: String
    }

    func run() throws {
        try reportingErrors {
            let e = try embedder(options)
            let s = try e.compare(a, b)
            if json {
                return JSONOutput.print(
                    Output(
                        cosine: s.cosine, tokensA: s.tokensA, tokensB: s.tokensB,
                        tokenSimilarity: s.tokensA.indices.map { i in s.tokensB.indices.map { s.similarity(i, $0) } },
                        aToB: s.bestForA, bToA: s.bestForB, precision: s.precision, recall: s.recall, f1: s.f1,
                        pooling: e.pooling.mode.rawValue))
            }
            var lines = [String(format: "cosine %.4f  (%@)", s.cosine, e.pooling.summary(limit: true))]
            lines.append(
                String(
                    format: "token by token (BERTScore, no idf): precision %.4f · recall %.4f · F1 %.4f", s.precision,
                    s.recall, s.f1))
            let best = s.bestForA
            for (i, t) in s.tokensA.enumerated() where s.tokensB.indices.contains(best[i]) {
                lines.append(String(format: "  %@ → %@  %.3f", t, s.tokensB[best[i]], s.similarity(i, best[i])))
            }
            printText(lines.joined(separator: "\n"))
        }
    }
}
