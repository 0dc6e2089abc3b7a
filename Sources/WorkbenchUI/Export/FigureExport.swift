import Analysis
import Figures
import Foundation
import SafeIO

/// The formats figures are written in.
public enum FigureFormat: String, CaseIterable, Sendable {
    case svg, png, html, txt, ansi
    public var fileExtension: String { self == .ansi ? "ans" : rawValue }
}

/// A figure ready to write: a drawing (SVG, HTML, PNG) or text (txt, ANSI).
public enum FigureContent: Sendable {
    case drawing(Figure)
    case text(String)
}

public enum FigureFiles {
    /// Writes `content` as `format` to `url` (PNG at `scale` pixels per point), through the checked writer.
    public static func write(
        _ content: FigureContent, _ format: FigureFormat, to url: URL, title: String, scale: Double
    )
        throws
    {
        switch (content, format) {
        case (.text(let s), _):
            try OutputFile.write(Data(s.utf8), to: url)
        case (.drawing(let f), .svg):
            try OutputFile.write(Data(SVGWriter.svg(f).utf8), to: url)
        case (.drawing(let f), .html):
            try OutputFile.write(Data(HTMLWriter.html(f, title: title).utf8), to: url)
        case (.drawing(let f), .png):
            let fonts = try FontSet.shared.get()
            let png = try PNGFile.encode(try Rasterizer.raster(f, scale: scale, fonts: fonts))
            try OutputFile.write(Data(png), to: url)
        case (.drawing, .txt), (.drawing, .ansi):
            throw FigureError("\(format.rawValue) needs the screen's text, not a drawing")
        }
    }
}

extension Workbench {
    /// The frame as drawn at `width` × `height`, and where each pane went.
    /// Colour terminals' frames are drawn in true colour for figures: the
    /// same colours without the 256-colour palette's steps.
    func drawnFrame(width: Int, height: Int) -> (CellGrid, FrameLayout) {
        let mode = colorMode
        if mode.hasColorRamp { colorMode = .truecolor }
        defer { colorMode = mode }
        let grid = render(width: width, height: height)
        let layout = frameLayout(width: width, height: height, snapshot.result)
        return (grid, layout)
    }

    /// A figure of `pane` (nil: the whole screen) in `format`: the attention
    /// heatmap and the overview as matrix figures (one rectangle per entry,
    /// the tokens as labels, a colour bar); everything else, and all text
    /// formats, exactly as drawn.
    public func figure(pane: Focus?, format: FigureFormat, width: Int, height: Int) -> (FigureContent, String) {
        let (grid, layout) = drawnFrame(width: width, height: height)
        let region: Rect
        switch pane {
        case .tokens?: region = layout.tokens ?? Rect(x: 0, y: 0, width: width, height: height)
        case .attention?: region = layout.attention ?? Rect(x: 0, y: 0, width: width, height: height)
        case .predictions?: region = layout.predictions ?? Rect(x: 0, y: 0, width: width, height: height)
        case .probing?: region = layout.probing ?? Rect(x: 0, y: 0, width: width, height: height)
        default: region = Rect(x: 0, y: 0, width: width, height: height)
        }
        let title = "BertScope · \(session.model.name) · \(state.editorA.text)"
        switch format {
        case .txt: return (.text(TextExport.plain(grid, region)), title)
        case .ansi: return (.text(TextExport.ansi(grid, region, theme: theme)), title)
        case .svg, .png, .html:
            if pane == .attention, let matrix = matrixFigure() { return (.drawing(matrix), title) }
            return (.drawing(GridFigure.figure(grid, region, theme: theme)), title)
        }
    }

    /// The attention pane's matrix as a publication figure, when it shows a heatmap or the overview.
    func matrixFigure() -> Figure? {
        let a = state.attention
        guard !a.importance, !a.patching, a.finder == nil, let r = snapshot.result else { return nil }
        let input = "\"\(r.input.text)\"" + (r.input.pair.map { " / \"\($0)\"" } ?? "")
        if a.overview {
            guard
                let o = deriver.overviewView(
                    r, hideSpecial: a.hideSpecial, area: Rect(x: 0, y: 0, width: 0, height: 0), ramp: true),
                let n = o.maps.first?.size, n > 0
            else { return nil }
            // Each panel on its own scale, as the overview draws it.
            let maxima = o.maps.map { max($0.values.max() ?? 1, 1e-9) }
            var f = SmallMultiplesFigure(
                panels: o.maps.map(\.values), panelRows: o.layers, panelColumns: o.heads, size: n,
                panelLabels: (0..<(o.layers * o.heads)).map { "layer \($0 / o.heads + 1) head \($0 % o.heads + 1)" },
                rowHeadings: (1...o.layers).map { "L\($0)" }, columnHeadings: (1...o.heads).map { "H\($0)" },
                title: "\(session.model.name) · every head, \(n) tokens"
            ) { panel, v in self.heatRGB((v / maxima[panel]).squareRoot()) }
            f.subtitle = input + " · colour √(p / max p) per head"
            f.foreground = theme.rgb(theme.color(.foreground), background: false)
            f.muted = theme.rgb(theme.color(.muted), background: false)
            f.background = theme.figureBackground
            return f.figure
        }
        guard let m = currentMap(for: r), m.size > 0, let v = deriver.attentionView(r, a) else { return nil }
        let top = max(m.values.max() ?? 1, 1e-9)
        var h = HeatmapFigure(
            values: m.values, rows: m.size, columns: m.size, rowLabels: v.labels, columnLabels: v.labels,
            title: "\(session.model.name) · "
                + AttentionPane.title(a, layers: facts.layers, heads: facts.heads, specials: v.specialNames)
                .replacingOccurrences(of: "Attention · ", with: ""),
            colour: { self.heatRGB(($0 / top).squareRoot()) }, scaled: { ($0 / top).squareRoot() })
        h.subtitle = input + " · rows: queries, columns: keys · colour √(value / max)"
        h.valueName = a.view.valueName
        h.ticks = [0, top / 4, top]
        h.foreground = theme.rgb(theme.color(.foreground), background: false)
        h.muted = theme.rgb(theme.color(.muted), background: false)
        h.background = theme.figureBackground
        return h.figure
    }

    func heatRGB(_ v: Float) -> RGB { theme.rgb(theme.heat(v), background: true) }
}
