import Analysis
import ArgumentParser
import Foundation
import Session
import WorkbenchUI

extension RenderView: ExpressibleByArgument {}
extension FigureFormat: ExpressibleByArgument {}

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "One figure of one view, for slides and papers: SVG, PNG, HTML, text or ANSI.",
        discussion: """
            The attention views (attention, rollout, overview) render as matrix figures: one \
            rectangle per entry with its value as hover text, the tokens as row and column \
            labels, a colour bar; past 256 tokens (an overview: 96 a panel) entries are \
            averaged over blocks and the subtitle says so. The other views render exactly \
            as the workbench draws them, WIDTH columns wide. --csv prints a matrix view's \
            numbers instead, tokens as headers. Text formats go to stdout without --out; \
            SVG, PNG and HTML to bertscope-VIEW.EXT.
            """
    )

    @OptionGroup var options: ModelOptions
    @Option(
        name: .long,
        help:
            "tokens, attention, overview, rollout, predictions, probing, explain, or with --corpus: corpus, projector, dataset."
    )
    var view: RenderView
    @Option(
        name: .long,
        help:
            "Layer, from 1 (default 1; rollout: the last); the corpus views: a layer the index stores (0 = embeddings)."
    )
    var layer: Int?
    @Option(name: .long, help: "Head, from 1 (default 1).") var head: Int?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The attention matrix: head, mean, rollout, flow, norm, norm-sum, norm-res-ln, value-zeroing, value-zeroing-rollout.",
            valueName: "KIND"))
    var kind: String?
    // Optional, so that --csv can tell a format asked for from the default.
    @Option(name: .long, help: "svg (default), png, html, txt or ansi.") var format: FigureFormat?
    @Option(name: .long, help: "Columns for views drawn as on screen.") var width = 120
    @Option(name: .long, help: "Rows for views drawn as on screen.") var height = 40
    @Option(name: .long, help: "PNG pixels per point (2 for slides and print).") var scale = 2.0
    @Option(name: .long, help: "Colour theme (dark, light, high-contrast, colorblind) or a .theme file.")
    var theme = "dark"
    @Option(name: .long, help: ArgumentHelp("Second sentence of a pair.", valueName: "TEXT_B")) var pair: String?
    @Flag(name: .long, help: "Print the matrix as CSV (attention and rollout views).") var csv = false
    @Option(
        name: .long,
        help: ArgumentHelp("A corpus index of this model, or probing (the corpus views).", valueName: "DIR"))
    var corpus: String?
    @Flag(name: .long, help: "The projector's points are sentences (each the mean of its tokens).") var sentences =
        false
    @Option(name: .long, help: "The corpus views' token, a position as tokenize numbers it (default 1).") var token:
        Int?
    @Option(
        name: .long,
        help: ArgumentHelp("Where to write (default: stdout for text, else bertscope-VIEW.EXT).", valueName: "PATH"))
    var out: String?
    @Argument(help: "The sentence.") var text: String

    func validate() throws {
        guard (40...1000).contains(width), (10...1000).contains(height) else {
            throw ValidationError("--width takes 40…1000 columns and --height 10…1000 rows")
        }
        guard scale.isFinite, scale > 0, scale <= 8 else { throw ValidationError("--scale takes a number in (0, 8]") }
        if sentences, view != .projector { throw ValidationError("--sentences is for --view projector") }
        if csv, !view.isMatrix { throw ValidationError("--csv is for one matrix: --view attention or rollout") }
        if csv, let format, format != .txt {
            throw ValidationError("--csv prints text, not --format \(format.rawValue): drop one of them")
        }
        if let kind, AttentionViewKind(rawValue: kind) == nil {
            throw ValidationError(
                "--kind is one of \(AttentionViewKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            guard view.needsCorpus == (corpus != nil) else {
                throw CommandError(
                    view.needsCorpus
                        ? "--view \(view.rawValue) needs --corpus DIR (an index of this model, or probing)"
                        : "--corpus is for --view corpus, projector or dataset")
            }
            let index = try corpus.map { try openCorpusIndex(SampleCorpus.directory($0, for: model), for: model) }
            let w = WorkbenchSetup.make(
                model, input: SessionInput(text: text, pair: pair), theme: try WorkbenchSetup.themes().load(theme),
                runsTaskHead: view == .predictions || view == .explain, shownWindowOnly: true, corpus: index)
            if let index {
                if let layer, !index.layers.contains(layer) {
                    throw CommandError(
                        "--layer \(layer) is not in the index (it holds \(index.layers.map(String.init).joined(separator: ", ")))"
                    )
                }
                let n = w.tokenCount()
                if let token, !(0..<n).contains(token) {
                    throw CommandError("--token \(token) is outside the text's \(n) tokens (0…\(max(0, n - 1)))")
                }
                w.show(view, layer: layer, head: nil, sentences: sentences, token: token)
                let (content, title) = w.figure(pane: view.pane, format: format ?? .svg, width: width, height: height)
                return try emit(content, format: format ?? .svg, title: title)
            }
            if let layer, !(1...model.facts.layers).contains(layer) {
                throw CommandError("--layer \(layer): the model has layers 1…\(model.facts.layers)")
            }
            if let head, !(1...model.facts.heads).contains(head) {
                throw CommandError("--head \(head): the model has heads 1…\(model.facts.heads)")
            }
            w.show(
                view, layer: layer.map { $0 - 1 }, head: head.map { $0 - 1 }, kind: kind.flatMap(AttentionViewKind.init)
            )
            if csv {
                guard let table = w.matrixCSV() else { throw CommandError("no matrix to write for this input") }
                return try emit(.text(table), format: .txt, title: "")
            }
            let format = format ?? .svg
            let (content, title) = w.figure(pane: view.pane, format: format, width: width, height: height)
            try emit(content, format: format, title: title)
        }
    }

    private func emit(_ content: FigureContent, format: FigureFormat, title: String) throws {
        if out == nil, case .text(let s) = content {
            FileHandle.standardOutput.write(Data(s.utf8))
            return
        }
        let path = out ?? "bertscope-\(view.rawValue).\(format.fileExtension)"
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        do { try FigureFiles.write(content, format, to: url, title: title, scale: scale) } catch {
            throw CommandError("\(error)")
        }
        writeStderr("wrote \(url.path)")
    }
}
