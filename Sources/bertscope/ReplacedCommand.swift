import ArgumentParser
import Foundation
import Tokenizers

struct ReplacedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replaced",
        abstract: "Replaced-token detection: how likely each token was swapped in (needs an ELECTRA discriminator)"
    )

    @OptionGroup var options: ModelOptions
    @Flag(name: .long, help: "Print {\"tokens\": [...], \"probabilities\": [...]} with every token, specials included.")
    var json = false
    @Argument(help: "The text.") var text: String

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let e = encodeForModel(model.tokenizer, model.encoder.config, text: text, pair: nil)
            let p = try model.encoder.replacedTokenProbabilities(
                try model.encoder.forwardHidden(ids: e.ids, typeIds: e.typeIds))
            if json {
                JSONOutput.print(ReplacedJSON(tokens: e.tokens, probabilities: p))
                return
            }
            for i in e.typedPositions {
                printText(
                    String(
                        format: "%@ %5.1f%%%@", e.tokens[i].padding(toLength: 16, withPad: " ", startingAt: 0),
                        p[i] * 100, p[i] > 0.5 ? "  replaced?" : ""))
            }
        }
    }
}
