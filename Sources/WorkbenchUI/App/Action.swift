/// Everything a key can do. Key bindings map to these; the help overlay
/// lists them from the same table, so help never drifts from behaviour.
public enum Action: Hashable, Sendable {
    case quit, help, commandLine, focusNext, focusPrevious, leaveInput, zoom, submit
    case historyPrevious, historyNext
    case moveUp, moveDown, moveLeft, moveRight, pageUp, pageDown, first, last
    case layerPrevious, layerNext, headPrevious, headNext
    case cycleView, toggleWords, toggleSpecial, toggleOverview, toggleFocusMode
    case nextTheme, nextSample
    case maskToken, maskWord, toggleFillOrder, newLab, leaveLab, modelInfo, toggleRepresentation
}

/// Where a binding applies: anywhere, or only while a part has focus.
public enum Context: String, Hashable, Sendable, CaseIterable {
    case global = "Anywhere"
    case input = "Input lines"
    case panes = "Panes"
    case tokens = "Tokens pane"
    case attention = "Attention pane"
    case overview = "Head overview"
    case predictions = "Predictions pane"
    case probing = "Probing pane"
}

public struct Binding: Sendable {
    public let keys: [Key]
    public let context: Context
    public let action: Action
    public let help: String
}

public enum KeyMap {
    public static let bindings: [Binding] = [
        Binding(keys: [.ctrl("c")], context: .global, action: .quit, help: "quit"),
        Binding(keys: [.tab], context: .global, action: .focusNext, help: "next part (input A, input B, tokens, attention, predictions, probing)"),
        Binding(keys: [.backTab], context: .global, action: .focusPrevious, help: "previous part"),
        Binding(keys: [.function(1)], context: .global, action: .help, help: "help"),
        Binding(keys: [.escape], context: .input, action: .leaveInput, help: "leave the input line for the panes (then q quits)"),
        Binding(keys: [.enter], context: .input, action: .submit, help: "keep the sentence in history"),
        Binding(keys: [.up], context: .input, action: .historyPrevious, help: "previous sentence from history"),
        Binding(keys: [.down], context: .input, action: .historyNext, help: "next sentence from history"),
        Binding(keys: [.char("q")], context: .panes, action: .quit, help: "quit"),
        Binding(keys: [.char("?")], context: .panes, action: .help, help: "this help"),
        Binding(keys: [.char(":")], context: .panes, action: .commandLine, help: "command line (:layer :head :theme :sample :view :export :model :quit)"),
        Binding(keys: [.char("z")], context: .panes, action: .zoom, help: "zoom the focused pane to full screen and back"),
        Binding(keys: [.char("i"), .char("/")], context: .panes, action: .leaveInput, help: "edit the sentence"),
        Binding(keys: [.char("t")], context: .panes, action: .nextTheme, help: "next theme"),
        Binding(keys: [.char("I")], context: .panes, action: .modelInfo, help: "model info: family, parameters, tokenizer, heads, dtype, size"),
        Binding(keys: [.char("n")], context: .panes, action: .nextSample, help: "next sample sentence"),
        Binding(keys: [.left, .char("h")], context: .tokens, action: .moveLeft, help: "previous token"),
        Binding(keys: [.right, .char("l")], context: .tokens, action: .moveRight, help: "next token"),
        Binding(keys: [.up, .char("k")], context: .tokens, action: .moveUp, help: "previous token"),
        Binding(keys: [.down, .char("j")], context: .tokens, action: .moveDown, help: "next token"),
        Binding(keys: [.home], context: .tokens, action: .first, help: "first token"),
        Binding(keys: [.char("m")], context: .tokens, action: .maskToken, help: "mask / unmask the selected token"),
        Binding(keys: [.char("M")], context: .tokens, action: .maskWord, help: "mask / unmask the whole word (all its pieces)"),
        Binding(keys: [.end], context: .tokens, action: .last, help: "last token"),
        Binding(keys: [.up, .char("k")], context: .attention, action: .moveUp, help: "query row up"),
        Binding(keys: [.down, .char("j")], context: .attention, action: .moveDown, help: "query row down"),
        Binding(keys: [.left, .char("h")], context: .attention, action: .moveLeft, help: "key column left"),
        Binding(keys: [.right, .char("l")], context: .attention, action: .moveRight, help: "key column right"),
        Binding(keys: [.pageUp], context: .attention, action: .pageUp, help: "scroll up a page"),
        Binding(keys: [.pageDown], context: .attention, action: .pageDown, help: "scroll down a page"),
        Binding(keys: [.char("[")], context: .attention, action: .layerPrevious, help: "previous layer"),
        Binding(keys: [.char("]")], context: .attention, action: .layerNext, help: "next layer"),
        Binding(keys: [.char(",")], context: .attention, action: .headPrevious, help: "previous head"),
        Binding(keys: [.char(".")], context: .attention, action: .headNext, help: "next head"),
        Binding(keys: [.char("v")], context: .attention, action: .cycleView, help: "view: head, mean over heads, rollout"),
        Binding(keys: [.char("w")], context: .attention, action: .toggleWords, help: "word level (to a word: summed; from a word: averaged)"),
        Binding(keys: [.char("s")], context: .attention, action: .toggleSpecial, help: "hide the special tokens ([CLS]/[SEP], <s>/</s>) and renormalize rows, or keep them"),
        Binding(keys: [.char("o")], context: .attention, action: .toggleOverview, help: "overview of all layers × heads"),
        Binding(keys: [.char("f")], context: .attention, action: .toggleFocusMode, help: "focus mode: the query row as a ranked bar list"),
        Binding(keys: [.up, .char("k")], context: .predictions, action: .moveUp, help: "previous mask"),
        Binding(keys: [.down, .char("j")], context: .predictions, action: .moveDown, help: "next mask"),
        Binding(keys: [.char("r")], context: .predictions, action: .toggleFillOrder, help: "iterative fill: left to right / most confident first"),
        Binding(keys: [.char("b")], context: .predictions, action: .newLab, help: "masking lab: BERT's 15% / 80-10-10 corruption with a new seed"),
        Binding(keys: [.char("x")], context: .predictions, action: .leaveLab, help: "leave the masking lab"),
        Binding(keys: [.left, .char("h")], context: .probing, action: .moveLeft, help: "previous probing task"),
        Binding(keys: [.right, .char("l")], context: .probing, action: .moveRight, help: "next probing task"),
        Binding(keys: [.char("r")], context: .probing, action: .toggleRepresentation, help: "representation view: cosine to the previous layer and norm"),
        Binding(keys: [.up, .char("k")], context: .overview, action: .moveUp, help: "layer up"),
        Binding(keys: [.down, .char("j")], context: .overview, action: .moveDown, help: "layer down"),
        Binding(keys: [.left, .char("h")], context: .overview, action: .moveLeft, help: "head left"),
        Binding(keys: [.right, .char("l")], context: .overview, action: .moveRight, help: "head right"),
        Binding(keys: [.enter, .char("o"), .escape], context: .overview, action: .toggleOverview, help: "open the chosen head"),
    ]

    /// The action for `key` in the first of `contexts` that binds it.
    public static func action(for key: Key, in contexts: [Context]) -> Action? {
        for c in contexts {
            if let b = bindings.first(where: { $0.context == c && $0.keys.contains(key) }) { return b.action }
        }
        return nil
    }

    /// Help text lines, grouped by context, generated from `bindings`.
    public static var helpLines: [(context: Context, keys: String, help: String)] {
        Context.allCases.flatMap { c in
            bindings.filter { $0.context == c }.map { (c, $0.keys.map(\.description).joined(separator: " "), $0.help) }
        }
    }
}
