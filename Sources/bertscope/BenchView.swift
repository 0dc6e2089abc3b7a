import Analysis
import ArgumentParser
import Session
import WorkbenchUI

/// A heavy view `bench --workbench --view V` measures: how the workbench
/// opens it, and the keys a user presses while looking at it.
enum BenchView: Hashable {
    case attention(AttentionViewKind)
    case overview, arithmetic, anatomy, tokenizers, compare, importance, explain, secondModel

    static let all: [BenchView] =
        AttentionViewKind.allCases.map { .attention($0) } + [
            .overview, .arithmetic, .anatomy, .tokenizers, .compare, .importance, .explain, .secondModel,
        ]

    var name: String {
        switch self {
        case .attention(let kind): return kind.rawValue
        case .overview: return "overview"
        case .arithmetic: return "arithmetic"
        case .anatomy: return "anatomy"
        case .tokenizers: return "tokenizers"
        case .compare: return "compare"
        case .importance: return "importance"
        case .explain: return "explain"
        case .secondModel: return "second-model"
        }
    }

    init?(name: String) {
        guard let v = Self.all.first(where: { $0.name == name }) else { return nil }
        self = v
    }

    /// What the views beside the attention pane's are, for `--help` (ArgumentParser lists the names).
    static let help =
        "overview (all layers × heads), arithmetic (x: one cell's attention step by step), anatomy (A: the token through every layer), tokenizers (:tokenizers, see --tokenizers), compare (:compare, A′ = the "
        + "text with its first word changed), importance (H), explain (the task head's attribution), second-model "
        + "(see --compare-model)"

    /// The session records the view draws from, when it is drawn as soon as
    /// they are in (the teaching panels); nil: the view waits for all of the input's work.
    var records: [AnalysisKind]? {
        switch self {
        case .arithmetic: return [.arithmetic]
        case .anatomy: return [.anatomy, .ffnLens]
        default: return nil
        }
    }

    /// The keys of one look: a user's moves in the view, then a character
    /// typed at the end of line A and back to the view. Not erased: going
    /// back to an input whose results are cached would hide what an edit costs.
    var keys: [Key] {
        let typing: [Key] = [.char("i"), .char("x"), .escape]
        switch self {
        case .attention, .secondModel, .arithmetic, .anatomy:
            let moves: [Key] = [
                .down, .down, .right, .right, .char("["), .char("."), .up, .left, .char("]"), .char(","),
            ]
            return moves + typing + [.tab]
        case .overview: return [.down, .right, .right, .up, .left, .char("s"), .char("s")] + typing + [.tab]
        case .tokenizers: return [.right, .right, .right, .left, .end, .home] + typing
        case .compare: return [.down, .down, .up, .char("x")] + typing + [.tab]
        case .importance: return [.down, .right, .right, .up, .left] + typing + [.tab]
        case .explain: return [.right, .right, .left, .end, .home, .char("c"), .char("c")] + typing + [.tab, .tab]
        }
    }
}

/// `--view`: one view, a comma list, or `all`.
struct BenchViews: ExpressibleByArgument {
    let views: [BenchView]

    init?(argument: String) {
        if argument == "all" { views = BenchView.all; return }
        let named = argument.split(separator: ",").map { BenchView(name: String($0)) }
        guard !named.isEmpty, !named.contains(where: { $0 == nil }) else { return nil }
        views = named.compactMap { $0 }
    }

    static var allValueStrings: [String] { ["all"] + BenchView.all.map(\.name) }
}
