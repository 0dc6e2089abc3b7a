import Foundation
import Testing
import TestSupport

/// `render` of a long text draws the window it shows (the first) from that
/// window's results only: the other windows are neither classified nor
/// explained (on the default model a 20 KB text waited 86 s and 810 MB for
/// every window's explanation, to draw one), and the figure says so.
@Suite struct RenderWindowTests {
    @Test func explainRunsTheShownWindowOnly() throws {
        let model = Fixtures.model("heads/bert-sequence").path
        for view in ["explain", "predictions"] {
            let r = try runProcess([
                try bertscopeBinary(), "render", "--model", model, "--view", view, "--format", "txt", "--width", "100",
                Fixtures.longText(words: 700),
            ])
            #expect(r.status == 0, "\(view): \(r.stderr)")
            #expect(r.stdout.contains("window 1 only: a figure does not run the other windows"), "\(r.stdout)")
            #expect(!r.stdout.contains("by window:") && !r.stdout.contains("explaining the other windows"))
            #expect(r.stdout.contains("why \"") && r.stdout.contains("integrated-gradients"), "\(r.stdout)")
        }
    }
}
