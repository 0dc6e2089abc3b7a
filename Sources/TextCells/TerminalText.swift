/// Text from shared files (tours, themes, vocabularies) and from arguments,
/// made safe to print to a terminal: a control character there is a command
/// (ESC[2J clears the screen, OSC 0 sets the window title, OSC 52 writes the
/// clipboard), so every C0/C1 control and DEL is shown escaped, as the
/// workbench draws them (`visibleText`).

/// One line: line breaks become spaces, every other control is escaped.
public func terminalLine(_ text: String) -> String {
    visibleText(String(text.map { $0.isNewline ? " " : $0 }))
}

/// Lines kept as lines (a table), each escaped; a line of one space stays a space.
public func terminalText(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { $0 == " " ? " " : visibleText(String($0)) }
        .joined(separator: "\n")
}
