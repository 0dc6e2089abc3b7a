#include "CKernels.h"
#include <math.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

// A per-thread scratch buffer of at least n floats, grown as needed (NULL when
// memory runs out).
typedef struct {
    float *p;
    size_t cap;
} grow_buf;

static float *grow(grow_buf *b, size_t n) {
    if (n > b->cap) {
        free(b->p);
        b->p = malloc(n * sizeof(float));
        b->cap = b->p ? n : 0;
    }
    return b->p;
}

// The head's keys transposed (dh, n).
static __thread grow_buf kt_buf;
static float *scratch(size_t n) { return grow(&kt_buf, n); }

// Scores are computed against Kᵀ so the inner loop runs over keys
// (vectorizable); P·V runs over the head dimension.
#define HEAD_BODY                                                                       \
    float *kt = scratch((size_t)dh * n);                                                \
    if (!kt) return;                                                                    \
    for (int j = 0; j < n; j++)                                                         \
        for (int d = 0; d < dh; d++) kt[(size_t)d * n + j] = k[(size_t)j * ld + d];     \
    for (int i = 0; i < n; i++) {                                                       \
        float *p = probs + (size_t)i * n;                                               \
        const float *qi = q + (size_t)i * ld;                                           \
        for (int j = 0; j < n; j++) p[j] = 0.0f;                                        \
        for (int d = 0; d < dh; d++) {                                                  \
            const float qd = qi[d], *row = kt + (size_t)d * n;                          \
            for (int j = 0; j < n; j++) p[j] += qd * row[j];                            \
        }                                                                               \
        float mx = -INFINITY;                                                           \
        const float *bi = bias ? bias + (size_t)i * n : NULL;                           \
        const int dead = query_ok && !query_ok[i];                                      \
        for (int j = 0; j < n; j++) {                                                   \
            float s = p[j] * scale + (bi ? bi[j] : 0.0f) + (mask_add ? mask_add[j] : 0.0f); \
            if (dead) s = 0.0f;                                                         \
            p[j] = s;                                                                   \
            mx = s > mx ? s : mx;                                                       \
        }                                                                               \
        float inv = 1.0f / bs_exp_shifted_sum(p, n, mx);                                \
        for (int j = 0; j < n; j++) p[j] *= inv;                                        \
        float *c = ctx + (size_t)i * ldc;                                               \
        for (int d = 0; d < dh; d++) c[d] = 0.0f;                                       \
        for (int j = 0; j < n; j++) {                                                   \
            const float pj = p[j], *vj = v + (size_t)j * ld;                            \
            for (int d = 0; d < dh; d++) c[d] += pj * vj[d];                            \
        }                                                                               \
    }

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

// Scores of query row qi against 8·T keys starting at j0, from Kᵀ (dh, n).
#define SCORE_CHUNK(T)                                                                  \
    {                                                                                   \
        __m256 acc[T];                                                                  \
        for (int t = 0; t < T; t++) acc[t] = _mm256_setzero_ps();                       \
        for (int d = 0; d < dh; d++) {                                                  \
            __m256 qd = _mm256_broadcast_ss(qi + d);                                    \
            const float *row = kt + (size_t)d * n + j0;                                 \
            for (int t = 0; t < T; t++) acc[t] = _mm256_fmadd_ps(qd, _mm256_loadu_ps(row + 8 * t), acc[t]); \
        }                                                                               \
        for (int t = 0; t < T; t++) _mm256_storeu_ps(p + j0 + 8 * t, acc[t]);           \
        j0 += 8 * T;                                                                    \
    }

// The head's values made contiguous (n, dh).
static __thread grow_buf v_buf;
static float *vscratch(size_t n) { return grow(&v_buf, n); }

// Softmax of one score row in place (scale, bias, mask; a dead query row is uniform).
static inline void softmax_row(float *p, int n, int i, float scale, const float *bias, const float *mask_add,
                               const unsigned char *query_ok) {
    float mx = -INFINITY;
    const float *bi = bias ? bias + (size_t)i * n : NULL;
    const int dead = query_ok && !query_ok[i];
    for (int j = 0; j < n; j++) {
        float sc = p[j] * scale + (bi ? bi[j] : 0.0f) + (mask_add ? mask_add[j] : 0.0f);
        if (dead) sc = 0.0f;
        p[j] = sc;
        mx = sc > mx ? sc : mx;
    }
    const float inv = 1.0f / bs_exp_shifted_sum(p, n, mx);
    for (int j = 0; j < n; j++) p[j] *= inv;
}

// softmax_row with the scale, bias, mask and max pass and the normalizing
// pass eight lanes at a time: the same operations per entry (mul, then the
// adds that apply), and a max that skips NaN as the scalar test does.
static AVX2 inline void softmax_row_avx2(float *p, int n, int i, float scale, const float *bias,
                                         const float *mask_add, const unsigned char *query_ok) {
    const float *bi = bias ? bias + (size_t)i * n : NULL;
    if (query_ok && !query_ok[i]) { softmax_row(p, n, i, scale, bias, mask_add, query_ok); return; }
    const __m256 vs = _mm256_set1_ps(scale);
    __m256 vmx = _mm256_set1_ps(-INFINITY);
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 sc = _mm256_mul_ps(_mm256_loadu_ps(p + j), vs);
        if (bi) sc = _mm256_add_ps(sc, _mm256_loadu_ps(bi + j));
        if (mask_add) sc = _mm256_add_ps(sc, _mm256_loadu_ps(mask_add + j));
        _mm256_storeu_ps(p + j, sc);
        vmx = _mm256_max_ps(sc, vmx);
    }
    float lanes[8], mx = -INFINITY;
    _mm256_storeu_ps(lanes, vmx);
    for (int t = 0; t < 8; t++) mx = lanes[t] > mx ? lanes[t] : mx;
    for (; j < n; j++) {
        float sc = p[j] * scale;
        if (bi) sc += bi[j];
        if (mask_add) sc += mask_add[j];
        p[j] = sc;
        mx = sc > mx ? sc : mx;
    }
    const float inv = 1.0f / bs_exp_shifted_sum(p, n, mx);
    const __m256 vinv = _mm256_set1_ps(inv);
    for (j = 0; j + 8 <= n; j += 8) _mm256_storeu_ps(p + j, _mm256_mul_ps(_mm256_loadu_ps(p + j), vinv));
    for (; j < n; j++) p[j] *= inv;
}

// out[r][0..16) = Σ_k a[r·a_row + k] · b[k·b_step + 0..16) for four rows r,
// k = 0…K−1 in order, one FMA per term: each b vector loaded once serves four
// rows. QKᵀ (a = queries, b = Kᵀ) and P·V (a = probabilities, b = values)
// are both this tile; row at a time, K and V were streamed from L2 once per
// query (the 512-token bottleneck). The sums run in the one-row kernel's order.
static AVX2 inline void tile4x16(const float *a, size_t a_row, const float *b, size_t b_step, int K, float *out,
                                 size_t out_row) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int k = 0; k < K; k++) {
        const float *bk = b + (size_t)k * b_step;
        const __m256 b0 = _mm256_loadu_ps(bk), b1 = _mm256_loadu_ps(bk + 8);
        __m256 a0 = _mm256_broadcast_ss(a + k), a1 = _mm256_broadcast_ss(a + a_row + k);
        c00 = _mm256_fmadd_ps(a0, b0, c00); c01 = _mm256_fmadd_ps(a0, b1, c01);
        c10 = _mm256_fmadd_ps(a1, b0, c10); c11 = _mm256_fmadd_ps(a1, b1, c11);
        a0 = _mm256_broadcast_ss(a + 2 * a_row + k); a1 = _mm256_broadcast_ss(a + 3 * a_row + k);
        c20 = _mm256_fmadd_ps(a0, b0, c20); c21 = _mm256_fmadd_ps(a0, b1, c21);
        c30 = _mm256_fmadd_ps(a1, b0, c30); c31 = _mm256_fmadd_ps(a1, b1, c31);
    }
    _mm256_storeu_ps(out, c00); _mm256_storeu_ps(out + 8, c01);
    _mm256_storeu_ps(out + out_row, c10); _mm256_storeu_ps(out + out_row + 8, c11);
    _mm256_storeu_ps(out + 2 * out_row, c20); _mm256_storeu_ps(out + 2 * out_row + 8, c21);
    _mm256_storeu_ps(out + 3 * out_row, c30); _mm256_storeu_ps(out + 3 * out_row + 8, c31);
}

// Scores of one query row: 4 key blocks of 8, then single blocks, then scalars.
static AVX2 inline void scores_row(const float *qi, int dh, const float *kt, int n, int j0, float *p) {
    while (j0 + 32 <= n) SCORE_CHUNK(4)
    while (j0 + 8 <= n) SCORE_CHUNK(1)
    for (; j0 < n; j0++) {
        float s = 0.0f;
        for (int d = 0; d < dh; d++) s += qi[d] * kt[(size_t)d * n + j0];
        p[j0] = s;
    }
}

// Queries in blocks of four where the head dimension allows (dh % 16 == 0),
// else one at a time; accumulators stay in registers. Every score and
// context entry is summed in the same order as the one-row kernel.
static AVX2 void head_avx2(const float *q, const float *k, const float *v, int n, int ld, int dh,
                           float scale, const float *bias, const float *mask_add, const unsigned char *query_ok,
                           float *probs, float *ctx, int ldc) {
    if (dh % 8 != 0 || dh > 128) { HEAD_BODY return; }
    float *kt = scratch((size_t)dh * (n + 8)), *vb = vscratch((size_t)n * dh);
    if (!kt || !vb) return;
    for (int j = 0; j < n; j++) {
        for (int d = 0; d < dh; d++) kt[(size_t)d * n + j] = k[(size_t)j * ld + d];
        memcpy(vb + (size_t)j * dh, v + (size_t)j * ld, sizeof(float) * (size_t)dh);
    }
    const int vecs = dh / 8, blocked = dh % 16 == 0 ? n / 4 * 4 : 0;
    for (int i = 0; i < blocked; i += 4) {
        float *p = probs + (size_t)i * n;
        const float *qi = q + (size_t)i * ld;
        int j0 = 0;
        for (; j0 + 16 <= n; j0 += 16) tile4x16(qi, ld, kt + j0, n, dh, p + j0, n);
        // The rest of the keys (fewer than 16) row by row, as the one-row kernel does them.
        for (int r = 0; r < 4; r++) {
            float *pr = p + (size_t)r * n;
            scores_row(qi + (size_t)r * ld, dh, kt, n, j0, pr);
            softmax_row_avx2(pr, n, i + r, scale, bias, mask_add, query_ok);
        }
        float *out = ctx + (size_t)i * ldc;
        for (int d0 = 0; d0 < dh; d0 += 16) tile4x16(p, n, vb + d0, dh, n, out + d0, ldc);
    }
    for (int i = blocked; i < n; i++) {
        float *p = probs + (size_t)i * n;
        const float *qi = q + (size_t)i * ld;
        scores_row(qi, dh, kt, n, 0, p);
        softmax_row_avx2(p, n, i, scale, bias, mask_add, query_ok);
        __m256 c[16];
        for (int t = 0; t < vecs; t++) c[t] = _mm256_setzero_ps();
        for (int j = 0; j < n; j++) {
            __m256 pj = _mm256_broadcast_ss(p + j);
            const float *vj = vb + (size_t)j * dh;
            for (int t = 0; t < vecs; t++) c[t] = _mm256_fmadd_ps(pj, _mm256_loadu_ps(vj + 8 * t), c[t]);
        }
        float *out = ctx + (size_t)i * ldc;
        for (int t = 0; t < vecs; t++) _mm256_storeu_ps(out + 8 * t, c[t]);
    }
}
#endif
static void head_generic(const float *q, const float *k, const float *v, int n, int ld, int dh, float scale,
    const float *bias, const float *mask_add, const unsigned char *query_ok, float *probs, float *ctx, int ldc) { HEAD_BODY }

static void head(const float *q, const float *k, const float *v, int n, int ld, int dh, float scale,
                 const float *bias, const float *mask_add, const unsigned char *query_ok, float *probs, float *ctx, int ldc) {
#if defined(__x86_64__)
    if (bs_uses_avx2()) { head_avx2(q, k, v, n, ld, dh, scale, bias, mask_add, query_ok, probs, ctx, ldc); return; }
#endif
    head_generic(q, k, v, n, ld, dh, scale, bias, mask_add, query_ok, probs, ctx, ldc);
}

typedef struct {
    const float *qkv, *mask, *bias;
    const unsigned char *query_ok;
    float *probs, *ctx;
    int n, d, dh;
    float scale;
} heads_t;

static void heads_range(void *c, int h0, int h1) {
    heads_t *a = c;
    int ld = 3 * a->d;
    size_t nn = (size_t)a->n * a->n;
    for (int h = h0; h < h1; h++)
        head(a->qkv + h * a->dh, a->qkv + a->d + h * a->dh, a->qkv + 2 * a->d + h * a->dh, a->n, ld, a->dh, a->scale,
             a->bias ? a->bias + h * nn : NULL, a->mask, a->query_ok, a->probs + h * nn, a->ctx + h * a->dh, a->d);
}

void bs_attention_heads(const float *qkv, int n, int d, int heads, float scale, const float *mask_add, float *probs, float *ctx) {
    bs_attention_heads_biased(qkv, n, d, heads, scale, NULL, mask_add, NULL, probs, ctx);
}

void bs_attention_heads_biased(const float *qkv, int n, int d, int heads, float scale, const float *bias,
                               const float *mask_add, const unsigned char *query_ok, float *probs, float *ctx) {
    heads_t a = {qkv, mask_add, bias, query_ok, probs, ctx, n, d, d / heads, scale};
    bs_parallel_for(heads, heads_range, &a, (long)n * n * d >= 20000);
}
