/// A small least-recently-used cache of encodings by input, so moving back
/// and forth through history or edits never recomputes.
struct ResultCache {
    let capacity: Int
    private var entries: [SessionInput: EncodeResult] = [:]
    private var order: [SessionInput] = []

    init(capacity: Int) { self.capacity = capacity }

    mutating func get(_ key: SessionInput) -> EncodeResult? {
        guard let r = entries[key] else { return nil }
        touch(key)
        return r
    }

    mutating func put(_ r: EncodeResult) {
        if entries[r.input] == nil, entries.count >= capacity, let oldest = order.first {
            entries[oldest] = nil
            order.removeFirst()
        }
        entries[r.input] = r
        touch(r.input)
    }

    var count: Int { entries.count }

    private mutating func touch(_ key: SessionInput) {
        order.removeAll { $0 == key }
        order.append(key)
    }
}
