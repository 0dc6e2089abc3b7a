import Tokenizers

extension TokenizerStats {
    /// Counts a corpus a line at a time, so a corpus of any length is measured
    /// in memory bounded by its longest line (and the vocabulary).
    public struct Counter {
        let tokenizer: Tokenizer
        private var totals: TokenizerStats
        private var unknownChars: [String: Int] = [:]
        private var pieces = Set<String>()

        public init(_ tokenizer: Tokenizer, name: String) {
            self.tokenizer = tokenizer
            totals = TokenizerStats(name: name)
        }

        /// Adds one line (blank lines are not counted).
        public mutating func add(_ line: String) {
            guard !line.allSatisfy(\.isWhitespace) else { return }
            totals.lines += 1
            let scalars = Array(line.unicodeScalars)
            let tokens = tokenizer.tokenize(line)
            totals.tokens += tokens.count
            totals.characters += scalars.filter { !$0.properties.isWhitespace }.count
            let words = Self.words(scalars)
            totals.words += words.count
            var perWord = [Int](repeating: 0, count: words.count)
            for t in tokens {
                if let w = Self.word(containing: t.span.start, words) { perWord[w] += 1 }
                if t.id == tokenizer.unkId {
                    totals.unknownTokens += 1
                    for c in TokenizerStats.culprits(t, scalars) { unknownChars[c, default: 0] += 1 }
                } else {
                    pieces.insert(TokenizerStats.plain(t.token))
                }
            }
            totals.splitWords += perWord.filter { $0 > 1 }.count
        }

        /// The statistics of the lines added so far.
        public var stats: TokenizerStats {
            var s = totals
            s.unknownCharacters = unknownChars.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10).map {
                ($0.key, $0.value)
            }
            s.longestPieces = pieces.sorted { ($0.unicodeScalars.count, $1) > ($1.unicodeScalars.count, $0) }
                .prefix(5).map { $0 }
            return s
        }

        /// Whitespace-separated words as scalar ranges, in order.
        static func words(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
            var words: [Range<Int>] = []
            var start: Int? = nil
            for (i, c) in scalars.enumerated() {
                if c.properties.isWhitespace {
                    if let b = start { words.append(b..<i); start = nil }
                } else if start == nil {
                    start = i
                }
            }
            if let b = start { words.append(b..<scalars.count) }
            return words
        }

        /// The word holding scalar `p`, by binary search (a linear search per
        /// token made a one-megabyte line take hours).
        static func word(containing p: Int, _ words: [Range<Int>]) -> Int? {
            var lo = 0, hi = words.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if words[mid].upperBound <= p { lo = mid + 1 } else { hi = mid }
            }
            return lo < words.count && words[lo].contains(p) ? lo : nil
        }
    }
}
