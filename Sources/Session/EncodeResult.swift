import Encoder
import Tokenizers

/// One finished encoding: the tokens, the full trace and how long it took.
public struct EncodeResult: Sendable {
    public let input: SessionInput
    public let encoding: Encoding
    /// nil when the model could not run on this input (see `error`).
    public let trace: Trace?
    public let error: String?
    public let milliseconds: Double
}

/// What the UI draws from: the latest input and the newest result the
/// session has, which may belong to an older input while work is in flight.
public struct SessionSnapshot: Sendable {
    public let input: SessionInput
    public let result: EncodeResult?
    /// True when `result` is for an older input than `input`.
    public var isStale: Bool { result.map { $0.input != input } ?? true }
}
