/// A decoded key press or terminal event, independent of ncurses.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    case ctrl(Character)  // lower-case letter
    case alt(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case ctrlLeft, ctrlRight
    case tab, backTab, enter, escape, backspace, delete
    case function(Int)
    case mouse(x: Int, y: Int, button: MouseButton)
    case resize(width: Int, height: Int)
    /// A bracketed paste, whole: inserted as one edit, never read as keys.
    case paste(String)

    public enum MouseButton: Hashable, Sendable { case left, wheelUp, wheelDown }

    public var description: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-" + c.uppercased()
        case .alt(let c): return "Alt-" + String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .ctrlLeft: return "Ctrl-←"
        case .ctrlRight: return "Ctrl-→"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .function(let n): return "F\(n)"
        case .mouse: return "click"
        case .resize: return "resize"
        case .paste: return "paste"
        }
    }
}
