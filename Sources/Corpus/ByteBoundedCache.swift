/// Values kept by key within a byte budget: the least recently used go first when a new one
/// would pass it (a value larger than the whole budget is not kept). Not thread-safe: its
/// owner locks.
struct ByteBoundedCache<Value> {
    let budget: Int
    private var entries: [String: (value: Value, bytes: Int, used: UInt64)] = [:]
    private var clock: UInt64 = 0
    private(set) var bytes = 0

    init(budget: Int) { self.budget = budget }

    mutating func value(_ key: String) -> Value? {
        guard var e = entries[key] else { return nil }
        clock += 1
        e.used = clock
        entries[key] = e
        return e.value
    }

    mutating func keep(_ value: Value, bytes size: Int, _ key: String) {
        if let old = entries.removeValue(forKey: key) { bytes -= old.bytes }
        guard size <= budget else { return }
        while bytes + size > budget, let oldest = entries.min(by: { $0.value.used < $1.value.used }) {
            bytes -= oldest.value.bytes
            entries.removeValue(forKey: oldest.key)
        }
        clock += 1
        entries[key] = (value, size, clock)
        bytes += size
    }

    var count: Int { entries.count }
}
