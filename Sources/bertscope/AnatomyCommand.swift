import Analysis
import ArgumentParser
import Encoder
import Foundation
import Session
import Tokenizers

/// `anatomy`: the numbers the workbench's layer anatomy (`A`) and attention
/// arithmetic (`x`) show, for scripts and for checking the screen against.
struct AnatomyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anatomy",
        abstract: "One token through every layer, and one attention cell step by step (the workbench's A and x).",
        discussion: """
            For token --token (a position as `tokenize` numbers it, from 0): its \
            embedding's parts and LayerNorm, then per layer the norms of the residual \
            in, the attention output, the stream after add & LayerNorm, the FFN output \
            and the layer output, both LayerNorms' input mean and variance, the most \
            active FFN neurons and the words the FFN's update points to. Then the \
            attention cell query --token → key --key in --layer, --head: qᵢ, kⱼ, their \
            products, qᵢ·kⱼ, × 1/√dₕ, the softmax over the row, the context vector and \
            the head's share of the output. Layers and heads count from 1, as on screen.
            """
    )

    @OptionGroup var options: ModelOptions
    @Option(name: .long, help: ArgumentHelp("Second sentence of a pair.", valueName: "TEXT_B")) var pair: String?
    @Option(name: .long, help: "The token (query), a position from 0 (default 1: the first after [CLS]).")
    var token = 1
    @Option(name: .long, help: "The key of the attention cell, a position from 0 (default 0).") var key = 0
    @Option(name: .long, help: "The attention cell's layer, from 1 (default 1).") var layer = 1
    @Option(name: .long, help: "The attention cell's head, from 1 (default 1).") var head = 1
    @OptionGroup var shown: LayersOption
    @Flag(name: .long, help: "Print {\"tokens\", \"token\", \"embedding\", \"layers\": […], \"cell\": {…}}.")
    var json = false
    @Argument(help: "The sentence.") var text: String

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let encoder = try shown.encoder(of: model), c = encoder.config
            let e = encodeForModel(model.tokenizer, c, text: text, pair: pair)
            guard (0..<e.count).contains(token), (0..<e.count).contains(key) else {
                throw CommandError("--token \(token) / --key \(key): the input has positions 0…\(e.count - 1)")
            }
            guard (1...c.numLayers).contains(layer), (1...c.numHeads).contains(head) else {
                throw CommandError(
                    "--layer \(layer) / --head \(head): the model has layers 1…\(c.numLayers) and heads 1…\(c.numHeads)"
                )
            }
            let trace = try encoder.forward(ids: e.ids, typeIds: e.typeIds)
            let anatomy = try encoder.layerAnatomy(trace, ids: e.ids, typeIds: e.typeIds, only: [token])
            let arithmetic = try HeadArithmetic.compute(encoder, trace, layer: layer - 1, head: head - 1)
            guard let cell = arithmetic.cell(query: token, key: key) else {
                throw CommandError("no cell \(token) → \(key) in this input")
            }
            let out = AnatomyJSON(
                anatomy, cell, arithmetic, e, token: token, key: key, layersShown: model.layersTitle(shown.layers),
                promotes: (encoder.promotedTokens(
                    (0..<c.numLayers).compactMap { anatomy.ffnUpdate(layer: $0, token: token) }, k: 3) ?? []).map {
                        $0.map { .init(token: model.tokenizer.token(for: $0.id) ?? "?", score: $0.score) }
                    })
            if json { return JSONOutput.print(out) }
            printText(out.table.joined(separator: "\n"))
        }
    }
}
