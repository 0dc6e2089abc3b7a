/// The few keys that matter where the focus is, for the hint line on the
/// focused pane's bottom border (lazygit's footer): the bindings marked with
/// a hint, in the order a key tries their contexts, leaving out those that
/// cannot act now and those another context's binding of the same key hides.
enum KeyHints {
    struct Hint: Equatable, Sendable {
        var keys: String
        var label: String
    }

    static let limit = 5

    static func hints(_ s: WorkbenchState, _ e: Extent) -> [Hint] {
        let chain = s.keyChain
        var out: [Hint] = []
        var last: (Context, String)? = nil
        for c in chain {
            for b in KeyMap.bindings where b.context == c {
                guard let label = b.hint, let key = b.keys.first, b.disabled(s, e) == nil,
                    KeyMap.binding(for: key, in: chain)?.context == c
                else { continue }
                if let (lc, ll) = last, lc == c, ll == label {
                    out[out.count - 1].keys += " " + key.description
                } else {
                    out.append(Hint(keys: key.description, label: label))
                    last = (c, label)
                }
            }
        }
        return Array(out.prefix(limit))
    }
}
