/// A read-only float32 tensor: a shape and a pointer into storage that is
/// either the checkpoint's memory map (F32, zero-copy) or a buffer converted
/// once at load (F16, BF16, F64, misaligned F32).
public struct Tensor: @unchecked Sendable {
    public let name: String
    public let shape: [Int]
    public let pointer: UnsafePointer<Float>
    /// Keeps the mmap or the converted buffer alive.
    let owner: AnyObject

    public var count: Int { shape.reduce(1, *) }
    /// The raw elements. Valid only while this tensor (or a copy) is alive:
    /// keep the Tensor in a variable, or use `values`.
    public var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: pointer, count: count) }

    /// A copy of the elements (safe on a temporary Tensor).
    public var values: [Float] { withExtendedLifetime(owner) { Array(buffer) } }

    public init(name: String, shape: [Int], pointer: UnsafePointer<Float>, owner: AnyObject) {
        self.name = name
        self.shape = shape
        self.pointer = pointer
        self.owner = owner
    }

    /// A tensor owning a copy of `values` (tests, converted weights).
    public init(name: String, shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count)
        let box = FloatBuffer(values)
        self.init(name: name, shape: shape, pointer: UnsafePointer(box.pointer), owner: box)
    }

    /// Drops the resident pages of a tensor that points into its checkpoint's
    /// map (no-op for converted buffers): the next read faults them in again.
    public func releaseResidentPages() {
        guard let file = owner as? MappedFile else { return }
        file.releasePages(UnsafeRawPointer(pointer), count: count * MemoryLayout<Float>.stride)
    }

    /// Throws unless the shape is exactly `expected`; the message names both.
    public func expectShape(_ expected: [Int], because reason: String = "config.json") throws {
        guard shape == expected else {
            throw CheckpointError("tensor \(name) has shape \(shape), expected \(expected) from \(reason)")
        }
    }
}

/// An owned, never-moving float buffer.
final class FloatBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
    }
    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.initialize(from: base, count: src.count) }
        }
    }
    deinit { pointer.deallocate() }
}

extension Tensor {
    /// Rows `range` of a tensor's first dimension, sharing its storage (a fused
    /// matrix split into its parts: ModernBERT's Wqkv).
    public func rows(_ range: Range<Int>, name: String) -> Tensor {
        precondition(!shape.isEmpty && range.lowerBound >= 0 && range.upperBound <= shape[0])
        let width = shape.dropFirst().reduce(1, *)
        return Tensor(
            name: name, shape: [range.count] + shape.dropFirst(), pointer: pointer + range.lowerBound * width,
            owner: owner)
    }

    /// A tensor of zeros (the bias a layer without one adds).
    public static func zeros(name: String, count: Int) -> Tensor {
        Tensor(name: name, shape: [count], values: [Float](repeating: 0, count: count))
    }
}
