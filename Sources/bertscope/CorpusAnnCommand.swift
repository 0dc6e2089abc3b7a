import ArgumentParser
import Corpus
import Foundation

struct CorpusAnnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ann",
        abstract: "Build a FAISS index (HNSW or IVF) of one stored layer, for corpus search --approximate.",
        discussion: """
            Exact search scans every vector (20 ms for 300,000 tokens); for millions, an approximate \
            index answers in about a millisecond. HNSW (32 links a node) needs no training; IVF trains \
            √n·4 k-means cells on 40 rows a cell (at least 100,000) and scans 32 of them. Written beside the \
            vectors as index.layer-L.KIND.faiss. bertscope bench --ann measures recall against exact.
            """
    )
    @Option(name: .long, help: ArgumentHelp("The index directory.", valueName: "DIR")) var index: String
    @Option(name: .long, help: "The stored layer to index.") var layer: Int
    @Option(name: .long, help: "hnsw or ivf.") var kind = "hnsw"

    func run() throws {
        try reportingErrors {
            guard let k = ApproximateIndex.Kind(rawValue: kind) else {
                throw CommandError("--kind is hnsw or ivf, not \"\(kind)\"")
            }
            let idx = try CorpusIndex(files: IndexFiles(directory: directoryURL(index)))
            let started = Date()
            let url = try idx.buildApproximate(layer: layer, kind: k) { done, total in
                progressBar("adding to \(k.rawValue)", done, total, started: started)
            }
            printText(
                "built \(k.rawValue) over \(idx.tokenCount) vectors of layer \(layer) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s → \(url.path)"
            )
        }
    }
}
