import Analysis
import Encoder
import Foundation

extension AnalysisKind {
    /// Exact rows of one map (asked for with an `AttentionBandRequest`).
    public static let attentionBand = AnalysisKind("attentionBand")
    /// One map pooled to the screen (asked for with an `AttentionPoolRequest`).
    public static let attentionPool = AnalysisKind("attentionPool")
}

/// Rows of one layer's map: a head's, or the mean over heads (`head` nil).
public struct AttentionBandRequest: Hashable, Sendable {
    public var layer: Int, head: Int?, rows: Range<Int>
    public init(layer: Int, head: Int?, rows: Range<Int>) { self.layer = layer; self.head = head; self.rows = rows }
}

/// One layer's map (a head's, or the mean) pooled to `rows` × `columns` blocks.
public struct AttentionPoolRequest: Hashable, Sendable {
    public var layer: Int, head: Int?, rows: Int, columns: Int
    public init(layer: Int, head: Int?, rows: Int, columns: Int) {
        self.layer = layer; self.head = head; self.rows = rows; self.columns = columns
    }
}

/// The exact rows asked for, (rows.count, tokens), or why there are none.
public struct AttentionBand: AnalysisOutcome, Equatable {
    public var request: AttentionBandRequest
    public var tokens: Int
    public var values: [Float]
    public var error: String?
    public var approximateBytes: Int { 64 + values.count * MemoryLayout<Float>.stride }
    public init(request: AttentionBandRequest, tokens: Int, values: [Float], error: String? = nil) {
        self.request = request; self.tokens = tokens; self.values = values; self.error = error
    }

    /// Query `i`'s weight on key `j`, when row `i` is in the band.
    public func value(row i: Int, column j: Int) -> Float? {
        guard request.rows.contains(i), (0..<tokens).contains(j) else { return nil }
        let k = (i - request.rows.lowerBound) * tokens + j
        return values.indices.contains(k) ? values[k] : nil
    }
}

public struct AttentionPoolOutcome: AnalysisOutcome, Equatable {
    public var request: AttentionPoolRequest
    public var pooled: PooledAttention?
    public var error: String?
    public var approximateBytes: Int { 64 + (pooled?.mean.count ?? 0) * 16 }
}

/// What a cached projection was built for: the encoding (view requests aside) and the layer.
struct ProjectionKey: Hashable { let input: SessionInput, layer: Int }
/// What a finished pool was asked: the encoding (view requests aside) and the request.
struct PoolKey: Hashable { let input: SessionInput, request: AttentionPoolRequest }

extension ModelSession {
    /// The rows of `layer`'s map (a head's, or the mean over heads) for `r`:
    /// sliced from the trace's maps when it keeps them, else rebuilt from the
    /// layer's input (one layer's projection cached for the next band).
    func mapRows(_ r: EncodeResult, layer: Int, head: Int?) throws -> @Sendable (Range<Int>) -> [Float] {
        guard let t = r.trace else { throw EncoderError(r.error ?? "the model did not run on this input") }
        let n = t.tokens, heads = head.map { [$0] } ?? Array(0..<t.heads)
        if heads.allSatisfy({ t.attentionStart(layer: layer, head: $0) != nil }) {
            return { rows in
                let rows = rows.clamped(to: 0..<n)
                var out = [Float](repeating: 0, count: rows.count * n)
                for h in heads {
                    let start = t.attentionStart(layer: layer, head: h)! + rows.lowerBound * n
                    for k in out.indices { out[k] += t.attentions[start + k] }
                }
                let inv = 1 / Float(heads.count)
                return heads.count == 1 ? out : out.map { $0 * inv }
            }
        }
        let p = try projection(r, layer: layer)
        if let head { return { p.rows($0, head: head) } }
        return { p.meanRows($0) }
    }

    private func projection(_ r: EncodeResult, layer: Int) throws -> LayerProjection {
        let key = ProjectionKey(input: r.input.withoutViewRequests, layer: layer)
        if let hit = longMapLock.withLock({ projection?.key == key ? projection?.value : nil }) { return hit }
        guard let t = r.trace else { throw EncoderError("no trace") }
        longMapLock.withLock { projection = nil }  // the old one's bytes go before the new one's come
        let enc = viewEncoder(r.input)
        let p = try enc.projection(t, layer: layer, ablate: ablation(r.input, on: enc))
        longMapLock.withLock { projection = (key, p) }
        return p
    }
}

extension SessionAnalysis {
    /// The rows on screen: O(rows · n · d), milliseconds even at 8,192 tokens
    /// once the layer's projection is built (a GEMM of the layer's input).
    static let attentionBand = SessionAnalysis(
        kind: .attentionBand,
        wanted: { _, r in r.awaits(.attentionBand) },
        run: { s, r, _ in
            guard let ask = r.input.request(.attentionBand, as: AttentionBandRequest.self) else { return true }
            var out = AttentionBand(request: ask, tokens: r.trace?.tokens ?? 0, values: [])
            do {
                let rows = try s.mapRows(r, layer: ask.layer, head: ask.head)
                out.values = rows(ask.rows)
                out.request.rows = ask.rows.clamped(to: 0..<out.tokens)
            } catch {
                out.error = "\(error)"
            }
            r.outcomes[.attentionBand] = out
            return true
        })

    /// The whole map pooled: every row scored once, O(n² · d). A cursor move
    /// (another band) does not stop it, and what it finishes is kept.
    static let attentionPool = SessionAnalysis(
        kind: .attentionPool,
        wanted: { _, r in r.awaits(.attentionPool) },
        run: { s, r, ctx in
            guard let ask = r.input.request(.attentionPool, as: AttentionPoolRequest.self) else { return true }
            var out = AttentionPoolOutcome(request: ask)
            let key = PoolKey(input: r.input.withoutViewRequests, request: ask)
            if let done = s.longMapLock.withLock({ s.pools.get(key) }) {
                out.pooled = done
                r.outcomes[.attentionPool] = out
                return true
            }
            do {
                let rows = try s.mapRows(r, layer: ask.layer, head: ask.head)
                guard
                    let pooled = PooledAttention.pool(
                        tokens: r.trace?.tokens ?? 0, rows: ask.rows, columns: ask.columns,
                        threads: LayerProjection.threads, isCancelled: ctx.isCancelled, progress: ctx.progress,
                        band: rows)
                else { return false }
                out.pooled = pooled
                s.longMapLock.withLock { s.pools.put(key, pooled) }
            } catch {
                out.error = "\(error)"
            }
            r.outcomes[.attentionPool] = out
            return true
        }, outlivesOtherRequests: true)
}

extension EncodeResult {
    public var attentionBand: AttentionBand? { outcomes[.attentionBand] as? AttentionBand }
    public var attentionPool: AttentionPoolOutcome? { outcomes[.attentionPool] as? AttentionPoolOutcome }
}
