/// Every failure while finding or reading a model is one of these, and each
/// prints as a single line a user can act on.
public struct CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
