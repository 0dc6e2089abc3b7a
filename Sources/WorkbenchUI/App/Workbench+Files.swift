#if canImport(Glibc)
    import Glibc
#endif
import Dispatch
import Foundation

/// Notices when the model's files change on disk while the workbench runs
/// (a download finishing, a re-export, a truncation), and offers `:reload`
/// before a read of a shrunken mapping can fault.
struct ModelFileWatch {
    let directory: URL
    private var files: [String: String]
    private var checkedAt: UInt64 = 0
    private var said = false

    init(directory: URL) {
        self.directory = directory
        files = Self.fingerprint(directory)
    }

    /// Size and modification time of each file in the model folder.
    static func fingerprint(_ dir: URL) -> [String: String] {
        var out: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] {
            var st = stat()
            guard stat(dir.appendingPathComponent(name).path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                continue
            }
            out[name] = "\(st.st_size)@\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        }
        return out
    }

    /// The changed file names, once, looking at most once a second.
    mutating func changes(now: UInt64) -> [String]? {
        guard now >= checkedAt + 1_000_000_000 else { return nil }
        checkedAt = now
        let current = Self.fingerprint(directory)
        guard current != files, !said else { return nil }
        said = true
        return Set(current.keys).union(files.keys).filter { current[$0] != files[$0] }.sorted()
    }
}

extension Workbench {
    /// Called by the loop.
    func checkModelFiles(now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        guard let changed = watch.changes(now: now) else { return }
        state.say("\(changed.joined(separator: ", ")) changed on disk: :reload loads the model again", error: true)
    }

    /// `:reload`: the same folder, read again.
    func reloadModel() {
        run(command: "model \(session.model.directory.path)")
    }
}
