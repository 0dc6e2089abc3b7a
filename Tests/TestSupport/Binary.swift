import Foundation

/// The built `bertscope` executable beside the test bundle (swift test builds it),
/// or `BERTSCOPE_BINARY` (a release build, for the latency tests' release bounds).
public func bertscopeBinary() throws -> String {
    if let chosen = ProcessInfo.processInfo.environment["BERTSCOPE_BINARY"],
        FileManager.default.isExecutableFile(atPath: chosen)
    {
        return chosen
    }
    let besideRunner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("bertscope")
    let candidates = [besideRunner.path, Fixtures.packageRoot.appendingPathComponent(".build/debug/bertscope").path]
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw NSError(
            domain: "bertscope", code: 1,
            userInfo: [NSLocalizedDescriptionKey: "bertscope is not built: run swift build first"])
    }
    return found
}

/// Reads a float32 little-endian .npy file: (shape, values).
public func readNPY(_ url: URL) throws -> (shape: [Int], values: [Float]) {
    let bytes = [UInt8](try Data(contentsOf: url))
    guard bytes.count > 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
        throw NSError(domain: "npy", code: 1, userInfo: [NSLocalizedDescriptionKey: "not an .npy file"])
    }
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
    guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False"),
        let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")")
    else {
        throw NSError(domain: "npy", code: 2, userInfo: [NSLocalizedDescriptionKey: "unexpected header \(header)"])
    }
    let shape = header[open.upperBound..<close].split(separator: ",").compactMap {
        Int($0.trimmingCharacters(in: .whitespaces))
    }
    var values = [Float]()
    var i = 10 + headerLength
    while i + 4 <= bytes.count {
        values.append(
            Float(
                bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(
                    bytes[i + 3]) << 24))
        i += 4
    }
    return (shape, values)
}
