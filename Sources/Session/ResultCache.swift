import Encoder

/// A small least-recently-used cache of encodings by input, so moving back
/// and forth through history or edits never recomputes. Bounded by count and
/// by bytes: a full trace at 512 tokens is ~80 MB on the default model and
/// ~400 MB on BERT-large, so typing through a long document must not keep
/// one per keystroke. The newest entry is kept even when it alone is larger.
struct ResultCache {
    let capacity: Int
    let byteBudget: Int
    private var entries: [SessionInput: EncodeResult] = [:]
    private var order: [SessionInput] = []
    private(set) var bytes = 0

    init(capacity: Int, byteBudget: Int = 768 << 20) {
        self.capacity = max(1, capacity)
        self.byteBudget = max(0, byteBudget)
    }

    mutating func get(_ key: SessionInput) -> EncodeResult? {
        guard let r = entries[key] else { return nil }
        touch(key)
        return r
    }

    mutating func put(_ r: EncodeResult) {
        if let old = entries[r.input] { bytes -= old.approximateBytes }
        entries[r.input] = r
        bytes += r.approximateBytes
        touch(r.input)
        while order.count > 1, order.count > capacity || bytes > byteBudget {
            let oldest = order.removeFirst()
            if let gone = entries.removeValue(forKey: oldest) { bytes -= gone.approximateBytes }
        }
    }

    var count: Int { entries.count }

    private mutating func touch(_ key: SessionInput) {
        order.removeAll { $0 == key }
        order.append(key)
    }
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
            + flow * MemoryLayout<Float>.stride + windows + encoding.count * 64
    }
}
