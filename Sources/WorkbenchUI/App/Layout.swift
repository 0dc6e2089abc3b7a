/// Where each part of the workbench goes for a terminal size. Places are
/// stable: at a given size each pane has its own place whatever has focus;
/// two panes share a place (tabs on its bottom border) only when space runs out.
public struct FrameLayout: Equatable, Sendable {
    var inputA = Rect(x: 0, y: 0, width: 0, height: 0)
    var inputB = Rect(x: 0, y: 0, width: 0, height: 0)
    var tokens: Rect?
    var attention: Rect?
    var predictions: Rect?
    var probing: Rect?
    /// With a second model (`:compare-model`): its halves of the attention and predictions places.
    var secondAttention: Rect?
    var secondPredictions: Rect?
    /// One-row tab bar when only one pane fits.
    var tabs: Rect?
    /// Places two panes share: the place, its panes, and the one shown.
    var shared: [Slot] = []
    var status = Rect(x: 0, y: 0, width: 0, height: 0)
    var tooSmall = false

    struct Slot: Equatable, Sendable {
        var rect: Rect
        var panes: [Focus]
        var shown: Focus
    }

    /// The layout for a state: a tour's caption banner takes rows above the
    /// status bar and the panes fit above it; on a small terminal a tour
    /// gives the step's pane the whole body.
    public static func compute(width: Int, height: Int, _ s: WorkbenchState, predictions: Bool) -> FrameLayout {
        let banner = s.tour.map { TourBanner.height($0, width: width, screenHeight: height) } ?? 0
        var layout = compute(
            width: width, height: height - banner, focus: s.focus, zoomed: s.zoomed || (banner > 0 && height < 32),
            predictions: predictions)
        if banner > 0, !layout.tooSmall { layout.status.y += banner }
        return layout
    }

    /// Gives the second model the right half of the attention and predictions places (where 60 columns allow).
    public mutating func splitForSecondModel() {
        if let r = attention, r.width >= 60 {
            let (left, right) = r.splitLeft(r.width / 2)
            attention = left
            secondAttention = right
        }
        if let r = predictions, r.width >= 60 {
            let (left, right) = r.splitLeft(r.width / 2)
            predictions = left
            secondPredictions = right
        }
    }

    static let minimum = (width: 40, height: 10)
    static let sideBySide = (width: 120, height: 32)
    static let everything = (width: 200, height: 56)

    /// `predictions`: whether the predictions pane has something to show
    /// (masks, a lab run); stacked layouts then show it in the upper place.
    public static func compute(width: Int, height: Int, focus: Focus, zoomed: Bool, predictions: Bool = false)
        -> FrameLayout
    {
        var l = FrameLayout()
        guard width >= minimum.width, height >= minimum.height else { l.tooSmall = true; return l }
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (top, rest) = screen.splitTop(2)
        l.inputA = Rect(x: 0, y: top.y, width: width, height: 1)
        l.inputB = Rect(x: 0, y: top.y + 1, width: width, height: 1)
        let (body, status) = rest.splitBottom(1)
        l.status = status
        let pane = focus.isInput ? Focus.tokens : focus
        if zoomed {
            l.place(pane, body)
        } else if width >= everything.width && height >= everything.height {
            let (left, right) = body.splitLeft(width * 2 / 5)
            let (upper, lower) = left.splitTop(left.height * 3 / 5)
            l.tokens = upper
            l.predictions = lower
            let (main, below) = right.splitTop(right.height * 2 / 3)
            l.attention = main
            l.probing = below
        } else if width >= sideBySide.width && height >= sideBySide.height {
            let (left, right) = body.splitLeft(max(50, width * 9 / 20))
            let (upper, lower) = left.splitTop(left.height * 3 / 5)
            l.tokens = upper
            l.predictions = lower
            l.share(right, [.attention, .probing], default: .attention, focus: pane)
        } else if body.height >= 20 {
            let (upper, lower) = body.splitTop(body.height * 2 / 5)
            l.share(upper, [.tokens, .predictions], default: predictions ? .predictions : .tokens, focus: pane)
            l.share(lower, [.attention, .probing], default: .attention, focus: pane)
        } else {
            let (tabs, one) = body.splitTop(1)
            l.tabs = tabs
            l.place(pane, one)
        }
        return l
    }

    /// Where pane `f` is drawn (nil: not on screen).
    func rect(of f: Focus) -> Rect? {
        switch f {
        case .attention: return attention
        case .predictions: return predictions
        case .probing: return probing
        default: return tokens
        }
    }

    private mutating func place(_ f: Focus, _ r: Rect) {
        switch f {
        case .attention: attention = r
        case .predictions: predictions = r
        case .probing: probing = r
        default: tokens = r
        }
    }

    /// `panes` take turns in `r`: the focused one, else `default`.
    private mutating func share(_ r: Rect, _ panes: [Focus], default d: Focus, focus: Focus) {
        let shown = panes.contains(focus) ? focus : d
        place(shown, r)
        shared.append(Slot(rect: r, panes: panes, shown: shown))
    }
}
