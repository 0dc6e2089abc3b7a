import Analysis
import Session

/// A teaching tour: steps, each a workbench state (sentences, pane, layer,
/// head, view, masks, ablations…) and a caption of a few lines. Written as
/// text (`Samples/tours/*.tour`; the format is in docs/figures-and-tours.md), recorded
/// with `:record`, and the workbench's `:save` files are one-step tours.
public struct Tour: Equatable, Sendable {
    public var title: String
    /// A model directory or hub id; nil: whatever model is open.
    public var model: String?
    public var steps: [Step]

    public init(title: String, model: String? = nil, steps: [Step] = []) {
        self.title = title; self.model = model; self.steps = steps
    }

    public struct Step: Equatable, Sendable {
        public var text = ""
        public var pair = ""
        /// The model this step runs on (a directory or hub id; a relative path is the tour file's), nil: the tour's.
        public var model: String?
        /// Other tokenizers whose splits the tokens pane shows (`:tokenizers`), resolved like `model`.
        public var tokenizers: [String] = []
        public var pane: Focus = .tokens
        /// 0-based, as stored; the file says them from 1.
        public var layer = 0, head = 0
        public var view = AttentionViewKind.head
        public var words = false, hideSpecial = false, overview = false, zoom = false
        public var importance = false, patching = false
        /// The probing pane's representation view (each token's similarity to itself a layer down).
        public var representation = false
        /// Token positions masked (besides any [MASK] typed in the text).
        public var masks: [Int] = []
        /// The token selected in the tokens pane.
        public var select: Int?
        public var ablate = HeadAblation()
        public var meanAblation = false
        public var counterfactual = ""
        /// The masking lab's seed.
        public var lab: UInt64?
        /// Whose layers the panes show (a head's retrained ones), and the
        /// layers the sentence is compared with (what retraining changed).
        public var layers = ShownLayers.published
        public var compareLayers: ShownLayers?
        /// A teaching panel open in the attention pane: "arithmetic" (x) or "anatomy" (A).
        public var panel: String?
        public var caption: [String] = []
        /// A question the step asks before it shows its pane and caption
        /// ("Which word will the model put here?"), and the answers that
        /// count as right (case-insensitive; empty: any answer is taken).
        public var question: String?
        public var answers: [String] = []
        /// Claims about what the model shows here, checked by the test suite (never drawn).
        public var checks: [String] = []
        public init() {}
    }
}

public struct TourError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ m: String) { message = m }
    public var description: String { message }
}
