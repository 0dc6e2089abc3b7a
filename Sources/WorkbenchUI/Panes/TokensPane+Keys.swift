extension TokensPane {
    static let bindings: [Binding] = [
        move([.left, .char("h")], "previous token", -1).hint("token"),
        move([.right, .char("l")], "next token", 1).hint("token"),
        move([.up, .char("k")], "previous token", -1),
        move([.down, .char("j")], "next token", 1),
        .state([.home], .tokens, "first token") { s, _ in s.tokens.selected = 0 },
        .effect([.char("m")], .tokens, "mask / unmask the selected token", .toggleMask(wholeWord: false))
            .hint("mask"),
        .effect([.char("M")], .tokens, "mask / unmask the whole word (all its pieces)", .toggleMask(wholeWord: true))
            .hint("whole word"),
        .state([.end], .tokens, "last token") { s, e in s.tokens.selected = max(0, e.tokens - 1) },
    ]

    private static func move(_ keys: [Key], _ help: String, _ delta: Int) -> Binding {
        .state(keys, .tokens, help) { s, e in s.tokens.selected = clamped(s.tokens.selected + delta, e.tokens) }
    }
}
