import Foundation
import Testing
import TestSupport
@testable import WorkbenchUI

/// Tour files and their step texts are bounded: a shared tour cannot make
/// `tour --check` (or a class's workbench) run for minutes on one step.
@Suite struct TourLimitTests {
    @Test func aStepTextOverTheLimitIsAnErrorNamingTheStep() throws {
        let words = String(repeating: "the quick brown fox ", count: 1250)  // 5,000 words (the last space trimmed)
        for key in ["text", "pair", "counterfactual"] {
            let source = "[step]\ntext = a\n> x\n[step]\n\(key) = \(words)\n> y\n"
            #expect(throws: TourError.self) { try TourFile.parse(source, name: "t.tour") }
            do { _ = try TourFile.parse(source, name: "t.tour") } catch {
                #expect(
                    "\(error)".hasPrefix("t.tour:5: step 2: \(key) is 24999 bytes, over the 4096"), "\(error)")
            }
        }
        let atLimit = String(repeating: "é", count: TourFile.textLimit / 2)
        #expect(try TourFile.parse("[step]\ntext = \(atLimit)\n> x").steps[0].text == atLimit)
    }

    @Test func aTourFileOverTheLimitIsRefusedUnread() throws {
        let dir = try temporaryDirectory()
        let big = "[step]\ntext = a\n" + String(repeating: "# padding\n", count: TourFile.byteLimit / 10 + 1)
        try Data(big.utf8).write(to: dir.appendingPathComponent("big.tour"))
        #expect(throws: TourError.self) { try TourLibrary(directories: [dir]).load("big") }
        do { _ = try TourLibrary(directories: [dir]).load("big") } catch {
            #expect("\(error)".contains("over the 256 KB limit"), "\(error)")
        }
    }

    @Test func recordingRefusesAStepOverTheLimit() throws {
        let w = makeWorkbench(String(repeating: "a ", count: TourFile.textLimit))
        w.run(command: "record big")
        w.run(command: "step")
        #expect(w.state.notice?.isError == true && w.state.recording?.tour.steps.isEmpty == true)
        w.run(command: "save \(try temporaryDirectory().appendingPathComponent("s.tour").path)")
        w.finishJobs()
        #expect(w.state.notice?.isError == true && w.state.notice?.text.contains("over the 4096") == true)
    }
}
