import Encoder
import Foundation
import Tokenizers

/// Accuracy of a linear probe on every layer, with the control task
/// (Hewitt & Liang 2019) and Tenney et al.'s expected layer.
public struct ProbeReport: Sendable {
    public let task: String
    public let labels: [String]
    /// layer 0 = embeddings
    public let accuracy: [Double]
    public let controlAccuracy: [Double]
    /// The scalar-mix probe over all layers, when asked for.
    public var mix: MixSummary? = nil
    public var selectivity: [Double] { zip(accuracy, controlAccuracy).map { $0 - $1 } }
    public var bestLayer: Int { accuracy.indices.max { accuracy[$0] < accuracy[$1] } ?? 0 }
    /// Σ ℓ·Δ(ℓ) / Σ Δ(ℓ) over the gains Δ(ℓ) = max(0, acc(ℓ) − acc(ℓ−1)):
    /// where, on average, the layers add what the probe finds.
    public var expectedLayer: Double {
        var num = 0.0, den = 0.0
        for l in 1..<accuracy.count {
            let gain = max(0, accuracy[l] - accuracy[l - 1])
            num += Double(l) * gain
            den += gain
        }
        return den > 0 ? num / den : 0
    }
}

/// What a trained scalar mix says: test accuracy, the layer weights, and
/// their center of gravity (Tenney et al. 2019).
public struct MixSummary: Sendable {
    public let accuracy: Double
    public let weights: [Float]
    public let gamma: Float
    public let centerOfGravity: Double
}

public enum Prober {
    /// Trains one probe per layer for `task` (and its control task) on
    /// train, early-stopping on dev, and scores on test.
    public static func run(
        task: String, train: [LabeledSentence], dev: [LabeledSentence], test: [LabeledSentence],
        features: (train: ProbeFeatures, dev: ProbeFeatures, test: ProbeFeatures),
        kept: (train: [[Bool]], dev: [[Bool]], test: [[Bool]]), options: LogisticRegression.Options = .init()
    ) throws -> ProbeReport {
        try Prober.train(
            task: task, train: train, dev: dev, test: test, features: features, kept: kept, options: options
        ).report
    }

    /// As `run`, also returning the trained task probes (for the cache and the workbench).
    public static func train(
        task: String, train: [LabeledSentence], dev: [LabeledSentence], test: [LabeledSentence],
        features: (train: ProbeFeatures, dev: ProbeFeatures, test: ProbeFeatures),
        kept: (train: [[Bool]], dev: [[Bool]], test: [[Bool]]), options: LogisticRegression.Options = .init(),
        controlAsTask: Bool = false, mix: Bool = false
    ) throws -> TrainedProbes {
        var splits = [train, dev, test]
        LabeledCorpus.addControl(to: &splits, task: task)
        if controlAsTask {
            // Probe the control task itself (its own control is the same task).
            for i in splits.indices {
                for j in splits[i].indices { splits[i][j].labels["controltask"] = splits[i][j].labels["control"] }
            }
            return try Prober.trainPrepared(
                task: "controltask", name: "control", splits: splits, features: features, kept: kept, options: options,
                mix: mix)
        }
        return try Prober.trainPrepared(
            task: task, name: task, splits: splits, features: features, kept: kept, options: options, mix: mix)
    }

    static func trainPrepared(
        task: String, name: String, splits: [[LabeledSentence]],
        features: (train: ProbeFeatures, dev: ProbeFeatures, test: ProbeFeatures),
        kept: (train: [[Bool]], dev: [[Bool]], test: [[Bool]]), options: LogisticRegression.Options,
        mix: Bool = false
    ) throws -> TrainedProbes {
        let labelSet = Array(Set((splits[0] + splits[1] + splits[2]).flatMap { $0.labels[task] ?? [] })).sorted()
        guard !labelSet.isEmpty else { throw EncoderError("the data has no \(task) labels") }
        let index = Dictionary(uniqueKeysWithValues: labelSet.enumerated().map { ($1, $0) })
        func targets(_ sentences: [LabeledSentence], _ kept: [[Bool]], _ name: String) -> [Int] {
            var out: [Int] = []
            for (s, k) in zip(sentences, kept) {
                for (l, keep) in zip(s.labels[name] ?? [], k) where keep { out.append(index[l] ?? 0) }
            }
            return out
        }
        let controlSet = Array(Set(splits.joined().flatMap { $0.labels["control"] ?? [] })).sorted()
        let controlIndex = Dictionary(uniqueKeysWithValues: controlSet.enumerated().map { ($1, $0) })
        func controlTargets(_ sentences: [LabeledSentence], _ kept: [[Bool]]) -> [Int] {
            zip(sentences, kept).flatMap { s, k in
                zip(s.labels["control"] ?? [], k).filter(\.1).map { controlIndex[$0.0] ?? 0 }
            }
        }
        let y = (
            targets(splits[0], kept.train, task), targets(splits[1], kept.dev, task),
            targets(splits[2], kept.test, task)
        )
        let c = (
            controlTargets(splits[0], kept.train), controlTargets(splits[1], kept.dev),
            controlTargets(splits[2], kept.test)
        )
        var acc: [Double] = [], control: [Double] = [], probes: [LogisticRegression] = []
        for l in 0..<features.train.layers {
            var probe = LogisticRegression(classes: labelSet.count, inputs: features.train.width)
            probe.fit(features.train.vectors[l], y.0, devX: features.dev.vectors[l], devY: y.1, options: options)
            acc.append(probe.accuracy(features.test.vectors[l], y.2))
            probes.append(probe)
            var ctl = LogisticRegression(classes: max(1, controlSet.count), inputs: features.train.width)
            ctl.fit(features.train.vectors[l], c.0, devX: features.dev.vectors[l], devY: c.1, options: options)
            control.append(ctl.accuracy(features.test.vectors[l], c.2))
        }
        var report = ProbeReport(task: name, labels: labelSet, accuracy: acc, controlAccuracy: control)
        if mix {
            var m = ScalarMixProbe(layers: features.train.layers, classes: labelSet.count, inputs: features.train.width)
            m.fit(features.train.vectors, y.0, devX: features.dev.vectors, devY: y.1, options: options)
            report.mix = MixSummary(
                accuracy: m.accuracy(features.test.vectors, y.2), weights: m.weights, gamma: m.gamma,
                centerOfGravity: m.centerOfGravity)
        }
        return TrainedProbes(task: name, labels: labelSet, report: report, probes: probes)
    }
}
