/// A restricted unpickler for PyTorch state dicts. It understands the opcodes
/// `torch.save` emits and only a whitelist of callables (OrderedDict, tensor
/// and parameter rebuilders, storage types), so a checkpoint can describe
/// tensors but never run code. Anything else is an error naming it.
///
/// Containers are classes whose deinit takes their children apart
/// iteratively: a 50 KB pickle can nest 50,000 tuples or lists, and the
/// default recursive release of such a chain overflows the stack.
final class PickleList {
    var items: [PickleValue] = []
    deinit { PickleValue.dismantle(&items) }
}
final class PickleDict {
    var items: [(key: PickleValue, value: PickleValue)] = []
    deinit {
        var flat = items.flatMap { [$0.key, $0.value] }
        items = []
        PickleValue.dismantle(&flat)
    }
}
/// Every container a load made. A pickle can build cycles (a list appended
/// to itself through the memo), which reference counting never frees:
/// `clear()` empties them all once the state dict has been read.
final class PickleArena {
    private var objects: [AnyObject] = []
    func keep(_ v: PickleValue) {
        switch v {
        case .list(let l): objects.append(l)
        case .tuple(let t): objects.append(t)
        case .dict(let d): objects.append(d)
        default: break
        }
    }
    func clear() {
        for o in objects {
            (o as? PickleList)?.items = []
            (o as? PickleTuple)?.items = []
            (o as? PickleDict)?.items = []
        }
        objects = []
    }
}

final class PickleTuple {
    var items: [PickleValue]
    init(_ items: [PickleValue]) { self.items = items }
    deinit { PickleValue.dismantle(&items) }
}

/// A storage named by a persistent id: where its bytes are is up to the caller.
struct TorchStorage {
    let dtype: DType?
    let typeName: String
    let key: String
    let numel: Int
    /// Legacy format: a view into its root storage (element offset).
    var viewOffset = 0
}

/// What `_rebuild_tensor_v2` describes.
struct TorchTensor {
    let storage: TorchStorage
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}

enum PickleValue {
    case none, bool(Bool), int(Int), float(Double), string(String), bytes([UInt8])
    case tuple(PickleTuple), list(PickleList), dict(PickleDict)
    case global(module: String, name: String)
    case storage(TorchStorage)
    case tensor(TorchTensor)
    case mark
    /// A value we have no use for (BUILD state, metadata objects).
    case ignored

    var int: Int? { if case .int(let i) = self { return i }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }

    /// Releases `work` without recursion: a container only this list holds
    /// hands its children over before it goes, so no deinit nests in another.
    static func dismantle(_ work: inout [PickleValue]) {
        while !work.isEmpty {
            var v = work.removeLast()
            v.moveChildren(into: &work)
        }
    }

    /// Moves the children of a uniquely held container into `work`, leaving self `.none`.
    private mutating func moveChildren(into work: inout [PickleValue]) {
        // One owned reference, checked in place (binding it to a new name would copy it).
        var object: AnyObject? = Self.extract(&self)
        guard object != nil, isKnownUniquelyReferenced(&object) else { return }
        // Unique: emptying it here means its deinit has nothing left to recurse into.
        if let l = object as? PickleList { work.append(contentsOf: l.items); l.items = [] }
        if let t = object as? PickleTuple { work.append(contentsOf: t.items); t.items = [] }
        if let d = object as? PickleDict {
            for item in d.items { work.append(item.key); work.append(item.value) }; d.items = []
        }
    }

    /// The container object, with `v` set to `.none` first so the caller holds the only reference it had.
    @inline(never)
    private static func extract(_ v: inout PickleValue) -> AnyObject? {
        let object: AnyObject?
        switch v {
        case .list(let l): object = l
        case .tuple(let t): object = t
        case .dict(let d): object = d
        default: return nil
        }
        v = .none
        return object
    }

    var tuple: [PickleValue]? {
        if case .tuple(let t) = self { return t.items }
        if case .list(let l) = self { return l.items }
        return nil
    }
}

struct Unpickler {
    var reader: ByteReader
    /// Turns a persistent id (the tuple torch writes for each storage) into a value.
    let persistentLoad: ([PickleValue]) throws -> PickleValue
    private var stack: [PickleValue] = []
    private var memo: [Int: PickleValue] = [:]

    let arena: PickleArena

    init(_ reader: ByteReader, arena: PickleArena, persistentLoad: @escaping ([PickleValue]) throws -> PickleValue) {
        self.reader = reader
        self.arena = arena
        self.persistentLoad = persistentLoad
    }

    /// Runs one pickle (up to STOP) and returns its value; `reader` ends after it.
    /// More values than any state dict holds (bert-large's pickle makes about
    /// 10,000): bounds memory, since each costs ~100 bytes however small the file.
    static let maxValues = 4_000_000

    mutating func load() throws -> PickleValue {
        defer { PickleValue.dismantle(&stack); var m = Array(memo.values); memo.removeAll(); PickleValue.dismantle(&m) }
        stack.removeAll(); memo.removeAll(); pushed = 0
        var steps = 0
        while true {
            steps += 1
            guard steps < 50_000_000 else { throw reader.fail("pickle does not end") }

            let op = try reader.u8()
            if op == UInt8(ascii: ".") { return try pop() }
            try execute(op)
        }
    }

    private var pushed = 0

    /// Every value enters through the stack, so counting pushes bounds them all.
    private mutating func push(_ v: PickleValue) throws {
        pushed += 1
        guard pushed <= Self.maxValues else {
            throw reader.fail(
                "pickle builds more than \(Self.maxValues) values (a state dict needs thousands); refusing it")
        }
        arena.keep(v)
        stack.append(v)
    }

    private mutating func pop() throws -> PickleValue {
        guard let v = stack.popLast() else { throw reader.fail("pickle stack underflow") }
        return v
    }

    /// Everything above the topmost MARK, which is removed.
    private mutating func popToMark() throws -> [PickleValue] {
        guard
            let m = stack.lastIndex(where: {
                if case .mark = $0 { return true }; return false
            })
        else {
            throw reader.fail("pickle MARK missing")
        }
        let items = Array(stack[(m + 1)...])
        stack.removeSubrange(m...)
        return items
    }

    private mutating func string(_ n: Int) throws -> String { String(decoding: try reader.take(n), as: UTF8.self) }

    private mutating func line() throws -> String {
        var out: [UInt8] = []
        while true {
            let b = try reader.u8()
            if b == 0x0A { return String(decoding: out, as: UTF8.self) }
            out.append(b)
            guard out.count < 4096 else { throw reader.fail("pickle GLOBAL name too long") }
        }
    }

    private mutating func execute(_ op: UInt8) throws {
        switch op {
        case 0x80: _ = try reader.u8()  // PROTO
        case 0x95: _ = try reader.u64()  // FRAME
        case UInt8(ascii: "}"): try push(.dict(PickleDict()))  // EMPTY_DICT
        case UInt8(ascii: "]"): try push(.list(PickleList()))  // EMPTY_LIST
        case UInt8(ascii: ")"): try push(.tuple(PickleTuple([])))  // EMPTY_TUPLE
        case UInt8(ascii: "("): try push(.mark)  // MARK
        case UInt8(ascii: "N"): try push(.none)
        case 0x88: try push(.bool(true))
        case 0x89: try push(.bool(false))
        case UInt8(ascii: "J"): try push(.int(try reader.i32()))  // BININT
        case UInt8(ascii: "K"): try push(.int(Int(try reader.u8())))  // BININT1
        case UInt8(ascii: "M"): try push(.int(try reader.u16()))  // BININT2
        case 0x8a: try push(try long(Int(try reader.u8())))  // LONG1
        case UInt8(ascii: "G"):  // BINFLOAT (big endian)
            let raw = try reader.take(8)
            try push(.float(Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)))))
        case UInt8(ascii: "X"): try push(.string(try string(try reader.u32())))  // BINUNICODE
        case 0x8c: try push(.string(try string(Int(try reader.u8()))))  // SHORT_BINUNICODE
        case 0x8d: try push(.string(try string(try reader.u64())))  // BINUNICODE8
        case UInt8(ascii: "C"): try push(.bytes(Array(try reader.take(Int(try reader.u8())))))  // SHORT_BINBYTES
        case UInt8(ascii: "B"): try push(.bytes(Array(try reader.take(try reader.u32()))))  // BINBYTES
        case UInt8(ascii: "q"): memo[Int(try reader.u8())] = try top()  // BINPUT
        case UInt8(ascii: "r"): memo[try reader.u32()] = try top()  // LONG_BINPUT
        case 0x94: memo[memo.count] = try top()  // MEMOIZE
        case UInt8(ascii: "h"): try push(try memoized(Int(try reader.u8())))  // BINGET
        case UInt8(ascii: "j"): try push(try memoized(try reader.u32()))  // LONG_BINGET
        case UInt8(ascii: "t"): try push(.tuple(PickleTuple(try popToMark())))  // TUPLE
        case 0x85: let a = try pop(); try push(.tuple(PickleTuple([a])))
        case 0x86: let b = try pop(), a = try pop(); try push(.tuple(PickleTuple([a, b])))
        case 0x87: let c = try pop(), b = try pop(), a = try pop(); try push(.tuple(PickleTuple([a, b, c])))
        case UInt8(ascii: "c"):  // GLOBAL
            let module = try line(), name = try line()
            try push(.global(module: module, name: name))
        case 0x93:  // STACK_GLOBAL
            let name = try pop(), module = try pop()
            guard let m = module.string, let n = name.string else {
                throw reader.fail("pickle STACK_GLOBAL needs strings")
            }
            try push(.global(module: m, name: n))
        case UInt8(ascii: "Q"):  // BINPERSID
            guard let pid = try pop().tuple else { throw reader.fail("persistent id is not a tuple") }
            try push(try persistentLoad(pid))
        case UInt8(ascii: "R"), 0x81:  // REDUCE, NEWOBJ
            let args = try pop(), callable = try pop()
            try push(try Self.call(callable, args, fail: reader.fail))
        case UInt8(ascii: "b"): _ = try pop()  // BUILD: state is not needed
        case UInt8(ascii: "s"):  // SETITEM
            let value = try pop(), key = try pop()
            try dictOnTop().items.append((key, value))
        case UInt8(ascii: "u"):  // SETITEMS
            let items = try popToMark()
            guard items.count % 2 == 0 else { throw reader.fail("pickle SETITEMS with an odd count") }
            let d = try dictOnTop()
            for i in stride(from: 0, to: items.count, by: 2) { d.items.append((items[i], items[i + 1])) }
        case UInt8(ascii: "a"):  // APPEND
            let v = try pop()
            try listOnTop().items.append(v)
        case UInt8(ascii: "e"):  // APPENDS
            let items = try popToMark()
            try listOnTop().items.append(contentsOf: items)
        default:
            throw reader.fail("unsupported pickle opcode 0x\(String(op, radix: 16)) at byte \(reader.position - 1)")
        }
    }

    private func top() throws -> PickleValue {
        guard let v = stack.last else { throw reader.fail("pickle stack underflow") }
        return v
    }

    private func memoized(_ i: Int) throws -> PickleValue {
        guard let v = memo[i] else { throw reader.fail("pickle memo \(i) is unset") }
        return v
    }

    private func dictOnTop() throws -> PickleDict {
        guard case .dict(let d) = try top() else { throw reader.fail("pickle SETITEM target is not a dict") }
        return d
    }

    private func listOnTop() throws -> PickleList {
        guard case .list(let l) = try top() else { throw reader.fail("pickle APPEND target is not a list") }
        return l
    }

    /// A LONG1 integer; wider than 64 bits it stays as its little-endian bytes (torch's magic number).
    private mutating func long(_ n: Int) throws -> PickleValue {
        let raw = try reader.take(n)
        guard n <= 8 else { return .bytes(Array(raw)) }
        var v: UInt64 = 0
        for (i, b) in raw.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        if n > 0, n < 8, raw[n - 1] & 0x80 != 0 { v |= ~0 << (8 * UInt64(n)) }  // sign-extend
        return .int(Int(Int64(bitPattern: v)))
    }

    /// The whitelisted callables.
    static func call(_ callable: PickleValue, _ args: PickleValue, fail: (String) -> CheckpointError) throws
        -> PickleValue
    {
        guard case .global(let module, let name) = callable else {
            throw fail("pickle calls something that is not a known function")
        }
        let a = args.tuple ?? []
        switch (module, name) {
        case ("collections", "OrderedDict"), ("builtins", "dict"):
            return .dict(PickleDict())
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            guard a.count >= 4, case .storage(let s) = a[0], let offset = a[1].int,
                let shape = a[2].tuple?.compactMap(\.int), let strides = a[3].tuple?.compactMap(\.int),
                shape.count == a[2].tuple?.count, strides.count == shape.count
            else {
                throw fail("malformed tensor in the pickle")
            }
            return .tensor(TorchTensor(storage: s, offset: offset, shape: shape, strides: strides))
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            guard let first = a.first else { throw fail("malformed parameter in the pickle") }
            return first
        case ("torch._tensor", "_rebuild_from_type_v2"):
            // (function, type, args, state): rebuild with the function, drop the subclass.
            guard a.count >= 3 else { throw fail("malformed tensor subclass in the pickle") }
            return try call(a[0], a[2], fail: fail)
        case ("_codecs", "encode"):
            guard let s = a.first?.string else { throw fail("malformed bytes in the pickle") }
            return .bytes(s.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        case ("torch", "device"), ("torch", "Size"):
            return .ignored
        default:
            throw fail("the pickle calls \(module).\(name), which a weights file should not need; refusing to load it")
        }
    }
}
