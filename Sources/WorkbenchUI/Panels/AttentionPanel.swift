import Session

/// A teaching view drawn in the attention pane in place of the heatmap, fed
/// by one session analysis. Adding one takes its session record
/// (`Session/Analyses/`, one line in `SessionAnalysis.all`) and this record
/// in a file of its own (view model, derivation, drawing, keys), one line in
/// `AttentionPanels.all`: the help, the key table, the request to the
/// session, the frame and the drawing find it there.
struct AttentionPanel: Sendable {
    /// Names it (the help groups its keys under it) and is the focus context while it is open.
    let context: Context
    /// Its keys: the one that opens it from the attention pane, and its own.
    let bindings: [Binding]
    /// What it asks the session for while open (the layer and head shown, the token, …).
    let request: @Sendable (AttentionState, TokenSelection) -> [AnalysisKind: AnalysisRequest]
    /// Its view model from the frame's one snapshot.
    let derive: @Sendable (SessionSnapshot, TokenSelection, AttentionState) -> PanelView
    /// Draws the view model into the attention pane's body.
    let render: @Sendable (PanelView, AttentionState, Rect, inout Canvas) -> Void
}

extension AttentionPanel {
    /// A panel whose view model is `V`: the frame carries it as a
    /// `PanelView`; `key` opens it from the attention pane and closes it
    /// again (as Esc does); `keys` are its own bindings.
    static func of<V: Hashable & Sendable>(
        _ context: Context, opens key: Key, _ help: String, keys: [Binding] = [],
        onOpen: @escaping @Sendable (inout AttentionState) -> Void = { _ in },
        request: @escaping @Sendable (AttentionState, TokenSelection) -> [AnalysisKind: AnalysisRequest],
        derive: @escaping @Sendable (SessionSnapshot, TokenSelection, AttentionState) -> V,
        render: @escaping @Sendable (V, Rect, inout Canvas) -> Void
    ) -> AttentionPanel {
        let open = Binding.state([key], .attention, help) { s, _ in
            s.attention.panel = context
            onOpen(&s.attention)
        }
        let close = Binding.state([key, .escape], context, "close the \(context.rawValue.lowercased())") { s, _ in
            s.attention.panel = nil
        }.hint("close")
        return AttentionPanel(
            context: context, bindings: [open, close] + keys, request: request,
            derive: { snap, sel, s in PanelView(context, derive(snap, sel, s)) },
            render: { v, _, r, c in
                guard let view = v.value(as: V.self) else { return }
                render(view, r, &c)
            })
    }
}

/// A panel's body written line by line from the top; the pane's last row
/// is kept for its keys, and what does not fit is left out.
struct PanelLines {
    let pane: Rect
    /// Where lines go: the pane without its last row.
    let area: Rect
    var y: Int

    /// nil after drawing `waiting` (what the panel says until its analysis arrives), if there is one.
    init?(_ pane: Rect, waiting: String?, _ c: inout Canvas) {
        if let waiting {
            c.put(waiting, x: pane.x, y: pane.y, c.theme.style(.muted), clip: pane)
            return nil
        }
        self.pane = pane
        area = Rect(x: pane.x, y: pane.y, width: pane.width, height: max(1, pane.height - 1))
        y = pane.y
    }

    mutating func line(_ text: String, _ style: Style, _ c: inout Canvas) {
        guard y < area.maxY else { return }
        c.put(text, x: area.x, y: y, style, clip: area)
        y += 1
    }

    /// The panel's keys, a line below the last one (or on the pane's last row).
    func keys(_ parts: [String], _ c: inout Canvas) {
        c.segments(parts, x: pane.x, y: min(y + 1, pane.maxY - 1), c.theme.style(.muted), clip: pane)
    }
}

/// The tokens the panes select (identities, not rows): the query is the
/// tokens pane's, the key the attention cursor's.
struct TokenSelection: Equatable, Sendable {
    var query: Int, key: Int
}

/// A panel's view model as the frame carries it: any Hashable value, read
/// back by the panel that made it.
public struct PanelView: Equatable, @unchecked Sendable {
    // Sendable: only Hashable & Sendable values go in (the initializer).
    let context: Context
    private let value: AnyHashable
    init<T: Hashable & Sendable>(_ context: Context, _ value: T) { self.context = context; self.value = value }
    func value<T>(as _: T.Type) -> T? { value.base as? T }
}

enum AttentionPanels {
    /// Every panel, in help order.
    static let all: [AttentionPanel] = [ArithmeticPanel.panel, AnatomyPanel.panel, SimilarityPanel.panel]

    static func panel(_ context: Context?) -> AttentionPanel? { all.first { $0.context == context } }
}
