/// Scratch memory for forward passes, grown to the longest input seen and
/// then reused: a steady stream of forwards allocates nothing.
/// Not thread-safe: one workspace per concurrent caller.
public final class Workspace: @unchecked Sendable {
    private(set) var capacity = 0
    private var biasCapacity = 0
    private(set) var context: UnsafeMutablePointer<Float>  // (n, d)
    private(set) var attended: UnsafeMutablePointer<Float>  // (n, d)
    private(set) var qkv: UnsafeMutablePointer<Float>  // (n, 3d)
    private(set) var intermediate: UnsafeMutablePointer<Float>  // (n, ff)
    private(set) var maskAdd: UnsafeMutablePointer<Float>  // (n)
    private(set) var embedded: UnsafeMutablePointer<Float>  // (n, e) before a projection
    private(set) var bias: UnsafeMutablePointer<Float>  // (biasHeads, n, n) relative-position scores
    private(set) var queryOk: UnsafeMutablePointer<UInt8>  // (n) 1 = real token
    let hidden: Int
    let ff: Int
    let embedding: Int
    let biasHeads: Int

    public init(hidden: Int, intermediate: Int, embedding: Int? = nil, biasHeads: Int = 0) {
        self.hidden = hidden
        self.ff = intermediate
        self.embedding = embedding ?? hidden
        self.biasHeads = biasHeads
        embedded = .allocate(capacity: 1)
        bias = .allocate(capacity: 1); queryOk = .allocate(capacity: 1)
        context = .allocate(capacity: 1); attended = .allocate(capacity: 1); qkv = .allocate(capacity: 1)
        self.intermediate = .allocate(capacity: 1); maskAdd = .allocate(capacity: 1)
    }

    deinit {
        release()
    }

    func reserve(tokens n: Int) {
        guard n > capacity else { return }
        release()
        context = .allocate(capacity: n * hidden)
        attended = .allocate(capacity: n * hidden)
        qkv = .allocate(capacity: n * 3 * hidden)
        intermediate = .allocate(capacity: n * ff)
        maskAdd = .allocate(capacity: n)
        embedded = .allocate(capacity: n * embedding)
        // DeBERTa's position scores, one (n, n) block a head; ModernBERT's window mask
        // (one block) is made only for a padded input, by reserveBias.
        bias = .allocate(capacity: max(1, biasHeads * n * n))
        biasCapacity = biasHeads > 0 ? n : 0
        queryOk = .allocate(capacity: n)
        capacity = n
    }

    /// Room for one (n, n) bias (ModernBERT's window and padding mask of a padded input).
    func reserveBias(tokens n: Int) {
        reserve(tokens: n)
        guard n > biasCapacity else { return }
        bias.deallocate()
        bias = .allocate(capacity: n * n)
        biasCapacity = n
    }

    private func release() {
        context.deallocate(); attended.deallocate(); qkv.deallocate()
        intermediate.deallocate(); maskAdd.deallocate(); embedded.deallocate()
        bias.deallocate(); queryOk.deallocate()
    }
}
