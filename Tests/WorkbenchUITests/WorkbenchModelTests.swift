import Analysis
import Encoder
import Foundation
import PropertyBased
import Session
import Testing
import TestSupport
import Tokenizers
@testable import WorkbenchUI

/// Model-based test of the workbench: random sequences of edits, key presses,
/// clicks, resizes, model swaps and background results that arrive late, in
/// the middle of a frame or after the model changed. After every step a frame
/// renders, everything on it is in range, the session knows exactly what was
/// typed, and a reference model of the input line agrees with the editor.
@Suite struct WorkbenchModelTests {
    /// Models with different layer × head shapes (and DeBERTa's score parts).
    static let models: [LoadedModel] = [
        "tiny-bert-pretraining", "tiny-deberta-v3-mlm", "tiny-albert-inner-groups", "tiny-roberta-mlm",
    ].map {
        let dir = Fixtures.model($0)
        return LoadedModel(
            directory: dir, encoder: try! BertEncoder(directory: dir), tokenizer: try! Tokenizer.load(directory: dir))
    }

    /// A text several windows long (tiny models have 64 positions), and a two-step tour.
    static let longText: URL = {
        // In the test run's scratch folder, removed with it (these were left in /tmp, one per run).
        let url = try! temporaryDirectory().appendingPathComponent("long.txt")
        try! Data(String(repeating: "the cat sat on the mat and the dog ran off. ", count: 30).utf8).write(to: url)
        return url
    }()
    static let tour: URL = {
        let url = try! temporaryDirectory().appendingPathComponent("model.tour")
        let text =
            "title = t\n[step]\ntext = the [MASK] sat\npane = attention\nview = flow\n> one\n"
            + "[step]\ntext = a cat\npair = a dog\npane = tokens\nablate = 1.1\n> two\n"
        try! Data(text.utf8).write(to: url)
        return url
    }()

    static let sizes = [(120, 40), (80, 24), (160, 48), (40, 10), (39, 9), (60, 16), (200, 60), (12, 3), (1, 1)]
    static let typed: [Character] = Array("the cat sat on a mat. Café ß 東京 👍🏽 [MASK] ,?! x")

    /// 1,000 sequences by default (about a minute in a debug build);
    /// BERTSCOPE_MODEL_RUNS=N runs more.
    static let runs = ProcessInfo.processInfo.environment["BERTSCOPE_MODEL_RUNS"].flatMap { Int($0) } ?? 1000

    @Test func randomSessionsNeverBreakAFrame() async {
        await propertyCheck(count: Self.runs, input: Gen.int(in: 0...999_999).array(of: 1...60)) { steps in
            WorkbenchDriver(steps: steps).run()
        }
    }
}

/// Runs one random sequence; every step code picks an operation.
private struct WorkbenchDriver {
    let steps: [Int]

    func run() {
        let scheduler = ManualScheduler()
        let first = WorkbenchModelTests.models[0]
        let session = ModelSession(model: first, input: SessionInput(text: "the cat"), scheduler: scheduler)
        let w = Workbench(session: session, theme: try! shippedThemes.load("dark"), themes: shippedThemes)
        // A third of the runs in lean mode: traces hold only the maps on screen.
        if (steps.first ?? 0) % 3 == 0 { w.lean = true }
        let arrivals = Arrivals(seed: UInt64(steps.first ?? 0))
        // A background result may land at any snapshot read, even mid-frame.
        session.beforeSnapshot = { if arrivals.enabled && arrivals.rng.next() % 3 == 0 { scheduler.runNext() } }
        w.loadModel = { name in WorkbenchModelTests.models[Int(name) ?? 0] }
        var model = EditorModel(text: "the cat")
        var size = WorkbenchModelTests.sizes[0]
        var previous: CellGrid? = nil
        var screen = Screen(width: size.0, height: size.1)
        for code in steps {
            apply(code, to: w, scheduler: scheduler, model: &model, size: &size)
            let g = w.render(width: size.0, height: size.1)
            // What the terminal shows after only the changed cells are sent equals a full repaint.
            if previous?.width != g.width || previous?.height != g.height {
                screen = Screen(width: g.width, height: g.height)
            }
            screen.apply(g, changes: g.changes(since: previous))
            previous = g
            // The checks read the snapshot the frame was drawn from.
            arrivals.enabled = false
            check(w, g, size: size, model: model)
            arrivals.enabled = true
            if w.shouldQuit { break }
        }
        // Checked once per run (they are slow): the diffs of every frame add up to the last frame.
        if let last = previous {
            #expect(screen == Screen(repainting: last), "diff-drawn frames differ from a full repaint")
            CellGridTests.checkWhole(last)
        }
    }

    private func apply(
        _ code: Int, to w: Workbench, scheduler: ManualScheduler, model: inout EditorModel, size: inout (Int, Int)
    ) {
        let arg = code / 100
        switch code % 100 {
        case 0..<30:  // typing in the focused input line
            guard w.state.overlay == .none else { return w.handle(.escape) }
            if !w.state.focus.isInput { w.state.focus = .inputA }
            let c = WorkbenchModelTests.typed[arg % WorkbenchModelTests.typed.count]
            w.handle(.char(c))
            if w.state.focus == .inputA { model.insert(c) }
        case 30..<36:
            let key: Key = [.backspace, .left, .right, .home, .end, .delete][arg % 6]
            w.handle(key)
            if w.state.focus == .inputA && w.state.overlay == .none { model.apply(key) }
        case 36..<60:  // pane keys
            let keys: [Key] = [
                .tab, .backTab, .escape, .up, .down, .left, .right, .pageUp, .pageDown, .enter,
                .char("["), .char("]"), .char(","), .char("."), .char("v"), .char("w"), .char("s"), .char("o"),
                .char("f"), .char("z"), .char("m"), .char("M"), .char("b"), .char("x"), .char("r"), .char("?"),
                .char("I"), .char("g"), .char("a"), .char("H"), .char("C"), .char("<"), .char(">"), .char("P"),
            ]
            let key = keys[arg % keys.count]
            let editing = w.state.focus == .inputA && w.state.overlay == .none
            w.handle(key)
            if editing, case .char(let c) = key { model.insert(c) } else if editing { model.apply(key) }
            if editing, key == .up || key == .down { model = EditorModel(w.state.editorA) }  // history recall
        case 60..<70: size = WorkbenchModelTests.sizes[arg % WorkbenchModelTests.sizes.count]
        case 70..<74:
            w.run(command: "model \(arg % WorkbenchModelTests.models.count)")
            w.finishJobs()
        case 74..<80:
            w.handle(
                .mouse(
                    x: arg % max(1, size.0), y: (arg / 7) % max(1, size.1),
                    button: [.left, .wheelUp, .wheelDown][arg % 3]))
        case 80..<88:
            scheduler.runNext()
            _ = w.tick()  // a model or tokenizers loaded in the background land now
        case 88..<92:
            let commands = [
                "layer 2", "head 3", "view rollout", "view words", "view nospecial", "sample", "head 9", "layer 0",
                "compare the cat sat on the mat", "compare", "tokenizers \(Fixtures.model("tiny-roberta-mlm").path)",
                "tokenizers", "window 2", "open \(WorkbenchModelTests.longText.path)",
                "tour \(WorkbenchModelTests.tour.path)", "compare-model 3", "compare-model none", "view flow",
                "view value-zeroing-rollout", "ablate 1.2", "ablate none", "counterfactual the dog sat",
            ]
            w.run(command: commands[arg % commands.count])
            model = EditorModel(w.state.editorA)
        default: break
        }
        if !w.state.focus.isInput || w.state.overlay != .none { model = EditorModel(w.state.editorA) }
    }

    private func check(_ w: Workbench, _ g: CellGrid, size: (Int, Int), model: EditorModel) {
        #expect(g.width == size.0 && g.height == size.1)
        #expect(w.session.snapshot.input.text == w.state.editorA.text, "the session must know the latest text")
        #expect(w.state.editorA.text == model.text, "the input line lost or changed typed text")
        let (layers, heads) = (w.facts.layers, w.facts.heads)
        #expect((0..<layers).contains(w.state.attention.layer) && (0..<heads).contains(w.state.attention.head))
        if let r = w.snapshot.result {
            #expect(r.trace == nil || r.trace!.tokens == r.encoding.count, "trace and encoding of one result agree")
            if let map = w.currentMap(for: r) {
                #expect(w.state.attention.row < max(1, map.size) && w.state.attention.column < max(1, map.size))
            }
        }
    }
}

/// The reference for the input line: characters and a cursor.
private struct EditorModel {
    var chars: [Character]
    var cursor: Int
    init(text: String) { chars = Array(text); cursor = chars.count }
    /// Resynchronised where the workbench itself replaces the text (history, samples).
    init(_ e: LineEditor) { chars = e.characters; cursor = e.cursor }
    var text: String { String(chars) }
    mutating func insert(_ c: Character) { chars.insert(c, at: cursor); cursor += 1 }
    mutating func apply(_ key: Key) {
        switch key {
        case .backspace: if cursor > 0 { chars.remove(at: cursor - 1); cursor -= 1 }
        case .delete: if cursor < chars.count { chars.remove(at: cursor) }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(chars.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = chars.count
        default: break
        }
    }
}

/// When background results land: at random snapshot reads, while enabled.
private final class Arrivals {
    var rng: SplitMix64
    var enabled = true
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }
}
