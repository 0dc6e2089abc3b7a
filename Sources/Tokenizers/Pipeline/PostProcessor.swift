/// HF TemplateProcessing (BertProcessing is the same template): where the
/// special tokens go and which type id each part gets.
public struct TemplateProcessor: Sendable, Equatable {
    public enum Item: Sendable, Equatable {
        case special(token: String, typeId: Int)
        case sequence(index: Int, typeId: Int)  // 0 = A, 1 = B
    }

    public var single: [Item]
    public var pair: [Item]
    /// Special token string → its ids (usually one).
    public var specialIds: [String: [Int]]

    public init(single: [Item], pair: [Item], specialIds: [String: [Int]]) {
        self.single = single
        self.pair = pair
        self.specialIds = specialIds
    }

    /// `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]` with type ids 0 / 1.
    public static func bert(cls: String, clsId: Int, sep: String, sepId: Int) -> TemplateProcessor {
        TemplateProcessor(
            single: [.special(token: cls, typeId: 0), .sequence(index: 0, typeId: 0), .special(token: sep, typeId: 0)],
            pair: [
                .special(token: cls, typeId: 0), .sequence(index: 0, typeId: 0), .special(token: sep, typeId: 0),
                .sequence(index: 1, typeId: 1), .special(token: sep, typeId: 1),
            ],
            specialIds: [cls: [clsId], sep: [sepId]]
        )
    }

    /// `<s> A </s>` and `<s> A </s> </s> B </s>`, every type id 0 (RobertaProcessing).
    public static func roberta(cls: String, clsId: Int, sep: String, sepId: Int) -> TemplateProcessor {
        TemplateProcessor(
            single: [.special(token: cls, typeId: 0), .sequence(index: 0, typeId: 0), .special(token: sep, typeId: 0)],
            pair: [
                .special(token: cls, typeId: 0), .sequence(index: 0, typeId: 0), .special(token: sep, typeId: 0),
                .special(token: sep, typeId: 0), .sequence(index: 1, typeId: 0), .special(token: sep, typeId: 0),
            ],
            specialIds: [cls: [clsId], sep: [sepId]]
        )
    }

    public func addedCount(pair isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { n, item in
            if case .special(let t, _) = item { return n + (specialIds[t]?.count ?? 0) }
            return n
        }
    }

    public func apply(_ a: [RawToken], _ b: [RawToken]?) -> Encoding {
        var e = Encoding()
        for item in b == nil ? single : pair {
            switch item {
            case .special(let token, let typeId):
                for id in specialIds[token] ?? [] {
                    e.append(
                        id: id, token: token, span: .init(0, 0), typeId: typeId, wordId: nil, special: true,
                        sequence: nil)
                }
            case .sequence(let index, let typeId):
                for t in (index == 0 ? a : b ?? []) {
                    e.append(
                        id: t.id, token: t.token, span: t.span, typeId: typeId, wordId: t.wordId, special: false,
                        sequence: index,
                        unknown: t.unknown)
                }
            }
        }
        return e
    }
}
