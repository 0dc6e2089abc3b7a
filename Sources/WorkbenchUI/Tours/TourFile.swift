import Analysis
import Session

/// The tour format: `key = value` lines, `[step]` starting each step, `>`
/// lines its caption, `#` comments. Numbers from 1 as the workbench shows
/// them; every value is checked, and a bad line is an error naming it.
public enum TourFile {
    /// Most steps and caption lines a tour may have (a lesson, not a log).
    public static let stepLimit = 500, captionLimit = 12
    /// Most bytes of a step's text, pair or counterfactual: about two windows
    /// of a 512-token model in English (≈4 bytes a token), room for a
    /// paragraph or a lesson on windows, and one step's check (every pane,
    /// integrated gradients included) stays within seconds (5,000 words ran
    /// for minutes). A tour file holds at most 256 KB: 500 steps of 500 bytes
    /// (the shipped lessons are under 2 KB each).
    public static let textLimit = 4096, byteLimit = 256 << 10

    /// Why a step's text is too long to play, if it is.
    public static func oversized(_ s: Tour.Step) -> String? {
        [("text", s.text), ("pair", s.pair), ("counterfactual", s.counterfactual)].lazy.compactMap(oversized).first
    }

    private static func oversized(_ key: String, _ value: String) -> String? {
        guard ["text", "pair", "counterfactual"].contains(key), value.utf8.count > textLimit else { return nil }
        return "\(key) is \(value.utf8.count) bytes, over the \(textLimit) a step may hold"
    }

    public static func parse(_ source: String, name: String = "tour") throws -> Tour {
        var tour = Tour(title: name)
        var step: Tour.Step? = nil
        // Any line break (CRLF from Windows editors, U+2028…) ends a line.
        let source = withoutByteOrderMark(source)
        for (number, raw) in source.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let place = "\(name):\(number + 1)"
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line == "[step]" {
                if let s = step { tour.steps.append(s) }
                guard tour.steps.count < stepLimit else { throw TourError("\(place): more than \(stepLimit) steps") }
                step = Tour.Step()
                continue
            }
            if line.hasPrefix(">") {
                guard step != nil else { throw TourError("\(place): a caption line before the first [step]") }
                guard step!.caption.count < captionLimit else {
                    throw TourError("\(place): a caption has at most \(captionLimit) lines")
                }
                step!.caption.append(String(line.dropFirst().drop { $0 == " " }))
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw TourError("\(place): expected `key = value`, `[step]` or `> caption`, got \"\(line)\"")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if var s = step {
                if let why = oversized(key, value) {
                    throw TourError("\(place): step \(tour.steps.count + 1): \(why)")
                }
                try set(key, value, in: &s, place)
                step = s
            } else {
                switch key {
                case "title": tour.title = value
                case "model": tour.model = value.isEmpty ? nil : value
                default: throw TourError("\(place): \"\(key)\" before the first [step] (only title and model go there)")
                }
            }
        }
        if let s = step { tour.steps.append(s) }
        guard !tour.steps.isEmpty else { throw TourError("\(name): no [step] in the tour") }
        return tour
    }

    static let panes: [String: Focus] = [
        "tokens": .tokens, "attention": .attention, "predictions": .predictions, "probing": .probing,
        "input": .inputA,
    ]

    private static func set(_ key: String, _ value: String, in s: inout Tour.Step, _ place: String) throws {
        func number(_ range: ClosedRange<Int>) throws -> Int {
            guard let n = Int(value), range.contains(n) else {
                throw TourError(
                    "\(place): \(key) takes a number in \(range.lowerBound)…\(range.upperBound), not \"\(value)\"")
            }
            return n
        }
        func flag() throws -> Bool {
            switch value {
            case "on", "yes", "true": return true
            case "off", "no", "false": return false
            default: throw TourError("\(place): \(key) is on or off, not \"\(value)\"")
            }
        }
        switch key {
        case "text": s.text = value
        case "model": s.model = value.isEmpty ? nil : value
        case "tokenizers":
            s.tokenizers = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
        case "pair": s.pair = value
        case "pane":
            guard let p = panes[value] else {
                throw TourError(
                    "\(place): pane is one of \(panes.keys.sorted().joined(separator: ", ")), not \"\(value)\"")
            }
            s.pane = p
        case "layer": s.layer = try number(1...1024) - 1
        case "head": s.head = try number(1...1024) - 1
        case "view":
            guard let v = AttentionViewKind(rawValue: value) else {
                throw TourError(
                    "\(place): view is one of \(AttentionViewKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            s.view = v
        case "words": s.words = try flag()
        case "hide-special": s.hideSpecial = try flag()
        case "overview": s.overview = try flag()
        case "zoom": s.zoom = try flag()
        case "importance": s.importance = try flag()
        case "patching": s.patching = try flag()
        case "representation": s.representation = try flag()
        case "select": s.select = try number(0...100_000)
        case "masks":
            s.masks = try value.split(separator: ",").map {
                guard let n = Int($0.trimmingCharacters(in: .whitespaces)), (0...100_000).contains(n) else {
                    throw TourError("\(place): masks are token positions (0, 1, …) separated by commas")
                }
                return n
            }
        case "ablate":
            do {
                s.ablate = value.isEmpty ? HeadAblation() : try HeadAblation.parse(value, layers: 1024, heads: 1024)
            } catch {
                throw TourError("\(place): ablate: \(error)")
            }
        case "ablate-mode":
            guard value == "mean" || value == "zero" else { throw TourError("\(place): ablate-mode is zero or mean") }
            s.meanAblation = value == "mean"
        case "counterfactual": s.counterfactual = value
        case "lab":
            guard let seed = UInt64(value) else { throw TourError("\(place): lab takes a seed (a whole number)") }
            s.lab = seed
        case "panel":
            guard Self.panels[value] != nil else { throw TourError("\(place): panel is arithmetic or anatomy") }
            s.panel = value
        case "layers", "compare-layers":
            guard let shown = ShownLayers(rawValue: value) else {
                throw TourError("\(place): \(key) is published, masked-lm, task or next-sentence")
            }
            if key == "layers" { s.layers = shown } else { s.compareLayers = shown }
        case "check": s.checks.append(value)
        case "ask":
            guard !value.isEmpty else { throw TourError("\(place): ask takes a question") }
            s.question = value
        case "answer":
            s.answers = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
        default:
            throw TourError(
                "\(place): unknown key \"\(key)\" (text, pair, model, tokenizers, pane, layer, head, view, words, hide-special, overview, zoom, importance, patching, representation, select, masks, ablate, ablate-mode, counterfactual, lab, layers, compare-layers, panel, ask, answer, check)"
            )
        }
    }

    /// The tour as text, so that parse(write(t)) == t (line breaks inside a
    /// value, which no parsed tour has, become spaces).
    /// The teaching panels a step may open, by the name its file uses.
    static let panels: [String: Context] = [
        "arithmetic": ArithmeticPanel.panel.context, "anatomy": AnatomyPanel.panel.context,
    ]

    public static func write(_ t: Tour) -> String {
        lines(t).joined(separator: "\n") + "\n"
    }

    private static func lines(_ t: Tour) -> [String] {
        func one(_ s: String) -> String { String(s.map { $0.isNewline ? " " : $0 }) }
        let t = Tour(
            title: one(t.title), model: t.model.map(one),
            steps: t.steps.map { s in
                var s = s
                s.text = one(s.text); s.pair = one(s.pair); s.counterfactual = one(s.counterfactual)
                s.model = s.model.map(one); s.tokenizers = s.tokenizers.map(one)
                s.caption = s.caption.map(one); s.checks = s.checks.map(one)
                s.question = s.question.map(one); s.answers = s.answers.map(one)
                return s
            })
        var out = ["# BertScope tour (format: docs/figures-and-tours.md, \"Teaching tours\")", "title = \(t.title)"]
        if let m = t.model { out.append("model = \(m)") }
        let names = Dictionary(uniqueKeysWithValues: panes.map { ($1, $0) })
        for s in t.steps {
            out += ["", "[step]"]
            if !s.text.isEmpty { out.append("text = \(s.text)") }
            if !s.pair.isEmpty { out.append("pair = \(s.pair)") }
            if let m = s.model { out.append("model = \(m)") }
            if !s.tokenizers.isEmpty { out.append("tokenizers = " + s.tokenizers.joined(separator: ",")) }
            out.append("pane = \(names[s.pane] ?? "tokens")")
            if s.layer != 0 { out.append("layer = \(s.layer + 1)") }
            if s.head != 0 { out.append("head = \(s.head + 1)") }
            if s.view != .head { out.append("view = \(s.view.rawValue)") }
            for (key, on) in [
                ("words", s.words), ("hide-special", s.hideSpecial), ("overview", s.overview), ("zoom", s.zoom),
                ("importance", s.importance), ("patching", s.patching), ("representation", s.representation),
            ] where on { out.append("\(key) = on") }
            if let sel = s.select { out.append("select = \(sel)") }
            if !s.masks.isEmpty { out.append("masks = " + s.masks.map(String.init).joined(separator: ",")) }
            if !s.ablate.isEmpty {
                out.append(
                    "ablate = "
                        + s.ablate.heads.sorted().map { "\($0.layer + 1).\($0.head + 1)" }.joined(separator: ","))
            }
            if s.meanAblation { out.append("ablate-mode = mean") }
            if !s.counterfactual.isEmpty { out.append("counterfactual = \(s.counterfactual)") }
            if let lab = s.lab { out.append("lab = \(lab)") }
            if s.layers != .published { out.append("layers = \(s.layers.rawValue)") }
            if let c = s.compareLayers { out.append("compare-layers = \(c.rawValue)") }
            if let p = s.panel { out.append("panel = \(p)") }
            if let q = s.question { out.append("ask = \(q)") }
            if !s.answers.isEmpty { out.append("answer = " + s.answers.joined(separator: ", ")) }
            for c in s.checks { out.append("check = \(c)") }
            for line in s.caption { out.append("> " + line) }
        }
        return out
    }
}
