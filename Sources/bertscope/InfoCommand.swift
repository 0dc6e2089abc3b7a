import ArgumentParser
import Encoder
import Foundation
import Session

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "What a model is: family, parameters, shape, tokenizer, heads, dtype, size on disk."
    )

    @OptionGroup var options: ModelOptions
    @Flag(name: .long, help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let info = ModelInfo(model)
            if json { print(info.json) } else { printText(info.table) }
        }
    }
}
