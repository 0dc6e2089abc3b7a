import Session
import TextCells
import Tokenizers
import Foundation

/// The x-ray of the selected token's whole word as key/value lines: each
/// normalizer stage, the pre-tokens, and the model's steps.
enum XRayLines {
    static func of(_ e: Encoding, _ input: SessionInput, tokenizer tok: Tokenizer, selected: Int) -> [(
        key: String, value: String
    )] {
        guard !e.isSpecial(selected) else {
            return [("x-ray", "\(e.tokens[selected]) is added by the post-processor template, not typed")]
        }
        let members = e.wordMembers(of: selected)
        let span = Encoding.Span(e.offsets[members.first!].start, e.offsets[members.last!].end)
        let text = e.sequenceIds[selected] == 1 ? (input.pair ?? "") : input.text
        let x = tok.xray(text, span: span)
        // Counted from 1, as layers and heads are; the id (from 0) is the table's word column.
        let word = e.wordIds[selected] ?? 0
        let where_ =
            "word \(word + 1) in \(e.sequenceIds[selected] == 1 ? "B" : "A") (id \(word)), offsets \(span.start)..\(span.end)"
        var lines: [(key: String, value: String)] = [("x-ray", where_), ("original", visibleText(x.original))]
        for (name, t) in x.normalization { lines.append((name, visibleText(t))) }
        lines.append(("pre-tokens", x.preTokens.map(visibleText).joined(separator: " │ ")))
        switch tok.kind {
        case .bytePairs:
            lines.append(
                ("BPE pieces", members.map { "\(visibleText(e.tokens[$0])) (\(e.ids[$0]))" }.joined(separator: " + ")))
        case .unigram(let model, _):
            // The segmentation Viterbi chose, with each piece's log-probability score.
            let scores = members.map { model.pieces.indices.contains(e.ids[$0]) ? model.pieces[e.ids[$0]].score : 0 }
            let parts = zip(members, scores).map {
                "\(visibleText(e.tokens[$0])) (\(e.ids[$0]), \(String(format: "%.2f", $1)))"
            }
            lines.append(
                (
                    "unigram",
                    parts.joined(separator: " + ")
                        + " = \(String(format: "%.2f", scores.reduce(0, +))), the best-scoring split"
                ))
        case .wordPiece(let wp):
            for (word, steps) in zip(x.preTokens, x.steps) {
                lines.append(("wordpiece", wordPieceSteps(word, steps, wp)))
            }
        }
        return lines
    }

    private static func wordPieceSteps(_ word: String, _ steps: [WordXRay.Step], _ wp: WordPiece) -> String {
        if word.unicodeScalars.count > wp.maxInputCharsPerWord {
            return
                "\(word.unicodeScalars.count) characters > max_input_chars_per_word (\(wp.maxInputCharsPerWord)) → [UNK]"
        }
        return steps.map { s in
            s.piece.map {
                "\(visibleText($0)) (\(s.id ?? -1))" + (s.misses > 0 ? " after \(s.misses) longer misses" : "")
            }
                ?? "✗ no piece matches here → whole word [UNK]"
        }.joined(separator: " → ")
    }
}
