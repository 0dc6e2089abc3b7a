import CFaults
import Foundation
import WorkbenchUI
@preconcurrency import CNCurses

/// The only place BertScope calls ncursesw: start-up and restore, colour
/// pairs, key and mouse decoding, and flushing CellGrid changes.
/// ncurses is not thread-safe: use one instance, from one thread.
public final class NCursesTerminal: TerminalBackend {
    public let colorMode: ColorMode
    private var previous: CellGrid?
    private var pairs: [PairKey: Int32] = [:]
    /// RGB colours as xterm-256 indices, found once each (heat ramps repeat a few hundred colours).
    private var palette: [Int32: Int32] = [:]
    private var active = true
    private var decoder = KeyDecoder()
    private var decoded: [Key] = []

    private struct PairKey: Hashable { let fg: Int32, bg: Int32 }

    /// Starts curses on the controlling terminal. `noColor` forces monochrome.
    public init(noColor: Bool) throws {
        try NCursesTerminal.chooseUTF8Locale()
        let term = ProcessInfo.processInfo.environment["TERM"].flatMap { $0.isEmpty ? nil : $0 } ?? "xterm-256color"
        guard newterm(term, stdout, stdin) != nil else {
            throw TerminalError(
                "cannot start the terminal UI: TERM=\(term) is unknown to ncurses (try TERM=xterm-256color)")
        }
        guard bs_can_address_cursor() != 0 else {
            endwin()
            throw TerminalError(
                "cannot start the terminal UI: TERM=\(term) cannot move the cursor; the workbench needs a cursor-addressable terminal (try TERM=xterm-256color); the subcommands work anywhere"
            )
        }
        // LINES/COLUMNS in the environment would freeze the size; forget them.
        unsetenv("LINES")
        unsetenv("COLUMNS")
        raw()
        noecho()
        keypad(bs_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        mousemask(bs_all_mouse_events(), nil)
        mouseinterval(0)
        var mode = ColorMode.monochrome
        if !noColor && has_colors() {
            start_color()
            use_default_colors()
            let colors = bs_colors()
            mode = colors >= 1 << 24 ? .truecolor : (colors >= 256 ? .xterm256 : .ansi8)
        }
        colorMode = mode
        NCursesTerminal.installCrashHandlers()
        // Bracketed paste: pasted text arrives marked, so it is inserted, never run as keys.
        NCursesTerminal.write(NCursesTerminal.pasteOn)
    }

    static let pasteOn = "\u{1B}[?2004h", pasteOff = "\u{1B}[?2004l"

    /// Straight to the terminal (async-signal-safe: also used by the crash handlers).
    static func write(_ s: String) {
        var bytes = Array(s.utf8)
        _ = Glibc.write(1, &bytes, bytes.count)
    }

    deinit { shutdown() }

    /// The workbench draws and reads UTF-8 (box lines, ×, CJK, emoji, typed ß):
    /// under LANG=C ncursesw would drop all of it, so fall back to a UTF-8
    /// locale for the character type, keeping the user's other settings.
    static func chooseUTF8Locale() throws {
        setlocale(LC_ALL, "")
        if bs_locale_is_utf8() != 0 { return }
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"] where setlocale(LC_CTYPE, name) != nil {
            if bs_locale_is_utf8() != 0 { return }
        }
        throw TerminalError(
            "cannot start the terminal UI: no UTF-8 locale is available (LANG=\(ProcessInfo.processInfo.environment["LANG"] ?? "")); install one (apt-get install locales) or set LANG=C.UTF-8"
        )
    }

    /// Restores the terminal (idempotent).
    public func shutdown() {
        guard active else { return }
        active = false
        endwin()
        NCursesTerminal.write(NCursesTerminal.pasteOff)
    }

    public var size: (width: Int, height: Int) {
        (Int(getmaxx(bs_stdscr())), Int(getmaxy(bs_stdscr())))
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        if !decoded.isEmpty { return decoded.removeFirst() }
        var wait = timeoutMilliseconds
        while true {
            guard let input = readRaw(timeoutMilliseconds: wait) else {
                guard decoder.isPending else { return nil }
                decoded += decoder.timeout()
                return decoded.isEmpty ? nil : decoded.removeFirst()
            }
            decoded += decoder.feed(input)
            if !decoded.isEmpty { return decoded.removeFirst() }
            // Mid-sequence: the rest of an escape sequence comes at once; a paste may come in chunks.
            wait = decoder.isInPaste ? 1000 : 25
        }
    }

    private func readRaw(timeoutMilliseconds: Int) -> KeyDecoder.Input? {
        wtimeout(bs_stdscr(), Int32(timeoutMilliseconds))
        var ch: wint_t = 0
        let rc = wget_wch(bs_stdscr(), &ch)
        if rc == ERR { return nil }
        if rc == KEY_CODE_YES { return special(Int32(ch)).map { .key($0) } ?? .scalar(0) }
        return .scalar(UInt32(ch))
    }

    private func special(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_RESIZE: return .resize(width: size.width, height: size.height)
        case KEY_MOUSE: return mouse()
        case KEY_F0 + 1...KEY_F0 + 12: return .function(Int(code - KEY_F0))
        default:
            guard let name = keyname(code).map({ String(cString: $0) }) else { return nil }
            if name.hasPrefix("kLFT") { return .ctrlLeft }
            if name.hasPrefix("kRIT") { return .ctrlRight }
            return nil
        }
    }

    private func mouse() -> Key? {
        var ev = MEVENT()
        guard getmouse(&ev) == OK else { return nil }
        if ev.bstate & (bs_button1_pressed() | bs_button1_clicked()) != 0 {
            return .mouse(x: Int(ev.x), y: Int(ev.y), button: .left)
        }
        if ev.bstate & bs_button4_pressed() != 0 { return .mouse(x: Int(ev.x), y: Int(ev.y), button: .wheelUp) }
        if ev.bstate & bs_button5_pressed() != 0 { return .mouse(x: Int(ev.x), y: Int(ev.y), button: .wheelDown) }
        return nil
    }

    /// Ctrl-L: the next frame repaints every cell, whatever the terminal shows now.
    public func invalidate() {
        previous = nil
        clearok(bs_stdscr(), true)
    }

    /// Writes the cells that changed since the last frame, then refreshes.
    public func draw(_ grid: CellGrid) {
        if previous?.width != grid.width || previous?.height != grid.height { clearok(bs_stdscr(), true) }
        for (x, y) in grid.changes(since: previous) {
            let cell = grid[x, y]
            if cell.isContinuation { continue }
            var wide: [wchar_t] = cell.glyph.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
            if wide.isEmpty { wide = [32] }
            wide.append(0)
            _ = bs_put_cell(Int32(y), Int32(x), wide, attributes(cell.style), pair(cell.style))
        }
        previous = grid
        refresh()
    }

    private func attributes(_ s: Style) -> attr_t {
        var a = bs_a_normal()
        if s.attributes.contains(.bold) { a |= bs_a_bold() }
        if s.attributes.contains(.dim) { a |= bs_a_dim() }
        if s.attributes.contains(.reverse) { a |= bs_a_reverse() }
        if s.attributes.contains(.underline) { a |= bs_a_underline() }
        return a
    }

    private func pair(_ s: Style) -> Int32 {
        guard colorMode != .monochrome else { return 0 }
        let key = PairKey(fg: number(s.fg), bg: number(s.bg))
        if key.fg == -1 && key.bg == -1 { return 0 }
        if let p = pairs[key] { return p }
        let p = alloc_pair(key.fg, key.bg)
        pairs[key] = p >= 0 ? p : 0
        return max(p, 0)
    }

    /// A theme colour as this terminal's colour number (-1 = default).
    private func number(_ c: Color) -> Int32 {
        switch (c, colorMode) {
        case (.terminalDefault, _), (_, .monochrome): return -1
        case (.indexed(let i), .xterm256): return Int32(i)
        case (.indexed(let i), .truecolor):
            let (r, g, b) = ColorMath.rgb(ofXterm: i)
            return Int32(r << 16 | g << 8 | b)
        case (.indexed(let i), .ansi8):
            if i < 8 { return Int32(i) }
            let (r, g, b) = ColorMath.rgb(ofXterm: i)
            return Int32(ColorMath.ansi8(r, g, b))
        case (.rgb(let r, let g, let b), .truecolor): return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        case (.rgb(let r, let g, let b), .xterm256):
            let key = Int32(r) << 16 | Int32(g) << 8 | Int32(b)
            if let i = palette[key] { return i }
            let i = Int32(ColorMath.xterm256(r, g, b))
            palette[key] = i
            return i
        case (.rgb(let r, let g, let b), .ansi8): return Int32(ColorMath.ansi8(Int(r), Int(g), Int(b)))
        }
    }

    /// On a crash or kill signal: restore the terminal, then die as the signal says.
    private static func installCrashHandlers() {
        // A SIGBUS from a weights file truncated under us is reported by CFaults, after endwin.
        bs_fault_set_cleanup {
            endwin(); NCursesTerminal.write(NCursesTerminal.pasteOff)
        }
        bs_fault_install()
        for sig in [SIGSEGV, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGTERM, SIGHUP, SIGQUIT] {
            signal(sig) { s in
                bs_tempfiles_unlink_all()
                endwin()
                NCursesTerminal.write(NCursesTerminal.pasteOff)
                signal(s, SIG_DFL)
                raise(s)
            }
        }
    }
}

public struct TerminalError: Error, CustomStringConvertible {
    public let message: String
    init(_ m: String) { message = m }
    public var description: String { message }
}
