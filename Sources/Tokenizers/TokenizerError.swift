/// A tokenizer file that cannot be read or is of a kind we do not run.
public struct TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
