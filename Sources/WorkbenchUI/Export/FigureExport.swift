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
        // Drawings stream into the file: an SVG of a million cells is never one String.
        case (.drawing(let f), .svg):
            try OutputFile.write(to: url) { try SVGWriter.write(f, to: &$0) }
        case (.drawing(let f), .html):
            try OutputFile.write(to: url) { try HTMLWriter.write(f, title: title, to: &$0) }
        case (.drawing(let f), .png):
            let fonts = try FontSet.shared.get()
            let png = try PNGFile.encode(try Rasterizer.raster(f, scale: scale, fonts: fonts))
            try OutputFile.write(to: url) { try $0.write(png) }
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
        let grid = render(width: width, height: height, figure: true)
        let layout = frameLayout(width: width, height: height, snapshot.result)
        return (grid, layout)
    }

    /// A figure of `pane` (nil: the whole screen) in `format`: the attention
    /// heatmap and the overview as matrix figures (one rectangle per entry,
    /// the tokens as labels, a colour bar); everything else, and all text
    /// formats, exactly as drawn.
    public func figure(pane: Focus?, format: FigureFormat, width: Int, height: Int) -> (FigureContent, String) {
        let (screen, layout) = drawnFrame(width: width, height: height)
        let whole = Rect(x: 0, y: 0, width: width, height: height), drawn: Rect
        switch pane {
        case .tokens?: drawn = layout.tokens ?? whole
        case .attention?: drawn = layout.attention ?? whole
        case .predictions?: drawn = layout.predictions ?? whole
        case .probing?: drawn = layout.probing ?? whole
        default: drawn = whole
        }
        let title = "BertScope · \(session.model.name) · \(MatrixFigures.excerpt(state.editorA.text))"
        // A pane is cropped to what it holds; the whole screen stays as drawn.
        let (grid, region) = pane == nil ? (screen, whole) : PaneCrop.content(screen, drawn, theme: theme)
        switch format {
        case .txt: return (.text(TextExport.plain(grid, region)), title)
        case .ansi: return (.text(TextExport.ansi(grid, region, theme: theme)), title)
        case .svg, .png, .html:
            if pane == .attention, let matrix = matrixFigure() { return (.drawing(matrix), title) }
            return (.drawing(GridFigure.figure(grid, region, theme: theme)), title)
        }
    }

    func heatRGB(_ v: Float) -> RGB { theme.rgb(theme.heat(v), background: true) }
}
