/// A weights file BertScope can read: safetensors or a PyTorch checkpoint.
/// Entries are checked against the file when it opens; `tensor` returns
/// float32 views (zero-copy where the bytes allow it).
public protocol TensorFile: AnyObject, Sendable {
    var path: String { get }
    var entries: [String: TensorEntry] { get }
    /// Bytes on disk.
    var size: Int { get }
    func tensor(_ name: String) throws -> Tensor
}

extension TensorEntry {
    /// The entry as float32: a view into `file` for aligned contiguous F32,
    /// else a buffer converted (and gathered, for strided entries) once.
    func floatTensor(in file: MappedFile) throws -> Tensor {
        let raw = file.bytes(at: offset, count: byteCount)
        let count = shape.reduce(1, *)
        guard dtype.isLoadableAsFloat else {
            throw CheckpointError(
                "tensor \(name) has dtype \(dtype.rawValue); only F32, F16, BF16 and F64 weights are supported")
        }
        if dtype == .f32, strides == nil,
            Int(bitPattern: raw.baseAddress) % MemoryLayout<Float>.alignment == 0 || count == 0
        {
            let p = (raw.baseAddress ?? file.base).assumingMemoryBound(to: Float.self)
            return Tensor(name: name, shape: shape, pointer: p, owner: file)
        }
        let out = FloatBuffer(count: count)
        let size = dtype.byteSize
        for i in 0..<count {
            let at = size * elementIndex(i)
            switch dtype {
            case .f32: out.pointer[i] = raw.loadUnaligned(fromByteOffset: at, as: Float.self)
            case .f16: out.pointer[i] = halfToFloat(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))
            case .bf16: out.pointer[i] = bfloat16ToFloat(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))
            default: out.pointer[i] = Float(raw.loadUnaligned(fromByteOffset: at, as: Double.self))
            }
        }
        return Tensor(name: name, shape: shape, pointer: UnsafePointer(out.pointer), owner: out)
    }

    /// Where the i-th element (row-major) sits in the entry's bytes, in elements.
    private func elementIndex(_ i: Int) -> Int {
        guard let strides else { return i }
        var rest = i, at = 0
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            at += (rest % shape[d]) * strides[d]
            rest /= shape[d]
        }
        return at
    }
}
