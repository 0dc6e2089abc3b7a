/// Where each part of the workbench goes for a terminal size.
public struct FrameLayout: Equatable, Sendable {
    var inputA = Rect(x: 0, y: 0, width: 0, height: 0)
    var inputB = Rect(x: 0, y: 0, width: 0, height: 0)
    var tokens: Rect?
    var attention: Rect?
    var predictions: Rect?
    var probing: Rect?
    /// One-row tab bar when only one pane fits.
    var tabs: Rect?
    var status = Rect(x: 0, y: 0, width: 0, height: 0)
    var tooSmall = false

    static let minimum = (width: 40, height: 10)
    static let sideBySide = (width: 120, height: 32)

    /// `predictions`: whether the predictions pane has something to show
    /// (masks, a lab run, or focus); wide layouts then give it the lower
    /// part of the left column, narrower ones the slot of the tokens pane.
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
        func place(_ r: Rect) {
            switch focus {
            case .attention: l.attention = r
            case .predictions: l.predictions = r
            case .probing: l.probing = r
            default: l.tokens = r
            }
        }
        if zoomed {
            place(body)
        } else if width >= sideBySide.width && height >= sideBySide.height {
            let (left, right) = body.splitLeft(max(50, width * 9 / 20))
            if predictions || focus == .predictions {
                let (upper, lower) = left.splitTop(left.height * 11 / 20)
                l.tokens = upper
                l.predictions = lower
            } else {
                l.tokens = left
            }
            if focus == .probing { l.probing = right } else { l.attention = right }
        } else if body.height >= 20 {
            let (upper, lower) = body.splitTop(body.height * 2 / 5)
            if focus == .predictions { l.predictions = upper } else { l.tokens = upper }
            if focus == .probing { l.probing = lower } else { l.attention = lower }
        } else {
            let (tabs, pane) = body.splitTop(1)
            l.tabs = tabs
            place(pane)
        }
        return l
    }
}
