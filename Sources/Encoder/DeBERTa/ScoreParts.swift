import Checkpoint
import Foundation

/// One attention score of a DeBERTa head split into its disentangled terms
/// (each already divided by the shared scale), for teaching what the final
/// softmax sums.
public struct ScoreParts: Sendable, Equatable {
    public let contentToContent: Float
    /// nil when pos_att_type leaves that term out.
    public let contentToPosition: Float?
    public let positionToContent: Float?
    /// The query − key distance and the bucket it falls in.
    public let distance: Int
    public let bucket: Int
    public var total: Float { contentToContent + (contentToPosition ?? 0) + (positionToContent ?? 0) }

    public init(
        contentToContent: Float, contentToPosition: Float?, positionToContent: Float?, distance: Int, bucket: Int
    ) {
        self.contentToContent = contentToContent; self.contentToPosition = contentToPosition
        self.positionToContent = positionToContent; self.distance = distance; self.bucket = bucket
    }
}

extension ScoreParts: CustomStringConvertible {
    /// The paper's names: content-to-content, content-to-position, position-to-content.
    public var description: String {
        func f(_ v: Float) -> String { String(format: "%+.3f", v) }
        var text = "score = c2c \(f(contentToContent))"
        if let c2p = contentToPosition { text += " + c2p \(f(c2p))" }
        if let p2c = positionToContent { text += " + p2c \(f(p2c))" }
        return text + " = \(f(total)) · i−j = \(distance)" + (bucket != distance ? " (bucket \(bucket))" : "")
    }
}

extension BertEncoder {
    /// The terms of query `i` → key `j` in `layer`/`head`, from the trace's
    /// projected queries and keys; nil for families without relative attention.
    public func scoreParts(_ trace: Trace, layer: Int, head: Int, query i: Int, key j: Int) -> ScoreParts? {
        guard let relative, let settings = config.relative else { return nil }
        let n = trace.tokens, d = config.hiddenSize, dh = config.headDim
        guard layer >= 0, layer < config.numLayers, head >= 0, head < config.numHeads, i >= 0, i < n, j >= 0, j < n,
            let start = trace.queryStart(layer: layer), trace.queries.count >= start + n * d
        else { return nil }
        let q = trace.queries[start + i * d + head * dh..<start + i * d + (head + 1) * dh]
        let k = trace.keys[start + j * d + head * dh..<start + j * d + (head + 1) * dh]
        func dot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        func row(_ table: [Float]?, _ index: Int) -> ArraySlice<Float>? {
            table.map { $0[index * d + head * dh..<index * d + (head + 1) * dh] }
        }
        let top = 2 * settings.span - 1
        let c2p = min(max(settings.bucket(i - j) + settings.span, 0), top),
            p2c = min(max(settings.span - settings.bucket(j - i), 0), top)
        return ScoreParts(
            contentToContent: dot(q, k) / relative.scale,
            contentToPosition: row(relative.positionKeys[layer], c2p).map { dot(q, $0) / relative.scale },
            positionToContent: row(relative.positionQueries[layer], p2c).map { dot(k, $0) / relative.scale },
            distance: i - j, bucket: settings.bucket(i - j))
    }
}
