import Dispatch
import Encoder
import Session
import Testing
import TestSupport
import Tokenizers
@testable import WorkbenchUI

/// A background load overtaken by a later command on the same slot (the
/// same `:compare-model`, `:tokenizers` or `:model`) is not applied: the
/// last command the user gave wins.
@Suite struct OvertakenLoadTests {
    @Test func compareModelNoneBeforeTheLoadLandsWins() {
        let w = makeWorkbench("the cat sat")
        w.loadModel = { _ in tinyModel }
        w.run(command: "compare-model tiny")
        w.run(command: "compare-model none")
        w.finishJobs()
        #expect(w.second == nil, "the second model closed by the later :compare-model none came back")
    }

    /// An overtaken load that fails says nothing: the user asked for something else since.
    @Test func anOvertakenFailureIsNotSaid() {
        let w = makeWorkbench("the cat sat")
        let gate = DispatchSemaphore(value: 0)
        w.loadModel = { _ in
            gate.wait()
            throw EncoderError("no model here")
        }
        w.run(command: "compare-model nowhere")
        w.run(command: "compare-model none")
        gate.signal()
        w.finishJobs()
        #expect(w.second == nil && w.state.notice?.isError != true, "\(String(describing: w.state.notice))")
    }

    @Test func tokenizersNoneBeforeTheLoadLandsWins() {
        let w = makeWorkbench("the cat sat")
        w.loadTokenizer = { _ in tinyModel.tokenizer }
        w.run(command: "tokenizers a,b")
        w.run(command: "tokenizers none")
        w.finishJobs()
        #expect(w.arena.entries.count == 0, "the arena closed by the later :tokenizers none came back")
    }

    @Test func theLastModelAskedForIsTheOneShown() {
        let w = makeWorkbench("the cat sat")
        let gate = DispatchSemaphore(value: 0)
        let roberta = Fixtures.model("tiny-roberta-mlm")
        w.loadModel = { path in
            if path == "slow" { gate.wait() }
            return path == "slow" ? tinyModel : try LoadedModel.load(roberta.path)
        }
        w.run(command: "model slow")
        w.run(command: "model \(roberta.path)")
        gate.signal()
        w.finishJobs()
        #expect(w.session.model.directory.standardized == roberta.standardized)
    }
}
