import Encoder

/// The session's results by input, so moving back and forth through history
/// or edits never recomputes: bounded by count and by bytes (a full trace at
/// 512 tokens is ~80 MB on the default model, ~400 MB on BERT-large).
struct ResultCache {
    private var cache: ByteBudgetCache<SessionInput, EncodeResult>

    init(capacity: Int, byteBudget: Int = 768 << 20) {
        cache = ByteBudgetCache(capacity: capacity, byteBudget: byteBudget) { $0.approximateBytes }
    }

    mutating func get(_ key: SessionInput) -> EncodeResult? { cache.get(key) }
    mutating func put(_ r: EncodeResult) { cache.put(r.input, r) }
    var count: Int { cache.count }
    var bytes: Int { cache.bytes }
}

extension Trace {
    /// The arrays' storage: hidden states, attentions, queries and keys.
    var approximateBytes: Int {
        (hiddenStates.count + attentions.count + queries.count + keys.count) * MemoryLayout<Float>.stride
    }
}

extension EncodeResult {
    /// What holding this result costs, dominated by its traces (A′'s too) and the flow map.
    var approximateBytes: Int {
        let flow = flow?.map.map { $0.size * $0.size } ?? 0
        let windows = windowEncodings.reduce(0) { $0 + $1.count } * 64
        return 4096 + (trace?.approximateBytes ?? 0) + (comparison?.trace?.approximateBytes ?? 0)
            + flow * MemoryLayout<Float>.stride + windows + encoding.count * 64 + (mixing?.approximateBytes ?? 0)
            + outcomes.values.reduce(0) { $0 + $1.approximateBytes }
            + (mlm?.distributions.values.reduce(0) { $0 + $1.count * MemoryLayout<Float>.stride } ?? 0)
    }
}
