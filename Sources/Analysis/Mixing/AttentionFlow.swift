import Encoder

/// Attention flow (Abnar & Zuidema 2020): the layers as a graph — one node
/// per token and layer boundary, each layer's edges weighted by its
/// head-mean attention with the residual added and rows renormalised,
/// ½A + ½I — and entry (i, j) the maximum flow from token i after `layer`
/// down to input token j, each row normalised to sum to 1.
public enum AttentionFlow {
    public static func map(_ t: Trace, throughLayer layer: Int) -> AttentionMap {
        let n = t.tokens, levels = layer + 2
        var graph = FlowGraph(nodes: levels * n)
        for l in 0...layer {
            let a = AttentionViews.withResidual(t, layer: l)
            // From token i above layer l to token j below it.
            for i in 0..<n {
                for j in 0..<n where a[i * n + j] > 0 {
                    graph.add((l + 1) * n + i, l * n + j, Double(a[i * n + j]))
                }
            }
        }
        var out = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            var row = (0..<n).map { j in graph.maxFlow(from: (layer + 1) * n + i, to: j) }
            let sum = row.reduce(0, +)
            if sum > 0 { row = row.map { $0 / sum } }
            for j in 0..<n { out[i * n + j] = Float(row[j]) }
        }
        return AttentionMap(size: n, values: out)
    }
}

/// Dinic's maximum flow on a small directed graph with real capacities; each
/// query starts from the original capacities.
struct FlowGraph {
    struct Edge { var to: Int, capacity: Double, reverse: Int }
    private var edges: [[Edge]]

    init(nodes: Int) { edges = [[Edge]](repeating: [], count: nodes) }

    mutating func add(_ from: Int, _ to: Int, _ capacity: Double) {
        edges[from].append(Edge(to: to, capacity: capacity, reverse: edges[to].count))
        edges[to].append(Edge(to: from, capacity: 0, reverse: edges[from].count - 1))
    }

    func maxFlow(from s: Int, to t: Int) -> Double {
        var g = edges, total = 0.0
        let count = g.count
        while true {
            var level = [Int](repeating: -1, count: count)
            level[s] = 0
            var queue = [s], head = 0
            while head < queue.count {
                let u = queue[head]
                head += 1
                for e in g[u] where e.capacity > 1e-12 && level[e.to] < 0 {
                    level[e.to] = level[u] + 1
                    queue.append(e.to)
                }
            }
            if level[t] < 0 { return total }
            var next = [Int](repeating: 0, count: count)
            func push(_ u: Int, _ f: Double) -> Double {
                if u == t { return f }
                while next[u] < g[u].count {
                    let k = next[u], e = g[u][k]
                    if e.capacity > 1e-12 && level[e.to] == level[u] + 1 {
                        let pushed = push(e.to, min(f, e.capacity))
                        if pushed > 0 {
                            g[u][k].capacity -= pushed
                            g[e.to][e.reverse].capacity += pushed
                            return pushed
                        }
                    }
                    next[u] += 1
                }
                return 0
            }
            while true {
                let f = push(s, .infinity)
                if f <= 0 { break }
                total += f
            }
        }
    }
}
