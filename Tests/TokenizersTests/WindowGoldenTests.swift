import Foundation
import TestSupport
import Testing
@testable import Tokenizers

/// Sliding windows against transformers' `return_overflowing_tokens` with a
/// stride (windows_goldens.json, make_window_goldens.py): WordPiece,
/// byte-level BPE and SentencePiece.
@Suite struct WindowGoldenTests {
    @Test(arguments: [
        "tokenizer", "models/tiny-roberta-mlm", "models/tiny-xlm-roberta-mlm", "models/tiny-deberta-v3-mlm",
    ])
    func windowsMatchTransformers(folder: String) throws {
        let dir = Fixtures.root.appendingPathComponent(folder)
        let tok = try Tokenizer.load(directory: dir)
        let cases = try Fixtures.json(dir.appendingPathComponent("windows_goldens.json"))["cases"] as! [[String: Any]]
        #expect(cases.count >= 30)
        var failures = 0
        for c in cases {
            let text = c["text"] as! String, n = c["max_length"] as! Int, s = c["stride"] as! Int
            if c["error"] as? Bool == true {
                #expect(throws: TokenizerError.self) { try tok.encodeWindows(text, maxLength: n, stride: s) }
                continue
            }
            let got = try tok.encodeWindows(text, maxLength: n, stride: s)
            let want = c["windows"] as! [[String: Any]]
            let same =
                got.count == want.count
                && zip(got, want).allSatisfy { g, w in
                    g.ids == w["ids"] as! [Int] && g.offsets.map { [$0.start, $0.end] } == w["offsets"] as! [[Int]]
                }
            if !same {
                failures += 1
                if failures <= 3 {
                    Issue.record(
                        "\(folder) N=\(n) S=\(s) \(text.prefix(40).debugDescription): \(got.count) windows, want \(want.count); first ids \(got.first?.ids.prefix(12) ?? []) want \((want.first?["ids"] as? [Int])?.prefix(12) ?? [])"
                    )
                }
            }
        }
        #expect(failures == 0)
    }
}
