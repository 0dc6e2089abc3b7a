/// Turns what the terminal sends into keys, for the sequences ncurses does
/// not decode itself: Alt-x (ESC x), bracketed paste (ESC [200~ … ESC [201~,
/// delivered as one `.paste`), CSI keys, and terminal replies or reports
/// (DCS `ESC P … ST`, OSC, APC, PM, SOS, focus events), which are dropped.
/// Without this, ESC then `q` of an Alt-q or of a DCS reply reads as "leave
/// the input line, then quit". Pure and bounded, so it can be fuzzed.
public struct KeyDecoder: Sendable {
    /// One unit from the terminal: a character, or a key ncurses already decoded.
    public enum Input: Sendable, Equatable {
        case scalar(UInt32)
        case key(Key)
    }

    enum State: Sendable, Equatable {
        case ground
        case escape
        case csi([UInt8])
        case ss3
        /// A control string (DCS, OSC, APC, PM, SOS) until ST or BEL; `escaped` after an ESC inside it.
        case string(escaped: Bool)
        case paste
    }

    private(set) var state = State.ground
    private var paste: [Unicode.Scalar] = []

    /// Longest paste kept (characters); the rest is dropped, never buffered.
    public static let maxPaste = 1 << 20
    static let maxSequence = 64

    public init() {}

    /// Whether a sequence is open (the reader should wait briefly for the rest).
    public var isPending: Bool { state != .ground }
    /// A paste may arrive in chunks: wait longer before giving up on its end.
    public var isInPaste: Bool { state == .paste }

    /// Feeds one input; returns the keys it completes (often none mid-sequence).
    public mutating func feed(_ input: Input) -> [Key] {
        switch input {
        case .key(let k):
            // A key ncurses decoded inside a sequence ends it; inside a paste it is dropped.
            if state == .paste { return [] }
            let pending = state == .escape ? [Key.escape] : []
            state = .ground
            return pending + [k]
        case .scalar(let v):
            return feed(scalar: v)
        }
    }

    /// Nothing more arrived in time: a lone ESC is Escape; a broken sequence is dropped;
    /// a paste whose end never came is delivered as far as it got.
    public mutating func timeout() -> [Key] {
        defer { state = .ground }
        switch state {
        case .escape: return [.escape]
        case .paste: return finishPaste()
        default: return []
        }
    }

    private mutating func feed(scalar v: UInt32) -> [Key] {
        switch state {
        case .ground:
            if v == 27 { state = .escape; return [] }
            return Self.plain(v).map { [$0] } ?? []
        case .escape:
            state = .ground
            switch v {
            case 0x5B: state = .csi([]); return []  // [
            case 0x4F: state = .ss3; return []  // O
            case 0x50, 0x5D, 0x5F, 0x5E, 0x58: state = .string(escaped: false); return []  // P ] _ ^ X
            case 27: state = .escape; return [.escape]
            default:
                guard v >= 0x20, v != 0x7F, let s = Unicode.Scalar(v) else {
                    return [.escape] + (Self.plain(v).map { [$0] } ?? [])
                }
                return [.alt(Character(s))]
            }
        case .csi(var bytes):
            guard v < 0x80 else { state = .ground; return [] }
            if (0x40...0x7E).contains(v) {
                state = .ground
                return csi(String(decoding: bytes, as: UTF8.self), final: UInt8(v))
            }
            guard bytes.count < Self.maxSequence else { state = .ground; return [] }
            bytes.append(UInt8(v))
            state = .csi(bytes)
            return []
        case .ss3:
            state = .ground
            return Self.ss3Keys[v].map { [$0] } ?? []
        case .string(let escaped):
            // Nothing is kept, so a long string costs no memory; a stray ESC P typed by hand
            // ends at the reader's timeout, since replies arrive in one burst and people do not.
            if v == 7 || (escaped && v == 0x5C) { state = .ground; return [] }  // BEL or ST
            state = .string(escaped: v == 27)
            return []
        case .paste:
            guard let s = Unicode.Scalar(v) else { return [] }
            if paste.count < Self.maxPaste + 6 { paste.append(s) }
            if paste.count >= 6, paste.suffix(6).elementsEqual(Self.pasteEnd) {
                paste.removeLast(6)
                state = .ground
                return finishPaste()
            }
            return []
        }
    }

    private static let pasteEnd: [Unicode.Scalar] = ["\u{1B}", "[", "2", "0", "1", "~"]

    private mutating func finishPaste() -> [Key] {
        let text = String(String.UnicodeScalarView(paste.prefix(Self.maxPaste)))
        paste = []
        return text.isEmpty ? [] : [.paste(text)]
    }

    /// CSI keys ncurses left undecoded; everything else (focus, reports) is dropped.
    private mutating func csi(_ params: String, final: UInt8) -> [Key] {
        let modified = params.hasSuffix(";5")  // Ctrl
        switch (params, final) {
        case ("200", UInt8(ascii: "~")): state = .paste; paste = []; return []
        case (_, UInt8(ascii: "A")): return [.up]
        case (_, UInt8(ascii: "B")): return [.down]
        case (_, UInt8(ascii: "C")): return [modified ? .ctrlRight : .right]
        case (_, UInt8(ascii: "D")): return [modified ? .ctrlLeft : .left]
        case (_, UInt8(ascii: "H")): return [.home]
        case (_, UInt8(ascii: "F")): return [.end]
        case ("", UInt8(ascii: "Z")): return [.backTab]
        case ("1", UInt8(ascii: "~")), ("7", UInt8(ascii: "~")): return [.home]
        case ("4", UInt8(ascii: "~")), ("8", UInt8(ascii: "~")): return [.end]
        case ("3", UInt8(ascii: "~")): return [.delete]
        case ("5", UInt8(ascii: "~")): return [.pageUp]
        case ("6", UInt8(ascii: "~")): return [.pageDown]
        default: return []
        }
    }

    private static let ss3Keys: [UInt32: Key] = [
        0x41: .up, 0x42: .down, 0x43: .right, 0x44: .left, 0x48: .home, 0x46: .end,
        0x50: .function(1), 0x51: .function(2), 0x52: .function(3), 0x53: .function(4),
    ]

    /// A character outside any sequence.
    static func plain(_ v: UInt32) -> Key? {
        switch v {
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(v + 96)!))
        case 0, 28...31: return nil
        default: return Unicode.Scalar(v).map { .char(Character($0)) }
        }
    }
}
