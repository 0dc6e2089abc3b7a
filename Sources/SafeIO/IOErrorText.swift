import Foundation

/// One line for a failed file operation, naming the path and the cause
/// ("cannot write /x/y: Permission denied"), instead of Foundation's
/// `Error Domain=NSCocoaErrorDomain Code=516 …` dumps.
public enum IOErrorText {
    public static func describe(_ error: Error, verb: String = "cannot write", path: String? = nil) -> String {
        if let e = error as? FileReadError { return e.description }
        if let e = error as? FileWriteError { return e.description }
        let ns = error as NSError
        // Our own errors already say path and cause in one line.
        if ns.domain != NSCocoaErrorDomain && ns.domain != NSPOSIXErrorDomain { return String(describing: error) }
        let where_ = path ?? (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        let prefix = where_.map { "\(verb) \($0): " } ?? "\(verb): "
        return prefix + cause(ns)
    }

    /// The POSIX cause when Foundation wraps one, else a short name for the Cocoa code.
    static func cause(_ ns: NSError) -> String {
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(u.code)))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileWriteFileExistsError: return "a file with that name already exists"
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or directory"
            case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "permission denied"
            case NSFileWriteOutOfSpaceError: return "no space left on device"
            case NSFileWriteVolumeReadOnlyError: return "read-only file system"
            default: break
            }
        }
        return ns.localizedDescription.split(separator: "\n").first.map(String.init) ?? "error \(ns.code)"
    }
}
