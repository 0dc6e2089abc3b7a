import Foundation
import Session
import TestSupport
import Testing

/// What `info` and the model overlay say of a ModernBERT checkpoint (#30).
@Suite struct ModernBertInfoTests {
    /// `info` names the layer pattern, the window and the rotary bases.
    @Test func infoSaysWhichLayersAreLocal() throws {
        let model = try LoadedModel.load(Fixtures.model("tiny-modernbert-mlm").path)
        let info = ModelInfo(model).table
        #expect(
            info.contains(
                "global on layers 1, 3, 5 (rotary θ 160000); local on 2, 4 (|i − j| ≤ 4, θ 10000); pre-LayerNorm, GeGLU"
            ),
            "\(info)")
        #expect(model.sentencePooling == nil && !info.contains("sentences"))
    }
}
