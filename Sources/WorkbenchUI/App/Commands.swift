import Foundation
import SafeIO
import Session

/// The `:` command line: `:layer N`, `:head N`, `:theme NAME`, `:view KIND`,
/// `:sample [TEXT]`, `:export [DIR]`, `:model PATH`, `:quit`.
enum Commands {
    static let names = ["export", "gold", "head", "layer", "model", "quit", "recover", "reload", "sample", "theme", "view"]

    /// Tab completion of the command name, or of a theme / view argument.
    static func complete(_ line: String, workbench w: Workbench) -> String? {
        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count <= 1 {
            return commonPrefix(names.filter { $0.hasPrefix(parts.first ?? "") }).map { $0 == parts.first ? $0 + " " : $0 }
        }
        let options: [String]
        switch parts[0] {
        case "theme": options = w.themes.names
        case "view": options = AttentionViewKind.allCases.map(\.rawValue) + ["words", "tokens", "special", "nospecial"]
        default: return nil
        }
        return commonPrefix(options.filter { $0.hasPrefix(parts[1]) }).map { parts[0] + " " + $0 }
    }

    static func commonPrefix(_ words: [String]) -> String? {
        guard var prefix = words.first else { return nil }
        for w in words.dropFirst() { while !w.hasPrefix(prefix) { prefix.removeLast() } }
        return prefix
    }
}

extension Workbench {
    /// Runs one command line; problems become a red notice, never a crash.
    public func run(command line: String) {
        let parts = line.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1).map(String.init)
        guard let name = parts.first else { return }
        let arg = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        let (layers, heads) = config
        func fail(_ s: String) { notice = Notice(text: s, isError: true) }
        switch name {
        case "q", "quit": quit()
        case "layer":
            guard let n = Int(arg), (1...layers).contains(n) else { return fail(":layer takes 1…\(layers)") }
            attention.layer = n - 1
        case "head":
            guard let n = Int(arg), (1...heads).contains(n) else { return fail(":head takes 1…\(heads)") }
            attention.head = n - 1
            attention.view = .head
        case "theme":
            guard !arg.isEmpty else { return fail(":theme takes one of \(themes.names.joined(separator: ", "))") }
            applyTheme(arg)
        case "view":
            switch arg {
            case "words": attention.words = true
            case "tokens": attention.words = false
            case "special": attention.hideSpecial = false
            case "nospecial": attention.hideSpecial = true
            default:
                guard let v = AttentionViewKind(rawValue: arg) else { return fail(":view takes head, mean, rollout, words, tokens, special or nospecial") }
                attention.view = v
            }
        case "sample":
            if arg.isEmpty { return cycleSample() }
            guard let s = samples.first(where: { $0.text.localizedCaseInsensitiveContains(arg) || $0.set.localizedCaseInsensitiveContains(arg) }) else {
                return fail("no sample matches \"\(arg)\"")
            }
            loadSample(s)
        case "recover": recoverDraft()
        case "reload": reloadModel()
        case "export": export(to: arg.isEmpty ? exportDirectory : arg)
        case "gold":
            guard !goldSentences.isEmpty else { return fail("no labelled sentences found (Samples/probing/test.conllu)") }
            let pick = arg.isEmpty ? goldSentences[Int.random(in: 0..<goldSentences.count)]
                : goldSentences.first { $0.text.0.localizedCaseInsensitiveContains(arg) }
            guard let s = pick else { return fail("no labelled sentence contains \"\(arg)\"") }
            setText(s.text.0)
            gold = s
            focus = .probing
            notice = Notice(text: "labelled sentence: the probing pane compares each layer with its gold (silver) labels", isError: false)
        case "model":
            guard !arg.isEmpty else { return fail(":model takes a directory or hub id") }
            do {
                replaceSession(with: try loadModel(arg))
                notice = Notice(text: "loaded \(session.model.name)", isError: false)
            } catch {
                fail("\(error)")
            }
        default: fail("unknown command :\(name) (try \(Commands.names.joined(separator: ", ")))")
        }
    }

    func export(to path: String) {
        session.waitUntilIdle()
        do {
            let dir = try session.export(to: URL(fileURLWithPath: (path as NSString).expandingTildeInPath))
            notice = Notice(text: "exported hidden_states.npy, attentions.npy, tokens.json to \(dir.path)", isError: false)
        } catch {
            notice = Notice(text: "export failed: \(IOErrorText.describe(error))", isError: true)
        }
    }
}
