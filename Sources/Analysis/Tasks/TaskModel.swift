import Checkpoint
import Encoder
import Foundation
import Tokenizers

/// A checkpoint with a fine-tuned task head and its tokenizer: what
/// `classify` and `answer` print and the explanation pane shows.
public struct TaskModel: Sendable {
    public let encoder: BertEncoder
    public let tokenizer: Tokenizer
    public let head: TaskHead
    /// Heads ablated in every pass (`--ablate`).
    public var ablation = HeadSet()

    public init(encoder: BertEncoder, tokenizer: Tokenizer) throws {
        guard let head = encoder.taskHead else {
            throw EncoderError(
                "this model has no task head: use a fine-tuned *ForSequenceClassification, *ForTokenClassification or *ForQuestionAnswering checkpoint"
            )
        }
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.head = head
    }

    public var task: TaskConfig { head.task }

    /// The model's encoding of TEXT (and PAIR), truncated to its positions.
    public func encode(_ text: String, pair: String? = nil) -> Encoding {
        tokenizer.encode(text, pair: pair, maxLength: encoder.config.maxTokens)
    }

    public func logits(_ e: Encoding) throws -> TaskLogits {
        try encoder.taskLogits(encoder.forwardHidden(ids: e.ids, typeIds: e.typeIds, ablate: ablation))
    }

    /// Sequence classification: every label's score in id order.
    public func classify(_ e: Encoding) throws -> [LabelScore] {
        guard case .sequence(let l) = try logits(e) else { throw EncoderError("not a sequence classifier") }
        return LabelScores.sequence(l, task)
    }

    /// Token classification: the argmax label of every non-special token.
    public func labelTokens(_ e: Encoding) throws -> [TokenLabel] {
        guard case .tokens(let l, let labels) = try logits(e) else { throw EncoderError("not a token classifier") }
        return LabelScores.tokens(l, labels: labels, positions: e.typedPositions, tokens: e.tokens, task)
    }

    /// Question answering: the best span of CONTEXT for QUESTION.
    public func answer(question: String, context: String, maxLength: Int = AnswerDecoder.defaultMaxLength)
        throws -> (Encoding, AnswerSpan?)
    {
        let e = encode(question, pair: context)
        guard case .span(let start, let end) = try logits(e) else {
            throw EncoderError("not a question-answering model")
        }
        return (e, AnswerDecoder.best(start: start, end: end, encoding: e, context: context, maxLength: maxLength))
    }
}
