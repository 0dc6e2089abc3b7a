import Analysis
import Testing
@testable import WorkbenchUI

/// The help says what the keys and commands do: the texts that list a
/// cycle or the accepted values are compared with what pressing the key or
/// running the command actually does.
@Suite struct HelpBehaviourTests {
    func help(_ key: Key, _ context: Context) -> String {
        KeyMap.bindings.first { $0.context == context && $0.keys.contains(key) }?.help ?? ""
    }

    @Test func explainHelpNamesTheCycleInTheOrderEGoes() {
        var s = WorkbenchState(text: "a fine film")
        s.focus = .predictions
        var e = Extent(tokens: 5)
        e.taskTokens = 5; e.labels = 2
        let f = FrameFacts(extent: e)
        var seen = [s.predictions.explainMethod]
        for _ in AttributionMethod.allCases {
            (s, _) = Update.update(s, .char("e"), f)
            seen.append(s.predictions.explainMethod)
        }
        #expect(Set(seen) == Set(AttributionMethod.allCases) && seen.first == seen.last)
        let order = seen.dropLast().map(\.rawValue).joined(separator: " → ")
        #expect(help(.char("e"), .predictions).contains("in turn: " + order), "\(help(.char("e"), .predictions))")
    }

    @Test func viewHelpNamesTheCycleInTheOrderVGoes() {
        var s = WorkbenchState(text: "the cat")
        s.focus = .attention
        let f = FrameFacts(extent: Extent(tokens: 4, mapSize: 4, layers: 2, heads: 2))
        var seen = [s.attention.view]
        for _ in AttentionViewKind.allCases {
            (s, _) = Update.update(s, .char("v"), f)
            seen.append(s.attention.view)
        }
        #expect(Set(seen) == Set(AttentionViewKind.allCases) && seen.first == seen.last)
        #expect(
            help(.char("v"), .attention).contains(
                "in turn: " + seen.dropLast().map(\.rawValue).joined(separator: " → ")))
    }

    /// `:view banana` lists every value `:view` takes, and nothing it refuses.
    @Test func viewRefusalListsExactlyWhatViewAccepts() {
        var s = WorkbenchState(text: "the cat")
        _ = s.setView("banana")
        let text = s.notice?.text ?? ""
        let prefix = ":view takes "
        #expect(text.hasPrefix(prefix) && s.notice?.isError == true)
        let listed = text.dropFirst(prefix.count).replacingOccurrences(of: " or ", with: ", ")
            .components(separatedBy: ", ")
        for word in listed {
            var t = WorkbenchState(text: "the cat")
            _ = t.setView(word)
            #expect(t.notice == nil, "\(word) is listed but refused: \(t.notice?.text ?? "")")
        }
        for kind in AttentionViewKind.allCases { #expect(listed.contains(kind.rawValue), "\(kind) works, not listed") }
        #expect(Set(listed) == Set(Commands.viewArguments))
    }
}
