import Foundation
import Testing
import TestSupport
@testable import WorkbenchUI

/// The key table in docs/workbench.md is generated from the binding records,
/// so it cannot drift from what the keys do (update-frames.sh rewrites it).
@Suite struct ReadmeKeysTests {
    static let begin = "<!-- keys:begin (generated from the key bindings: Tests/WorkbenchUITests/update-frames.sh) -->"
    static let end = "<!-- keys:end -->"

    @Test func readmeListsEveryBindingAndCommand() throws {
        let url = Fixtures.packageRoot.appendingPathComponent("docs/workbench.md")
        var readme = try String(contentsOf: url, encoding: .utf8)
        let generated = Self.begin + "\n" + KeyMap.markdown + "\n" + Self.end
        guard let a = readme.range(of: Self.begin),
            let b = readme.range(of: Self.end, range: a.upperBound..<readme.endIndex)
        else {
            Issue.record("docs/workbench.md has no generated key table between \(Self.begin) and \(Self.end)")
            return
        }
        if FrameGolden.updating {
            readme.replaceSubrange(a.lowerBound..<b.upperBound, with: generated)
            try readme.write(to: url, atomically: false, encoding: .utf8)
            return
        }
        #expect(
            String(readme[a.lowerBound..<b.upperBound]) == generated,
            "the key table in docs/workbench.md is stale: run Tests/WorkbenchUITests/update-frames.sh")
    }
}
