/// Scratch memory for forward passes, grown to the longest input seen and
/// then reused: a steady stream of forwards allocates nothing.
/// Not thread-safe: one workspace per concurrent caller.
public final class Workspace: @unchecked Sendable {
    private(set) var capacity = 0
    private(set) var context: UnsafeMutablePointer<Float>       // (n, d)
    private(set) var attended: UnsafeMutablePointer<Float>      // (n, d)
    private(set) var qkv: UnsafeMutablePointer<Float>           // (n, 3d)
    private(set) var intermediate: UnsafeMutablePointer<Float>  // (n, ff)
    private(set) var maskAdd: UnsafeMutablePointer<Float>       // (n)
    private(set) var embedded: UnsafeMutablePointer<Float>      // (n, e) before a projection
    let hidden: Int
    let ff: Int
    let embedding: Int

    public init(hidden: Int, intermediate: Int, embedding: Int? = nil) {
        self.hidden = hidden
        self.ff = intermediate
        self.embedding = embedding ?? hidden
        embedded = .allocate(capacity: 1)
        context = .allocate(capacity: 1); attended = .allocate(capacity: 1); qkv = .allocate(capacity: 1)
        self.intermediate = .allocate(capacity: 1); maskAdd = .allocate(capacity: 1)
    }

    deinit { release() }

    func reserve(tokens n: Int) {
        guard n > capacity else { return }
        release()
        context = .allocate(capacity: n * hidden)
        attended = .allocate(capacity: n * hidden)
        qkv = .allocate(capacity: n * 3 * hidden)
        intermediate = .allocate(capacity: n * ff)
        maskAdd = .allocate(capacity: n)
        embedded = .allocate(capacity: n * embedding)
        capacity = n
    }

    private func release() {
        context.deallocate(); attended.deallocate(); qkv.deallocate()
        intermediate.deallocate(); maskAdd.deallocate(); embedded.deallocate()
    }
}
