// Maximum flow on the layered graph of attention flow (Abnar & Zuidema 2020),
// Dinic's algorithm on an implicit graph: node (l, i) is token i at level l
// (0 = the input, `layers` = the source's level); the only edges run from
// (l+1, i) down to (l, j) with capacity cap[l][i][j]. Residual edges back up
// carry the flow already sent. Dense matrices, no adjacency lists: the graph
// is n² edges per layer and every edge is visited by index.
#include "CKernels.h"
#include <string.h>

#define EPS 1e-12

typedef struct {
    const double *cap;
    double *flow;
    int *level, *iter;
    int layers, n, sink;
} bs_flow_graph;

static inline double down_residual(const bs_flow_graph *g, int l, int i, int j) {
    size_t k = ((size_t)(l - 1) * g->n + i) * g->n + j;
    return g->cap[k] - g->flow[k];
}

static inline double up_residual(const bs_flow_graph *g, int l, int i, int k) {
    return g->flow[((size_t)l * g->n + k) * g->n + i];
}

// Level graph from (layers, s); returns whether the sink (0, sink) is reached.
static int bfs(bs_flow_graph *g, int s, int *queue) {
    int n = g->n, total = (g->layers + 1) * n;
    for (int u = 0; u < total; u++) g->level[u] = -1;
    int head = 0, tail = 0, src = g->layers * n + s;
    g->level[src] = 0;
    queue[tail++] = src;
    while (head < tail) {
        int u = queue[head++], l = u / n, i = u % n, next = g->level[u] + 1;
        if (l >= 1) {
            // Above the input only the edge into the sink leads anywhere.
            int j0 = l == 1 ? g->sink : 0, j1 = l == 1 ? g->sink + 1 : n;
            for (int j = j0; j < j1; j++) {
                int v = (l - 1) * n + j;
                if (g->level[v] < 0 && down_residual(g, l, i, j) > EPS) { g->level[v] = next; queue[tail++] = v; }
            }
        }
        if (l >= 1 && l < g->layers) {
            for (int k = 0; k < n; k++) {
                int v = (l + 1) * n + k;
                if (g->level[v] < 0 && up_residual(g, l, i, k) > EPS) { g->level[v] = next; queue[tail++] = v; }
            }
        }
    }
    return g->level[g->sink] >= 0;
}

// One augmenting path of the blocking flow, with current arcs (iter):
// arcs 0..n-1 go down to token j, n..2n-1 back up to token k.
static double push(bs_flow_graph *g, int u, double f) {
    int n = g->n, l = u / n, i = u % n;
    if (u == g->sink) return f;
    for (; g->iter[u] < 2 * n; g->iter[u]++) {
        int a = g->iter[u];
        if (a < n) {
            if (l < 1 || (l == 1 && a != g->sink)) continue;
            int v = (l - 1) * n + a;
            double r = down_residual(g, l, i, a);
            if (r > EPS && g->level[v] == g->level[u] + 1) {
                double got = push(g, v, f < r ? f : r);
                if (got > 0) { g->flow[((size_t)(l - 1) * n + i) * n + a] += got; return got; }
            }
        } else {
            int k = a - n;
            if (l < 1 || l >= g->layers) continue;
            int v = (l + 1) * n + k;
            double r = up_residual(g, l, i, k);
            if (r > EPS && g->level[v] == g->level[u] + 1) {
                double got = push(g, v, f < r ? f : r);
                if (got > 0) { g->flow[((size_t)l * n + k) * n + i] -= got; return got; }
            }
        }
    }
    return 0;
}

double bs_layered_max_flow(const double *cap, int layers, int n, int source, int sink, double *flow, int *scratch) {
    bs_flow_graph g = {cap, flow, scratch, scratch + (layers + 1) * n, layers, n, sink};
    int *queue = scratch + 2 * (layers + 1) * n;
    memset(flow, 0, sizeof(double) * (size_t)layers * n * n);
    double total = 0;
    int src = layers * n + source;
    while (bfs(&g, source, queue)) {
        memset(g.iter, 0, sizeof(int) * (size_t)(layers + 1) * n);
        double f;
        while ((f = push(&g, src, 1e300)) > 0) total += f;
    }
    return total;
}
