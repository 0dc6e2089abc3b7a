import Analysis
import ArgumentParser
import Foundation
import Session
import TextCells

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Two sentences through one model: each shared word's drift by layer, each head's attention distance.",
        discussion: """
            Words typed in both sentences are aligned (the k-th occurrence in TEXT \
            with the k-th in TEXT2, case-folded); a word's vector is the mean of its pieces. \
            Per hidden state (0 = embeddings): the cosine of the word in TEXT and \
            TEXT2, and of the word in TEXT to its own embedding. Per layer and head: \
            the Jensen–Shannon distance (scipy.spatial.distance.jensenshannon, natural \
            log) of the two attention rows, averaged over query rows — token by token \
            when the tokenizations have the same length, else word by word when the \
            word counts match, else null.
            """
    )

    @OptionGroup var options: ModelOptions
    @Flag(
        name: .long,
        help:
            "Print {\"words\": [{\"word\", \"a\", \"b\", \"cosine\", \"to_embedding\"}], \"attention_js\": [L][H], \"alignment\"}."
    )
    var json = false
    @Argument(help: "Sentence A.") var text: String
    @Argument(help: "Sentence A′.") var text2: String

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let c = model.encoder.config
            let a = encodeForModel(model.tokenizer, c, text: text, pair: nil)
            let b = encodeForModel(model.tokenizer, c, text: text2, pair: nil)
            let r = try SentenceComparison.compute(model.encoder, a, text, b, text2)
            if json {
                return JSONOutput.print(
                    CompareJSON(
                        words: r.words.map {
                            .init(word: $0.word, a: $0.a, b: $0.b, cosine: $0.cosine, toEmbedding: $0.toEmbedding)
                        }, attentionJs: r.attentionDistance, alignment: r.alignment))
            }
            let width = max(8, r.words.map { displayWidth($0.word) }.max() ?? 8)
            print("cosine of each shared word in A and A′, by hidden state (emb, L1…L\(c.numLayers)):")
            for w in r.words {
                printText(
                    fit(w.word, width) + "  " + w.cosine.map { String(format: "%5.3f", $0) }.joined(separator: " "))
            }
            guard let js = r.attentionDistance else {
                return print("attention: the sentences differ in tokens and in words; no row-by-row distance")
            }
            print(
                "attention distance (Jensen–Shannon, mean over query rows, aligned by \(r.alignment ?? "")), layer × head:"
            )
            for (l, row) in js.enumerated() {
                print(String(format: "L%-3d ", l + 1) + row.map { String(format: "%5.3f", $0) }.joined(separator: " "))
            }
        }
    }
}
