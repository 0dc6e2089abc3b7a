import Foundation
import SafeIO

/// How a sentence-transformers model turns token vectors into one sentence
/// vector (#30), as its folder says: `modules.json` names a Pooling module
/// (`1_Pooling/config.json`: cls, mean, max or mean-sqrt-len) and maybe a
/// Normalize module; `sentence_bert_config.json` caps the tokens
/// (`max_seq_length`). A folder without them is pooled by the mean, not
/// normalized, and says so.
public struct SentencePooling: Sendable, Equatable {
    public enum Mode: String, Sendable {
        case cls, mean, max
        case meanSqrtLength = "mean-sqrt-len"
    }

    public var mode: Mode
    public var normalize: Bool
    /// Tokens the model's authors encode at most (nil: the model's positions).
    public var maxTokens: Int?
    /// Whether the folder described it (false: the mean-pooling default).
    public var fromConfig: Bool

    public init(mode: Mode = .mean, normalize: Bool = false, maxTokens: Int? = nil, fromConfig: Bool = false) {
        self.mode = mode; self.normalize = normalize; self.maxTokens = maxTokens; self.fromConfig = fromConfig
    }

    /// "mean pooling, normalized", and with `limit` ", at most 256 tokens": how screens and commands name it.
    public func summary(limit: Bool = false) -> String {
        mode.rawValue + " pooling" + (normalize ? ", normalized" : "")
            + (limit ? maxTokens.map { ", at most \($0) tokens" } ?? "" : "")
    }

    /// Reads a model folder's sentence-transformers files.
    public init(directory: URL) throws {
        self.init()
        let modulesURL = directory.appendingPathComponent("modules.json")
        guard FileManager.default.fileExists(atPath: modulesURL.path) else { return }
        let modules = try Self.json(modulesURL) as? [[String: Any]] ?? []
        let types = modules.compactMap { $0["type"] as? String }
        guard let pooling = modules.first(where: { ($0["type"] as? String)?.hasSuffix("models.Pooling") == true }),
            let path = pooling["path"] as? String, !path.contains("..")
        else {
            throw CheckpointError("modules.json has no Pooling module (types: \(types.joined(separator: ", ")))")
        }
        let c = try Self.json(directory.appendingPathComponent(path).appendingPathComponent("config.json"))
        guard let config = c as? [String: Any] else { throw CheckpointError("\(path)/config.json is not an object") }
        let modes: [(String, Mode)] = [
            ("pooling_mode_cls_token", .cls), ("pooling_mode_mean_tokens", .mean), ("pooling_mode_max_tokens", .max),
            ("pooling_mode_mean_sqrt_len_tokens", .meanSqrtLength),
        ]
        let on = modes.filter { config[$0.0] as? Bool == true }
        let unsupported = ["pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"].filter {
            config[$0] as? Bool == true
        }
        guard on.count == 1, unsupported.isEmpty else {
            throw CheckpointError(
                "\(path)/config.json: pooling \((on.map(\.0) + unsupported).joined(separator: " + ")) is not supported (one of cls, mean, max, mean_sqrt_len)"
            )
        }
        mode = on[0].1
        normalize = types.contains { $0.hasSuffix("models.Normalize") }
        fromConfig = true
        let bertConfig = directory.appendingPathComponent("sentence_bert_config.json")
        if FileManager.default.fileExists(atPath: bertConfig.path),
            let max = (try Self.json(bertConfig) as? [String: Any])?["max_seq_length"] as? Int, max > 0
        {
            maxTokens = max
        }
    }

    private static func json(_ url: URL) throws -> Any {
        let bytes: [UInt8]
        do { bytes = try SafeFile.read(url, limit: Limits.smallJSON) } catch {
            throw CheckpointError("cannot read \(error)")
        }
        guard let v = try? JSONSerialization.jsonObject(with: Data(bytes)) else {
            throw CheckpointError("\(url.lastPathComponent) is not JSON")
        }
        return v
    }

    /// One sentence vector from its tokens' last hidden states (n, d).
    public func pool(_ hidden: [Float], tokens n: Int, width d: Int) -> [Float] {
        guard n > 0, hidden.count == n * d else { return [Float](repeating: 0, count: d) }
        var out = [Float](repeating: 0, count: d)
        switch mode {
        case .cls: out = Array(hidden[0..<d])
        case .max:
            out = Array(hidden[0..<d])
            for i in 1..<n { for k in 0..<d { out[k] = max(out[k], hidden[i * d + k]) } }
        case .mean, .meanSqrtLength:
            for i in 0..<n { for k in 0..<d { out[k] += hidden[i * d + k] } }
            let by = mode == .mean ? Float(n) : Float(n).squareRoot()
            for k in 0..<d { out[k] /= by }
        }
        if normalize {
            // torch.nn.functional.normalize: x / max(‖x‖, 1e-12).
            let norm = max(out.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            for k in 0..<d { out[k] /= norm }
        }
        return out
    }
}
