#include "CKernels.h"
#include "fastmath.h"
#include <math.h>
#include <stddef.h>
#include <string.h>

// Kernels of the backward pass (input gradients only: no weight gradients).
// Plain loops in the order that keeps the inner loop contiguous, so the
// compiler vectorizes them; rows are split over the thread pool.

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// y[r][c] += alpha · Σ_k x[r][k] · w[k][c] with any strides: x[r][k] is at
// x + r·xr + k·xk, so one kernel serves x and xᵀ (the attention backward
// multiplies by Pᵀ and dSᵀ without writing them out).
typedef struct {
    const float *x, *w;
    float *y;
    size_t xr, xk, ldw, ldy;
    int M, K, N;
    float alpha;
    // Sum onto y itself in k order (y + Σ; the matmul's accumulate), rather
    // than adding alpha·Σ to it at the end of each tile of k.
    int onto;
} mm_t;

static void mm_generic(const mm_t *a, int i0, int i1, int j0) {
    for (int i = i0; i < i1; i++) {
        float *y = a->y + (size_t)i * a->ldy;
        for (int k = 0; k < a->K; k++) {
            const float v = a->alpha * a->x[(size_t)i * a->xr + (size_t)k * a->xk];
            const float *w = a->w + (size_t)k * a->ldw;
            for (int j = j0; j < a->N; j++) y[j] += v * w[j];
        }
    }
}

#if defined(__x86_64__)
// Rows [i, i + rows) × 16 columns of y from j: the accumulators start from y (summing onto
// it) or from zero, and end stored back (or alpha times them added to y).
__attribute__((target("avx2,fma"), always_inline)) static inline void mm_start(const mm_t *a, __m256 *c, int i,
                                                                                 int rows, int j) {
    for (int r = 0; r < rows; r++) {
        const float *y = a->y + (size_t)(i + r) * a->ldy + j;
        c[2 * r] = a->onto ? _mm256_loadu_ps(y) : _mm256_setzero_ps();
        c[2 * r + 1] = a->onto ? _mm256_loadu_ps(y + 8) : _mm256_setzero_ps();
    }
}

__attribute__((target("avx2,fma"), always_inline)) static inline void mm_finish(const mm_t *a, const __m256 *c, int i,
                                                                                  int rows, int j) {
    const __m256 alpha = _mm256_set1_ps(a->alpha);
    for (int r = 0; r < rows; r++) {
        float *y = a->y + (size_t)(i + r) * a->ldy + j;
        if (a->onto) {
            _mm256_storeu_ps(y, c[2 * r]);
            _mm256_storeu_ps(y + 8, c[2 * r + 1]);
        } else {
            _mm256_storeu_ps(y, _mm256_fmadd_ps(alpha, c[2 * r], _mm256_loadu_ps(y)));
            _mm256_storeu_ps(y + 8, _mm256_fmadd_ps(alpha, c[2 * r + 1], _mm256_loadu_ps(y + 8)));
        }
    }
}

// 6 rows × 16 columns of y in 12 registers (plus 2 for w and 1 broadcast:
// AVX2 has 16): each k loads 2 vectors of w's row and broadcasts 6 x values.
// w points at row k0, column j of w (or of a copy of the tile), rows wstep apart.
__attribute__((target("avx2,fma"))) static void mm_block_avx2(const mm_t *a, int i, int j, int k0, int k1,
                                                              const float *w, size_t wstep) {
    __m256 c[12];
    mm_start(a, c, i, 6, j);
    const float *x = a->x + (size_t)i * a->xr + (size_t)k0 * a->xk;
    const size_t xr = a->xr, xk = a->xk;
    for (int k = k0; k < k1; k++, x += xk, w += wstep) {
        __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8), v;
        v = _mm256_broadcast_ss(x); c[0] = _mm256_fmadd_ps(v, w0, c[0]); c[1] = _mm256_fmadd_ps(v, w1, c[1]);
        v = _mm256_broadcast_ss(x + xr); c[2] = _mm256_fmadd_ps(v, w0, c[2]); c[3] = _mm256_fmadd_ps(v, w1, c[3]);
        v = _mm256_broadcast_ss(x + 2 * xr); c[4] = _mm256_fmadd_ps(v, w0, c[4]); c[5] = _mm256_fmadd_ps(v, w1, c[5]);
        v = _mm256_broadcast_ss(x + 3 * xr); c[6] = _mm256_fmadd_ps(v, w0, c[6]); c[7] = _mm256_fmadd_ps(v, w1, c[7]);
        v = _mm256_broadcast_ss(x + 4 * xr); c[8] = _mm256_fmadd_ps(v, w0, c[8]); c[9] = _mm256_fmadd_ps(v, w1, c[9]);
        v = _mm256_broadcast_ss(x + 5 * xr); c[10] = _mm256_fmadd_ps(v, w0, c[10]); c[11] = _mm256_fmadd_ps(v, w1, c[11]);
    }
    mm_finish(a, c, i, 6, j);
}

// The same for the last 1–5 rows of a range (the 6-row blocks' remainder): vectorized over
// 16 columns like the full blocks, where the scalar loop cost as much as many full blocks.
__attribute__((target("avx2,fma"))) static void mm_tail_avx2(const mm_t *a, int i, int rows, int j, int k0, int k1,
                                                             const float *w, size_t wstep) {
    __m256 c[12];
    mm_start(a, c, i, rows, j);
    const float *x = a->x + (size_t)i * a->xr + (size_t)k0 * a->xk;
    for (int k = k0; k < k1; k++, x += a->xk, w += wstep) {
        __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);
        for (int r = 0; r < rows; r++) {
            __m256 v = _mm256_broadcast_ss(x + r * a->xr);
            c[2 * r] = _mm256_fmadd_ps(v, w0, c[2 * r]);
            c[2 * r + 1] = _mm256_fmadd_ps(v, w1, c[2 * r + 1]);
        }
    }
    mm_finish(a, c, i, rows, j);
}
#endif

// Rows [i0, i1) of y on the calling thread: tiles of w (256 rows × 16
// columns, 16 KB) stay in L1 while every row block uses them. A tile used by
// more than one block is copied to a contiguous buffer first: rows of w a
// power-of-two-ish stride apart (2 KB for Pᵀ at 512 tokens, 12 KB for a
// 3,072-wide weight) fell in a few L1 sets and came from L2 for every block.
// The sums are the same either way.
static __thread float w_tile[256 * 16];

static void mm_rows(const mm_t *a, int i0, int i1) {
#if defined(__x86_64__)
    if (bs_uses_avx2()) {
        int full = i0 + (i1 - i0) / 6 * 6, wide = a->N / 16 * 16;
        const int copy = full - i0 >= 12;
        for (int k0 = 0; k0 < a->K; k0 += 256) {
            int k1 = k0 + 256 < a->K ? k0 + 256 : a->K;
            for (int j = 0; j < wide; j += 16) {
                const float *w = a->w + (size_t)k0 * a->ldw + j;
                size_t step = a->ldw;
                if (copy) {
                    for (int k = 0; k < k1 - k0; k++) memcpy(w_tile + 16 * k, w + (size_t)k * a->ldw, 16 * sizeof(float));
                    w = w_tile;
                    step = 16;
                }
                for (int i = i0; i < full; i += 6) mm_block_avx2(a, i, j, k0, k1, w, step);
                if (full < i1) mm_tail_avx2(a, full, i1 - full, j, k0, k1, w, step);
            }
        }
        if (wide < a->N) mm_generic(a, i0, i1, wide);
        return;
    }
#endif
    mm_generic(a, i0, i1, 0);
}

// The whole product on the calling thread (the attention backward splits by head).
static void mm_serial(const mm_t *a) { mm_rows(a, 0, a->M); }

// y (M, N) = x (M, K, row stride ldx) · W (K, N), or += when accumulating:
// blocks of 6 rows split over the thread pool.
typedef struct {
    mm_t mm;
    int accumulate;
} nn_t;

static void nn_range(void *c, int b0, int b1) {
    nn_t *a = c;
    // Blocks of 6 rows; the last block may be short.
    int i0 = b0 * 6, i1 = b1 * 6 < a->mm.M ? b1 * 6 : a->mm.M;
    if (!a->accumulate)
        for (int i = i0; i < i1; i++) memset(a->mm.y + (size_t)i * a->mm.ldy, 0, sizeof(float) * (size_t)a->mm.N);
    mm_rows(&a->mm, i0, i1);
}

void bs_matmul_nn(const float *x, int ldx, int M, int K, const float *W, int N, float *y, int accumulate) {
    nn_t a = {{x, W, y, (size_t)ldx, 1, (size_t)N, (size_t)N, M, K, N, 1.0f, 1}, accumulate};
    bs_parallel_for((M + 5) / 6, nn_range, &a, (long)M * N * K >= 200000);
}


typedef struct {
    const float *pre, *gamma, *dy;
    float *dx;
    int D, accumulate;
    float eps;
} ln_back_t;

static void ln_back_rows(void *ctx, int m0, int m1);

void bs_layernorm_backward(const float *pre, const float *gamma, const float *dy, float *dx, int M, int D,
                           float eps, int accumulate) {
    ln_back_t a = {pre, gamma, dy, dx, D, accumulate, eps};
    bs_parallel_for(M, ln_back_rows, &a, (long)M * D >= 1 << 15);
}

// Rows are independent: each its own mean, variance and the two means of the chain rule.
static void ln_back_rows(void *ctx, int m0, int m1) {
    const ln_back_t *a = ctx;
    const float *pre = a->pre, *gamma = a->gamma, *dy = a->dy;
    float *dx = a->dx;
    const int D = a->D, accumulate = a->accumulate;
    const float eps = a->eps;
    for (int m = m0; m < m1; m++) {
        const float *x = pre + (size_t)m * D, *g = dy + (size_t)m * D;
        float *o = dx + (size_t)m * D;
        double sum = 0;
        for (int d = 0; d < D; d++) sum += x[d];
        double mean = sum / D, var = 0;
        for (int d = 0; d < D; d++) { double c = x[d] - mean; var += c * c; }
        var /= D;
        const double inv = 1.0 / sqrt(var + (double)eps);
        double mean_g = 0, mean_gx = 0;  // means of dx̂ and dx̂·x̂
        for (int d = 0; d < D; d++) {
            double gh = (double)g[d] * gamma[d], xh = (x[d] - mean) * inv;
            mean_g += gh;
            mean_gx += gh * xh;
        }
        mean_g /= D;
        mean_gx /= D;
        for (int d = 0; d < D; d++) {
            double gh = (double)g[d] * gamma[d], xh = (x[d] - mean) * inv;
            float v = (float)(inv * (gh - mean_g - xh * mean_gx));
            o[d] = accumulate ? o[d] + v : v;
        }
    }
}

static void activation_backward_range(const float *u, float *g, int n, int activation);

#if defined(__x86_64__)
// GELU's derivative Φ(x) + x·φ(x), 8 at a time: e^(−x²/2) serves both the erfc of Φ (A&S 7.1.26,
// as the forward kernel) and the density φ.
static AVX2 void gelu_backward_avx2(const float *u, float *g, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(u + i), gauss;
        __m256 cdf2 = two_phi256(v, &gauss);
        __m256 pdf = _mm256_mul_ps(gauss, _mm256_set1_ps(0.39894228040143268f));
        __m256 dv = _mm256_fmadd_ps(v, pdf, _mm256_mul_ps(_mm256_set1_ps(0.5f), cdf2));
        _mm256_storeu_ps(g + i, _mm256_mul_ps(_mm256_loadu_ps(g + i), dv));
    }
    if (i < n) activation_backward_range(u + i, g + i, n - i, BS_ACT_GELU);
}
#endif

typedef struct {
    const float *u;
    float *g;
    int n, activation;
} act_back_t;

// Blocks of 4096 values: one call of the range function each.
static void act_back_blocks(void *ctx, int b0, int b1) {
    act_back_t *a = ctx;
    for (int b = b0; b < b1; b++) {
        const int i = b * 4096, count = a->n - i < 4096 ? a->n - i : 4096;
#if defined(__x86_64__)
        if (a->activation == BS_ACT_GELU && bs_uses_avx2()) {
            gelu_backward_avx2(a->u + i, a->g + i, count);
            continue;
        }
#endif
        activation_backward_range(a->u + i, a->g + i, count, a->activation);
    }
}

void bs_activation_backward(const float *u, float *g, int n, int activation) {
    act_back_t a = {u, g, n, activation};
    bs_parallel_for((n + 4095) / 4096, act_back_blocks, &a, n >= 1 << 15);
}

static void activation_backward_range(const float *u, float *g, int n, int activation) {
    for (int i = 0; i < n; i++) {
        const float x = u[i];
        float dv;
        switch (activation) {
        case BS_ACT_GELU: {
            // Φ(x) + x·φ(x), with the forward kernel's erf and exp approximations.
            float a = -0.5f * x * x;
            float pdf = exp_poly(a < -87.0f ? -87.0f : a) * 0.39894228040143268f;
            dv = 0.5f * two_phi(x) + x * pdf;
            break;
        }
        case BS_ACT_GELU_TANH: {
            const double c = 0.79788456080286536, x3 = 0.044715 * (double)x * x * x;
            double t = tanh(c * (x + x3));
            dv = (float)(0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * (double)x * x));
            break;
        }
        case BS_ACT_RELU: dv = x > 0.0f ? 1.0f : 0.0f; break;
        case BS_ACT_SILU: {
            float e = exp_poly(x > 87.0f ? -87.0f : (x < -87.0f ? 87.0f : -(x < 0 ? -x : x)));
            float s = x >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);  // σ(x) from e^(−|x|)
            dv = s * (1 + x * (1 - s));
            break;
        }
        case BS_ACT_TANH: {
            double t = tanh((double)x);
            dv = (float)(1 - t * t);
            break;
        }
        default: dv = 1.0f;
        }
        g[i] *= dv;
    }
}

typedef struct {
    const float *qkv, *probs, *dctx;
    float *dqkv, *dscores, *vt;
    int n, d, dh;
    float scale;
} attn_back_t;

// Per head h: dP = dC·Vᵀ, dV = Pᵀ·dC, dS = P ⊙ (dP − Σ_j dP·P), then
// dQ = scale·dS·K and dK = scale·dSᵀ·Q, accumulated into dqkv. Each product
// runs through the register-blocked kernel; Vᵀ (dh × n) is the only copy.
static void attn_back_heads(attn_back_t *a, int h0, int h1) {
    const int n = a->n, d = a->d, dh = a->dh;
    const size_t ld = 3 * (size_t)d;
    for (int h = h0; h < h1; h++) {
        float *vt = a->vt + (size_t)h * dh * n;
        const float *P = a->probs + (size_t)h * n * n;
        float *dS = a->dscores + (size_t)h * n * n;
        const float *Q = a->qkv + h * dh, *K = a->qkv + d + h * dh, *V = a->qkv + 2 * d + h * dh;
        const float *dC = a->dctx + h * dh;
        float *dQ = a->dqkv + h * dh, *dK = a->dqkv + d + h * dh, *dV = a->dqkv + 2 * d + h * dh;
        for (int j = 0; j < n; j++)
            for (int t = 0; t < dh; t++) vt[(size_t)t * n + j] = V[(size_t)j * ld + t];
        memset(dS, 0, sizeof(float) * (size_t)n * n);
        mm_t dp = {dC, vt, dS, (size_t)d, 1, (size_t)n, (size_t)n, n, dh, n, 1.0f, 0};
        mm_serial(&dp);
        for (int i = 0; i < n; i++) {
            const float *p = P + (size_t)i * n;
            float *ds = dS + (size_t)i * n;
            double dot = 0;
            for (int j = 0; j < n; j++) dot += (double)ds[j] * p[j];
            for (int j = 0; j < n; j++) ds[j] = p[j] * (ds[j] - (float)dot);
        }
        mm_t dv = {P, dC, dV, 1, (size_t)n, (size_t)d, ld, n, n, dh, 1.0f, 0};
        mm_serial(&dv);
        mm_t dq = {dS, K, dQ, (size_t)n, 1, ld, ld, n, n, dh, a->scale, 0};
        mm_serial(&dq);
        mm_t dk = {dS, Q, dK, 1, (size_t)n, ld, ld, n, n, dh, a->scale, 0};
        mm_serial(&dk);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void attn_back_heads_avx2(attn_back_t *a, int h0, int h1) {
    attn_back_heads(a, h0, h1);
}
#endif

static void attn_back_range(void *c, int h0, int h1) {
#if defined(__x86_64__)
    if (bs_uses_avx2()) { attn_back_heads_avx2(c, h0, h1); return; }
#endif
    attn_back_heads(c, h0, h1);
}

void bs_attention_backward(const float *qkv, const float *probs, const float *dctx, int n, int d, int heads,
                           float scale, float *dscores, float *scratch, float *dqkv) {
    attn_back_t a = {qkv, probs, dctx, dqkv, dscores, scratch, n, d, d / heads, scale};
    bs_parallel_for(heads, attn_back_range, &a, (long)n * n * d >= 20000);
}

static int clamp_back(int x, int hi) { return x < 0 ? 0 : (x > hi ? hi : x); }

typedef struct {
    const float *dscores, *pos_key, *pos_query;
    const int *bucket;
    float *dqkv;
    int n, d, dh, span;
    float scale;
} rel_back_t;

// DeBERTa's position terms: s_ij += q_i·pk[c2p(i,j)]/scale + k_j·pq[p2c(i,j)]/scale,
// so dq_i += Σ_j dS_ij pk[…]/scale and dk_j += Σ_i dS_ij pq[…]/scale.
static void rel_back_range(void *c, int h0, int h1) {
    rel_back_t *a = c;
    const int n = a->n, d = a->d, dh = a->dh, top = 2 * a->span - 1, ld = 3 * d;
    for (int h = h0; h < h1; h++) {
        const float *dS = a->dscores + (size_t)h * n * n;
        for (int i = 0; i < n; i++) {
            float *dq = a->dqkv + (size_t)i * ld + h * dh;
            for (int j = 0; j < n; j++) {
                const float g = dS[(size_t)i * n + j] / a->scale;
                if (a->pos_key) {
                    const float *pk = a->pos_key + (size_t)clamp_back(a->bucket[i - j] + a->span, top) * d + h * dh;
                    for (int t = 0; t < dh; t++) dq[t] += g * pk[t];
                }
                if (a->pos_query) {
                    float *dk = a->dqkv + (size_t)j * ld + d + h * dh;
                    const float *pq = a->pos_query + (size_t)clamp_back(a->span - a->bucket[j - i], top) * d + h * dh;
                    for (int t = 0; t < dh; t++) dk[t] += g * pq[t];
                }
            }
        }
    }
}

void bs_relative_backward(const float *dscores, int n, int d, int heads, const float *pos_key, const float *pos_query,
                          const int *bucket, int span, float scale, float *dqkv) {
    rel_back_t a = {dscores, pos_key, pos_query, bucket, dqkv, n, d, d / heads, span, scale};
    bs_parallel_for(heads, rel_back_range, &a, (long)n * n * d >= 20000);
}
