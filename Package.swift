// swift-tools-version:6.0
import PackageDescription

// The C kernels are always optimized: even a debug `swift test` runs the encoder
// at useful speed. AVX2/FMA paths are selected at run time, so the binary still
// runs on baseline x86_64.
let kernelFlags: [CSetting] = [.unsafeFlags(["-O3", "-ffp-contract=off"])]

let package = Package(
    name: "BertScope",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bertscope", targets: ["bertscope"]),
        .library(
            name: "BertScopeCore", targets: ["SafeIO", "Checkpoint", "Tokenizers", "Encoder", "Analysis", "Session"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Tests only: property-based and model-based tests.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // Corpus indexes: sentences, tokens and labels in SQLite.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Checked file access for every layer: regular files only, non-blocking
        // opens, size limits, locks, one-line I/O errors.
        .target(name: "SafeIO", dependencies: ["CFaults"]),
        // Signal-safe reporting of mapped files that change under us (SIGBUS).
        .target(name: "CFaults"),
        // Layer 0: mmapped safetensors, config.json, model discovery.
        .target(name: "Checkpoint", dependencies: ["SafeIO", "CFaults"]),
        // Layer 1: HF-exact tokenization: WordPiece, byte-level BPE, Unigram (no model weights needed).
        .target(name: "Tokenizers", dependencies: ["SafeIO"]),
        // Numeric kernels in C: GEMM, LayerNorm, GELU, softmax.
        .target(name: "CKernels", cSettings: kernelFlags),
        // Layer 2: the encoder of every family, producing a full trace.
        .target(name: "Encoder", dependencies: ["Checkpoint", "CKernels"]),
        // Layer 3: analyses: attention views, head statistics, masked LM, probing.
        .target(name: "Analysis", dependencies: ["Encoder", "Checkpoint", "Tokenizers", "CKernels", "SafeIO"]),
        // Layer 4: ModelSession, the one owner of model, input and traces.
        .target(
            name: "Session", dependencies: ["Analysis", "Encoder", "Tokenizers", "Checkpoint", "SafeIO", "CorpusText"]),
        // Corpus rows: files read row by row (plain text, JSONL, CSV/TSV, CoNLL-U; bad rows named, the rest
        // kept) and the matches a search returns (what the session and the workbench see of an index).
        .target(name: "CorpusText", dependencies: ["SafeIO", "Tokenizers", "Analysis"]),
        // FAISS (Debian's libfaiss-dev, a static C++ library) behind a small C interface: approximate search.
        .target(
            name: "CFaiss",
            cxxSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [
                .linkedLibrary("faiss"), .linkedLibrary("blas"), .linkedLibrary("lapack"), .linkedLibrary("gomp"),
                .linkedLibrary("stdc++"),
            ]),
        // Corpus indexes: per-token vectors (F16, mmapped) and an SQLite database; search and shards.
        .target(
            name: "Corpus",
            dependencies: [
                "CorpusText", "Analysis", "Encoder", "Tokenizers", "Checkpoint", "SafeIO", "CKernels", "CFaiss",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // Text cells for the terminal, shared by the workbench and the command line: display width,
        // fitting and cutting with `…`, visible text, bar glyphs, the heat ramp.
        .target(name: "TextCells"),
        // Layer 5: the workbench: state as a value, a derivation step, pure panes drawing into a CellGrid.
        .target(
            name: "WorkbenchUI",
            dependencies: [
                "Session", "Analysis", "Checkpoint", "Tokenizers", "SafeIO", "Figures", "TextCells", "CorpusText",
            ]),
        // Figures: a small vector model written as SVG, HTML and (via libpng + FreeType) PNG.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        .target(name: "Figures", dependencies: ["CPNG", "CFreeType", "SafeIO"]),
        // The only code that talks to ncursesw.
        .systemLibrary(name: "CNCurses", pkgConfig: "ncursesw", providers: [.apt(["libncursesw5-dev"])]),
        .target(name: "TerminalNCurses", dependencies: ["CNCurses", "CFaults", "WorkbenchUI"]),
        .executableTarget(
            name: "bertscope",
            dependencies: [
                "SafeIO", "Checkpoint", "Tokenizers", "CKernels", "Encoder", "Analysis", "Session", "TextCells",
                "WorkbenchUI", "TerminalNCurses", "Corpus", "CorpusText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["Checkpoint"], path: "Tests/TestSupport"),
        .testTarget(name: "SafeIOTests", dependencies: ["SafeIO"]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint", "TestSupport"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "TestSupport"]),
        .testTarget(
            name: "EncoderTests", dependencies: ["Encoder", "Tokenizers", "Checkpoint", "CKernels", "TestSupport"]),
        .testTarget(
            name: "AnalysisTests",
            dependencies: ["Analysis", "Encoder", "Session", "Tokenizers", "TestSupport", "Checkpoint"]),
        .testTarget(
            name: "SessionTests",
            dependencies: ["Session", "Analysis", "Encoder", "Tokenizers", "TestSupport", "Checkpoint"]),
        .testTarget(
            name: "WorkbenchUITests",
            dependencies: [
                "WorkbenchUI", "Session", "Analysis", "Encoder", "Tokenizers", "TestSupport", "Figures", "TextCells",
                "Checkpoint", "SafeIO",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Frames", "update-frames.sh"]),
        .testTarget(name: "TextCellsTests", dependencies: ["TextCells"]),
        .testTarget(
            name: "CorpusTests",
            dependencies: [
                "Corpus", "CorpusText", "Analysis", "Encoder", "Tokenizers", "Checkpoint", "TestSupport", "SafeIO",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures"], exclude: ["Goldens"]),
        .testTarget(
            name: "EndToEndTests", dependencies: ["TestSupport", "Checkpoint", "Encoder", "Tokenizers", "Figures"]),
    ]
)
