/// Input the encoder cannot run (the message is one line for the user).
public struct EncoderError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
