import TextCells

/// A readline-style single-line editor over grapheme clusters: ←/→,
/// Home/End, Ctrl-A/E/K/U/W, word jumps (Ctrl-←/→, Alt-b/f), Backspace/Del.
public struct LineEditor: Equatable, Sendable {
    public private(set) var characters: [Character] { didSet { revision &+= 1 } }
    /// Changes whenever the text does (not the cursor): a cheap "did this key edit?".
    public private(set) var revision = 0
    /// Cursor position in characters (0...count).
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String {
        get { String(characters) }
        set { characters = Array(newValue); cursor = characters.count }
    }

    /// Applies an editing key; returns false when the key is not an edit.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c): insert(c)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = characters.count
        case .backspace, .ctrl("h"):
            if cursor > 0 { characters.remove(at: cursor - 1); cursor -= 1 }
        case .delete, .ctrl("d"):
            if cursor < characters.count { characters.remove(at: cursor) }
        case .ctrl("k"): characters.removeSubrange(cursor...)
        case .ctrl("u"): characters.removeSubrange(..<cursor); cursor = 0
        case .ctrl("w"):
            let start = wordStart(before: cursor)
            characters.removeSubrange(start..<cursor)
            cursor = start
        case .ctrlLeft, .alt("b"): cursor = wordStart(before: cursor)
        case .ctrlRight, .alt("f"): cursor = wordEnd(after: cursor)
        default: return false
        }
        return true
    }

    public mutating func insert(_ c: Character) {
        characters.insert(c, at: cursor)
        cursor += 1
    }

    public mutating func insert(_ s: String) { for c in s { insert(c) } }

    private func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    private func wordStart(before i: Int) -> Int {
        var j = i
        while j > 0, !isWord(characters[j - 1]) { j -= 1 }
        while j > 0, isWord(characters[j - 1]) { j -= 1 }
        return j
    }

    private func wordEnd(after i: Int) -> Int {
        var j = i
        while j < characters.count, !isWord(characters[j]) { j += 1 }
        while j < characters.count, isWord(characters[j]) { j += 1 }
        return j
    }

    /// Display column of the cursor.
    public var cursorColumn: Int { displayWidth(String(characters[..<cursor])) }
}
