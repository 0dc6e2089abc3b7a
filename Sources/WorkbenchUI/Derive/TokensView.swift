import Analysis
import Session
/// What the tokens pane shows, derived once per result and selection.
public struct TokensView: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case special, wordA, wordB, unknown }

    public struct Row: Equatable, Sendable {
        /// The token as the vocabulary spells it (escaped for display).
        public var piece: String
        /// What the span line shows: the typed characters, or the token when
        /// the span is empty, outside the text, or a lone boundary mark.
        public var spanText: String
        public var id: Int
        public var word: Int?
        public var typeId: Int
        public var kind: Kind
        /// Continues the previous token's word (drawn joined by `·`).
        public var joinsPrevious: Bool
        /// Why the token is unknown, as the tokenizer decided it.
        public var unknownReason: String?
        /// The masking lab chose this token: the span shows what the model sees instead.
        public var corruption: MaskingLab.Fate? = nil
        /// Masked by the user (`m`, `M`): the strip marks it; the encoding has the mask token there.
        public var masked: Bool

        public init(
            piece: String, spanText: String, id: Int, word: Int?, typeId: Int, kind: Kind, joinsPrevious: Bool,
            unknownReason: String? = nil, masked: Bool = false
        ) {
            self.piece = piece; self.spanText = spanText; self.id = id; self.word = word; self.typeId = typeId
            self.kind = kind; self.joinsPrevious = joinsPrevious; self.unknownReason = unknownReason
            self.masked = masked
        }
    }

    public var rows: [Row]
    /// The x-ray of the selected token's word: (key, value) lines.
    public var xray: [(key: String, value: String)]
    /// `:tokenizers A,B`: the typed text under each listed tokenizer.
    public var arena: [ArenaRow] = []
    /// A long text's windows: the strip above the table says which is shown and where they overlap.
    public var windows: DocumentWindows?

    /// One tokenizer's split of the text: its pieces (no special tokens), and
    /// which start or end where the model's own tokens do not.
    public struct ArenaRow: Equatable, Sendable {
        public var name: String
        public var pieces: [String]
        public var differs: [Bool]
        public var unknown: [Bool]
        /// Continues the previous piece's word (drawn joined by `·`, else a space).
        public var joins: [Bool]
        public init(name: String, pieces: [String], differs: [Bool], unknown: [Bool], joins: [Bool]? = nil) {
            self.name = name; self.pieces = pieces; self.differs = differs; self.unknown = unknown
            self.joins = joins ?? pieces.map { _ in true }
        }
    }

    public init(rows: [Row], xray: [(key: String, value: String)] = []) { self.rows = rows; self.xray = xray }

    public static func == (a: TokensView, b: TokensView) -> Bool {
        a.rows == b.rows && a.xray.map(\.key) == b.xray.map(\.key) && a.xray.map(\.value) == b.xray.map(\.value)
            && a.arena == b.arena && a.windows == b.windows
    }
}
