import Analysis
import Checkpoint
import Foundation
import SafeIO
import TextCells
import Tokenizers

/// `tokenize --models A,B,… --stats FILE`: every tokenizer on one corpus.
enum ArenaStatistics {
    struct Report: Encodable {
        struct Char: Encodable { let character: String, count: Int }
        struct Entry: Encodable {
            let name: String, lines: Int, words: Int, tokens: Int
            let fertility: Double, charactersPerToken: Double, unknownRate: Double, splitShare: Double
            let unknownCharacters: [Char], longestPieces: [String]
        }
        let tokenizers: [Entry]
        /// Jaccard overlap of the vocabularies, in --models order.
        let vocabularyOverlap: [[Double]]
    }

    static func run(models: String, corpus: String, json: Bool) throws {
        let names = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw CommandError("--models needs at least one model") }
        let tokenizers = try names.map { try Tokenizer.load(directory: ModelLocator().resolve($0)) }
        let stats = try measure(zip(names, tokenizers).map { TokenizerStats.Counter($1, name: $0) }, corpus)
        let overlap = tokenizers.map { a in tokenizers.map { b in TokenizerStats.vocabularyOverlap(a, b) } }
        if json {
            return JSONOutput.print(
                Report(
                    tokenizers: stats.map {
                        .init(
                            name: $0.name, lines: $0.lines, words: $0.words, tokens: $0.tokens, fertility: $0.fertility,
                            charactersPerToken: $0.charactersPerToken, unknownRate: $0.unknownRate,
                            splitShare: $0.splitShare,
                            unknownCharacters: $0.unknownCharacters.map {
                                .init(character: $0.character, count: $0.count)
                            },
                            longestPieces: $0.longestPieces)
                    }, vocabularyOverlap: overlap))
        }
        let width = max(10, names.map { displayWidth($0) }.max() ?? 10)
        print(fit("tokenizer", width) + "  tokens/word  chars/token  [UNK] rate  words split  longest pieces")
        for s in stats {
            printText(
                fit(s.name, width)
                    + String(
                        format: "  %11.3f  %11.3f  %9.3f%%  %10.1f%%  ", s.fertility, s.charactersPerToken,
                        s.unknownRate * 100, s.splitShare * 100) + s.longestPieces.prefix(3).joined(separator: ", "))
            if !s.unknownCharacters.isEmpty {
                printText(
                    fit("", width) + "  [UNK] from: "
                        + s.unknownCharacters.map { "\($0.character) ×\($0.count)" }.joined(separator: "  "))
            }
        }
        if names.count > 1 {
            print("vocabulary overlap (Jaccard, word-boundary marks removed):")
            for (i, row) in overlap.enumerated() {
                printText(fit(names[i], width) + "  " + row.map { String(format: "%5.3f", $0) }.joined(separator: " "))
            }
        }
    }

    /// Every tokenizer on each line as it is read: the corpus is read once, and never held.
    private static func measure(_ counters: [TokenizerStats.Counter], _ corpus: String) throws -> [TokenizerStats] {
        var counters = counters
        do {
            try CorpusLines.forEach(corpus) { line in
                for i in counters.indices { counters[i].add(line) }
            }
        } catch { throw CommandError("--stats: \(IOErrorText.describe(error))") }
        return counters.map(\.stats)
    }
}
