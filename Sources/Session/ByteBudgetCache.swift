/// A least-recently-used cache bounded by count and by bytes, for results
/// whose size grows with the input: a 512-token trace is ~80 MB on the
/// default model, one layer's context-mixing maps ~40 MB, so a bound by
/// count alone lets typing through a long document keep gigabytes. The
/// newest entry is kept even when it alone is over the budget (it is what
/// the screen shows). `cost` is asked once per entry, when it is put.
public struct ByteBudgetCache<Key: Hashable, Value> {
    public let capacity: Int
    public let byteBudget: Int
    private let cost: (Value) -> Int
    private var entries: [Key: (value: Value, bytes: Int)] = [:]
    private var order: [Key] = []
    public private(set) var bytes = 0

    public init(capacity: Int, byteBudget: Int, cost: @escaping (Value) -> Int) {
        self.capacity = max(1, capacity)
        self.byteBudget = max(0, byteBudget)
        self.cost = cost
    }

    public var count: Int { entries.count }

    public mutating func get(_ key: Key) -> Value? {
        guard let e = entries[key] else { return nil }
        touch(key)
        return e.value
    }

    public mutating func put(_ key: Key, _ value: Value) {
        let size = max(0, cost(value))
        if let old = entries[key] { bytes -= old.bytes }
        entries[key] = (value, size)
        bytes += size
        touch(key)
        while order.count > 1, order.count > capacity || bytes > byteBudget {
            let oldest = order.removeFirst()
            if let gone = entries.removeValue(forKey: oldest) { bytes -= gone.bytes }
        }
    }

    public mutating func removeAll() {
        entries.removeAll()
        order.removeAll()
        bytes = 0
    }

    private mutating func touch(_ key: Key) {
        if order.last == key { return }
        order.removeAll { $0 == key }
        order.append(key)
    }
}
