import SafeIO

/// Where the figure writers put their text: a file's buffered sink (SafeIO's
/// `ByteSink`), so a figure is streamed rather than held as one String, or a
/// String (tests, small figures).
public protocol TextSink {
    mutating func write(_ text: String) throws
}

extension String: TextSink {}

extension ByteSink: TextSink {}
