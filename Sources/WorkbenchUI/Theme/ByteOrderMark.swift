/// `text` without a leading U+FEFF: Windows editors start UTF-8 files with
/// one, and it would be read as part of the first key.
func withoutByteOrderMark(_ text: String) -> String {
    text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
}
