import CorpusText
import Foundation
import SafeIO
import Session
import WorkbenchUI

/// A workbench on a loaded model with what ships beside the binary: themes,
/// samples, mean ablation's reference sentences, probes and the gold set.
/// The interactive workbench, `render` and `tour` all start from it.
enum WorkbenchSetup {
    static func themes() -> ThemeLibrary {
        ThemeLibrary(directories: [Resources.directory("Themes")].compactMap { $0 })
    }

    /// The user's tours (`:record` writes there), then the shipped lessons.
    static func tours() -> TourLibrary {
        TourLibrary(
            directories: [TourLibrary.userDirectory]
                + [Resources.directory("Samples")?.appendingPathComponent("tours")].compactMap { $0 })
    }

    static func samples() -> [Sample] {
        guard let dir = Resources.directory("Samples") else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".txt") }
            .sorted()
            .flatMap {
                SampleSets.parse((try? SafeFile.text(dir.appendingPathComponent($0), limit: Limits.corpus)) ?? "")
            }
    }

    /// Mean ablation's reference sentences, for `--ablate-mode mean` and the
    /// workbench: the A sentence of every line of `path` (default:
    /// Samples/teaching.txt; `## Set` headings and `#` comments skipped).
    /// Errors are one line, named for `--reference`.
    static func referenceSentences(_ path: String? = nil) throws -> [String] {
        let url =
            path.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
            ?? Resources.directory("Samples")?.appendingPathComponent("teaching.txt")
        guard let url else {
            throw CommandError("--ablate-mode mean: no --reference given and no Samples/teaching.txt found")
        }
        let text: String
        do { text = try SafeFile.text(url, limit: Limits.corpus) } catch {
            throw CommandError("--reference: \(IOErrorText.describe(error))")
        }
        let sentences = SampleSets.parse(text).map(\.text)
        guard !sentences.isEmpty else { throw CommandError("--reference \(url.path) has no sentences") }
        return sentences
    }

    static func make(
        _ model: LoadedModel, input: SessionInput, theme: Theme, history: History = History(file: nil),
        runsTaskHead: Bool = true, shownWindowOnly: Bool = false, corpus: (any CorpusSearching)? = nil
    ) -> Workbench {
        let session = ModelSession(
            model: model, input: input, runsTaskHead: runsTaskHead, shownWindowOnly: shownWindowOnly, corpus: corpus)
        // Mean ablation averages over the teaching sentences, as `--ablate-mode mean` does by default.
        if let sentences = try? referenceSentences() { session.setReference(sentences) }
        let w = Workbench(session: session, theme: theme, themes: themes(), history: history, samples: samples())
        w.tours = tours()
        // :model and :compare-model load as --model does: with the default model's trained heads.
        w.loadModel = { try ModelOptions.load($0) }
        w.loadProbes()
        w.gold.source = Resources.directory("Samples")?.appendingPathComponent("probing/test.conllu")
        return w
    }
}
