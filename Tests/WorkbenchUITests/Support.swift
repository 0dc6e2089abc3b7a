import Encoder
import Foundation
import Session
import TestSupport
import Tokenizers
@testable import WorkbenchUI

let tinyModel: LoadedModel = {
    let dir = Fixtures.model("tiny-bert-pretraining")
    return LoadedModel(
        directory: dir, encoder: try! BertEncoder(directory: dir), tokenizer: try! Tokenizer.load(directory: dir))
}()

let shippedThemes = ThemeLibrary(directories: [Fixtures.packageRoot.appendingPathComponent("Themes")])

/// A workbench on `model` showing `text`, with its first result computed.
func makeWorkbench(
    _ text: String, pair: String? = nil, model: LoadedModel = tinyModel, colorMode: ColorMode = .xterm256,
    history: History = History(file: nil)
) -> Workbench {
    let session = ModelSession(model: model, input: SessionInput(text: text, pair: pair))
    session.waitUntilIdle()
    return Workbench(
        session: session, theme: try! shippedThemes.load("dark"), themes: shippedThemes, colorMode: colorMode,
        history: history,
        samples: SampleSets.parse(
            (try? String(
                contentsOf: Fixtures.packageRoot.appendingPathComponent("Samples/teaching.txt"), encoding: .utf8)) ?? ""
        ))
}

/// A workbench whose session runs only when the test says (`scheduler.runNext()`, `waitUntilIdle()`),
/// with its first result computed; `beside` loads a second model with `:compare-model`.
func manualWorkbench(_ text: String, beside second: LoadedModel? = nil) -> (Workbench, ManualScheduler) {
    let scheduler = ManualScheduler()
    let session = ModelSession(model: tinyModel, input: SessionInput(text: text), scheduler: scheduler)
    scheduler.waitUntilIdle()
    let w = Workbench(session: session, theme: try! shippedThemes.load("dark"), themes: shippedThemes)
    if let second {
        w.loadModel = { _ in second }
        w.run(command: "compare-model \(second.name)")
        w.finishJobs()
        scheduler.waitUntilIdle()
    }
    return (w, scheduler)
}

extension Workbench {
    /// Sends keys, waiting for the session after each so frames are current.
    func press(_ keys: Key...) {
        for k in keys { handle(k); session.waitUntilIdle() }
    }

    func type(_ text: String) { for c in text { press(.char(c)) } }
}

extension CellGrid {
    /// Cells inside `r` whose background is an RGB heat colour.
    func heatCells(in r: Rect? = nil) -> Int {
        let area = r ?? Rect(x: 0, y: 0, width: width, height: height)
        var n = 0
        for y in area.y..<area.maxY { for x in area.x..<area.maxX { if case .rgb = self[x, y].style.bg { n += 1 } } }
        return n
    }

    func contains(_ s: String) -> Bool { lines.contains { $0.contains(s) } }
    func row(containing s: String) -> Int? { lines.firstIndex { $0.contains(s) } }
}
