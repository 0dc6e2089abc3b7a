import Testing
@testable import WorkbenchUI

/// `:glossary` and the palette's terms: two sentences each and a jump to
/// the view that shows the term live, never touching what was typed.
@Suite struct GlossaryTests {
    @Test func everyCourseTermIsThereOnce() {
        let terms = Glossary.all.map(\.term)
        #expect(Set(terms).count == terms.count)
        for t in [
            "WordPiece", "[UNK]", "[CLS]", "[SEP]", "segment (token type) embedding", "position embedding",
            "self-attention", "query, key, value", "scaled dot product", "softmax", "multi-head attention",
            "residual connection", "layer normalization", "feed-forward network", "GELU", "masked LM and 80/10/10",
            "next-sentence prediction", "pooler", "fine-tuning and task heads", "attention visualisation", "probing",
            "attribution", "sliding windows",
        ] {
            #expect(terms.contains(t), "\(t)")
        }
        // Two sentences of our own each.
        for g in Glossary.all { #expect(g.text.components(separatedBy: ". ").count >= 2, "\(g.term)") }
    }

    @Test func aTermJumpsToItsViewAndKeepsTheText() {
        let w = makeWorkbench("the cat sat on the mat")
        w.run(command: "glossary softmax")
        #expect(w.state.focus == .attention && w.state.attention.panel == ArithmeticPanel.panel.context)
        #expect(w.state.notice?.text.hasPrefix("softmax: Turns a row of scores") == true)
        #expect(w.state.editorA.text == "the cat sat on the mat")
        w.run(command: "glossary layer norm")
        #expect(w.state.attention.panel == AnatomyPanel.panel.context)
        w.run(command: "glossary probing")
        #expect(w.state.focus == .probing)
        w.run(command: "glossary zebra")
        #expect(w.state.notice?.isError == true)
    }

    @Test func thePaletteListsTheTermsAndEnterJumps() {
        let w = makeWorkbench("the cat sat on the mat")
        w.run(command: "glossary")
        guard case .palette(let p) = w.state.overlay else { Issue.record("no palette"); return }
        #expect(p.glossaryOnly && CommandPalette.entries(w.state).count == Glossary.all.count)
        w.type("multi")
        w.press(.enter)
        #expect(w.state.overlay == .none && w.state.attention.overview)
        // Ctrl-P lists them too, after the keys and commands.
        w.press(.escape, .ctrl("p"))
        #expect(CommandPalette.matches("GELU", w.state).first?.place == "glossary")
    }
}

/// Every term's jump, on a real input, lands on a frame that shows what its
/// text says it shows (a term whose `shows` names no known view fails).
@Suite struct GlossaryJumpTests {
    static let views: [(shows: String, frame: String)] = [
        ("x-ray", "x-ray"), ("logit lens", "logit lens"), ("explanation", "Predictions"),
        ("layer anatomy", "through the layers"), ("attention arithmetic", "Σ qᵢ⊙kⱼ"),
        ("overview", "All heads"), ("rollout", "rollout"), ("masking lab", "masking lab"),
        ("probing pane", "Probing"), ("predictions pane", "Predictions"), ("attention pane", "Attention · layer"),
        ("tokens pane", "Tokens ("),
    ]

    @Test func everyJumpLandsOnTheViewItNames() {
        for entry in Glossary.all {
            let w = makeWorkbench("the [MASK] sat on the mat", pair: "he was here")
            w.session.waitUntilIdle()
            w.run(command: "glossary \(entry.term)")
            w.session.waitUntilIdle()
            let g = w.render(width: 160, height: 48)
            guard let view = Self.views.first(where: { entry.shows.contains($0.shows) }) else {
                Issue.record("\(entry.term): \"\(entry.shows)\" names no view this test knows")
                continue
            }
            #expect(g.contains(view.frame), "\(entry.term) → \(entry.shows): no \"\(view.frame)\" on screen")
            #expect(w.state.editorA.text == "the [MASK] sat on the mat" && w.state.editorB.text == "he was here")
            #expect(!g.contains("computing") && !g.contains("running every layer"), "\(entry.term): still waiting")
        }
    }
}
