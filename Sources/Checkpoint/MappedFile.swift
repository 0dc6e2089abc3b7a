#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CFaults
import SafeIO

/// A read-only memory map of a whole file. Tensors point straight into it,
/// so it lives as long as any view of its bytes.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let size: Int
    public let base: UnsafeRawPointer

    public init(path: String) throws {
        // stat first, open non-blocking: a FIFO or device here would hang a plain open().
        let fd: Int32, size: Int
        do { (fd, size) = try SafeFile.openRegular(path) } catch { throw CheckpointError("cannot open \(error)") }
        defer { close(fd) }
        guard size > 0 else { throw CheckpointError("\(path) is empty") }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw CheckpointError("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.size = size
        self.base = UnsafeRawPointer(p)
        // Reading a page past a file that shrank since raises SIGBUS: say which file.
        bs_fault_install()
        bs_fault_register(base, size, path)
    }

    deinit {
        bs_fault_unregister(base)
        munmap(UnsafeMutableRawPointer(mutating: base), size)
    }

    /// Lets the kernel drop the resident pages wholly inside [start, start+count)
    /// of this map: they are read again from the file if touched (a private,
    /// read-only map has nothing else to lose). A weight packed into its own
    /// copy is otherwise held twice (BERT-large: 1.3 GB more).
    public func releasePages(_ start: UnsafeRawPointer, count: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let lo = Int(bitPattern: start), hi = lo + count
        let mapLo = Int(bitPattern: base), mapHi = mapLo + size
        guard page > 0, count > 0, lo >= mapLo, hi <= mapHi else { return }
        let first = (lo + page - 1) / page * page, last = hi / page * page
        guard last > first, let p = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(p, last - first, Int32(MADV_DONTNEED))
    }

    /// The bytes [offset, offset+count), which the caller has bounds-checked.
    public func bytes(at offset: Int, count: Int) -> UnsafeRawBufferPointer {
        precondition(offset >= 0 && count >= 0 && offset + count <= size)
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }
}
