import Dispatch
import Foundation

/// Notices when the model's files change on disk while the workbench runs
/// (a download finishing, a re-export, a truncation), and offers `:reload`
/// before a read of a shrunken mapping can fault.
extension Workbench {
    /// Size and modification time of each file in the model folder.
    static func fingerprint(_ dir: URL) -> [String: String] {
        var out: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] {
            var st = stat()
            guard stat(dir.appendingPathComponent(name).path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            out[name] = "\(st.st_size)@\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        }
        return out
    }

    /// Called by the loop; looks at the files at most once a second.
    func checkModelFiles(now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        guard now >= filesCheckedAt + 1_000_000_000 else { return }
        filesCheckedAt = now
        let current = Self.fingerprint(session.model.directory)
        guard current != modelFiles, !filesChangeSaid else { return }
        let changed = Set(current.keys).union(modelFiles.keys).filter { current[$0] != modelFiles[$0] }.sorted()
        notice = Notice(text: "\(changed.joined(separator: ", ")) changed on disk: :reload loads the model again", isError: true)
        filesChangeSaid = true
    }

    /// `:reload`: the same folder, read again.
    func reloadModel() {
        run(command: "model \(session.model.directory.path)")
    }
}

#if canImport(Glibc)
import Glibc
#endif
