import Encoder

/// The heads a session ablates, as the UI names them: a plain selection of
/// (layer, head) pairs. The encoder's `HeadSet`, with mean ablation's
/// outputs, is built from it inside the session.
public struct HeadAblation: Hashable, Sendable, CustomStringConvertible {
    public struct Head: Hashable, Sendable, Comparable {
        /// 0-based.
        public let layer: Int, head: Int
        public init(layer: Int, head: Int) { self.layer = layer; self.head = head }
        public static func < (a: Head, b: Head) -> Bool { (a.layer, a.head) < (b.layer, b.head) }
    }

    public var heads: Set<Head>
    public init(_ heads: Set<Head> = []) { self.heads = heads }

    public var isEmpty: Bool { heads.isEmpty }
    public func contains(layer: Int, head: Int) -> Bool { heads.contains(Head(layer: layer, head: head)) }
    public var description: String { headSet.description }

    /// "1.2,3.4" (numbered from 1), each head checked against the model's shape.
    public static func parse(_ text: String, layers: Int, heads: Int) throws -> HeadAblation {
        HeadAblation(
            Set(
                try HeadSet.parse(text, layers: layers, heads: heads).heads.map { Head(layer: $0.layer, head: $0.head) }
            ))
    }

    /// The encoder's form (zero ablation).
    var headSet: HeadSet { HeadSet(Set(heads.map { HeadSet.Head(layer: $0.layer, head: $0.head) })) }
}
