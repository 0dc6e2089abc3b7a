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

// The head's keys: transposed (dh, n), or in panels of 16 keys for AVX2.
static __thread grow_buf kt_buf;
static float *scratch(size_t n) { return grow(&kt_buf, n); }

// Scores are computed against Kᵀ so the inner loop runs over keys
// (vectorizable); P·V runs over the head dimension.
#define HEAD_BODY_STRIDED                                                               \
    float *kt = scratch((size_t)dh * n);                                                \
    if (!kt) return;                                                                    \
    for (int j = 0; j < n; j++)                                                         \
        for (int d = 0; d < dh; d++) kt[(size_t)d * n + j] = k[(size_t)j * ld + d];     \
    for (int i = 0; i < n; i++) {                                                       \
        float *p = probs_row(i);                                                        \
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

// The head's values in panels of 16 columns.
static __thread grow_buf v_buf;
static float *vscratch(size_t n) { return grow(&v_buf, n); }

// A block of score rows when the probabilities are not kept.
static __thread grow_buf row_buf;
static float *rowscratch(size_t n) { return grow(&row_buf, n); }

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

// Panels of 16 columns, k-major, zero past `cols` columns: panel p, line k
// holds columns 16p…16p+15 of row k, where column c is source row c (Kᵀ
// from K, `by_rows`) or source column c (V).
static void pack_panels(const float *src, size_t ld, int K, int cols, int by_rows, float *dst) {
    const int panels = (cols + 15) / 16;
    for (int p = 0; p < panels; p++)
        for (int k = 0; k < K; k++) {
            float *o = dst + ((size_t)p * K + k) * 16;
            for (int c = 0; c < 16; c++) {
                const int col = 16 * p + c;
                o[c] = col >= cols ? 0.0f : by_rows ? src[(size_t)col * ld + k] : src[(size_t)k * ld + col];
            }
        }
}

// QKᵀ and P·V as the packed GEMM's register-blocked kernels: queries in
// blocks of at most six rows (balanced, as the GEMM's), keys and value columns
// in panels of 16 (a short last panel padded with zeros and stored in part),
// each panel read in sequence (strided rows of Kᵀ at n = 512 fell in two L1
// sets). Every score and context entry is summed in order, one FMA per term.
static AVX2 void head_avx2(const float *q, const float *k, const float *v, int n, int ld, int dh,
                           float scale, const float *bias, const float *mask_add, const unsigned char *query_ok,
                           float *probs, float *ctx, int ldc) {
    const int kp = (n + 15) / 16, vp = (dh + 15) / 16;
    float *kt = scratch((size_t)kp * 16 * dh), *vb = vscratch((size_t)vp * 16 * n);
    if (!kt || !vb) return;
    pack_panels(k, ld, dh, n, 1, kt);
    pack_panels(v, ld, n, dh, 0, vb);
    // No probabilities wanted (a layer the trace does not keep): one block of rows at a time.
    float *block = probs ? NULL : rowscratch((size_t)6 * n);
    if (!probs && !block) return;
    const int blocks = (n + 5) / 6;
    for (int b = 0, i = 0; b < blocks; b++) {
        const int rows = (n - i) / (blocks - b) + ((n - i) % (blocks - b) ? 1 : 0);
        float *p = probs ? probs + (size_t)i * n : block;
        bs_packed_rows(q + (size_t)i * ld, ld, rows, dh, kt, 0, kp, n, p, n);
        for (int r = 0; r < rows; r++) softmax_row_avx2(p + (size_t)r * n, n, i + r, scale, bias, mask_add, query_ok);
        bs_packed_rows(p, n, rows, n, vb, 0, vp, dh, ctx + (size_t)i * ldc, ldc);
        i += rows;
    }
}
#endif
static __thread grow_buf generic_row_buf;
static void head_generic_rows(const float *q, const float *k, const float *v, int n, int ld, int dh, float scale,
    const float *bias, const float *mask_add, const unsigned char *query_ok, float *probs, float *ctx, int ldc,
    int stride) {
// Row i's scores at probs + i·stride (stride 0: one scratch row for every i).
#define probs_row(i) (probs + (size_t)(i) * stride)
    HEAD_BODY_STRIDED
#undef probs_row
}

static void head_generic(const float *q, const float *k, const float *v, int n, int ld, int dh, float scale,
    const float *bias, const float *mask_add, const unsigned char *query_ok, float *probs, float *ctx, int ldc) {
    // Without probabilities to keep, every row reuses one row of scratch.
    if (!probs) {
        float *row = grow(&generic_row_buf, (size_t)n);
        if (!row) return;
        head_generic_rows(q, k, v, n, ld, dh, scale, bias, mask_add, query_ok, row, ctx, ldc, 0);
        return;
    }
    head_generic_rows(q, k, v, n, ld, dh, scale, bias, mask_add, query_ok, probs, ctx, ldc, n);
}

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
    size_t bias_stride;  // n·n: a bias per head; 0: one bias for every head
} heads_t;

static void heads_range(void *c, int h0, int h1) {
    heads_t *a = c;
    int ld = 3 * a->d;
    size_t nn = (size_t)a->n * a->n;
    for (int h = h0; h < h1; h++)
        head(a->qkv + h * a->dh, a->qkv + a->d + h * a->dh, a->qkv + 2 * a->d + h * a->dh, a->n, ld, a->dh, a->scale,
             a->bias ? a->bias + h * a->bias_stride : NULL, a->mask, a->query_ok, a->probs ? a->probs + h * nn : NULL,
             a->ctx + h * a->dh, a->d);
}

void bs_attention_heads(const float *qkv, int n, int d, int heads, float scale, const float *mask_add, float *probs, float *ctx) {
    bs_attention_heads_biased(qkv, n, d, heads, scale, NULL, mask_add, NULL, probs, ctx);
}

void bs_attention_heads_biased(const float *qkv, int n, int d, int heads, float scale, const float *bias,
                               const float *mask_add, const unsigned char *query_ok, float *probs, float *ctx) {
    heads_t a = {qkv, mask_add, bias, query_ok, probs, ctx, n, d, d / heads, scale, (size_t)n * n};
    bs_parallel_for(heads, heads_range, &a, (long)n * n * d >= 20000);
}

void bs_attention_heads_shared_bias(const float *qkv, int n, int d, int heads, float scale, const float *bias,
                                    float *probs, float *ctx) {
    heads_t a = {qkv, NULL, bias, NULL, probs, ctx, n, d, d / heads, scale, 0};
    bs_parallel_for(heads, heads_range, &a, (long)n * n * d >= 20000);
}

// ModernBERT's local layers: query i sees keys |i − j| ≤ window, so each
// block of rows scores only the keys its rows can see (O(n·w), not O(n²)).
// Entries outside a row's window are exactly the 0 the full kernel's
// −FLT_MAX bias gives them; `probs` (heads, n, n) is written whole when kept,
// or NULL (a block of scratch rows instead).
typedef struct {
    const float *qkv, *mask;
    float *probs, *ctx;
    int n, d, dh, window;
    float scale;
} band_t;

// Softmax of p[a, b) (scale, then the padding mask), zeros in [c0, a) and [b, c1).
static void band_softmax(float *p, int a, int b, int c0, int c1, float scale, const float *mask_add) {
    float mx = -INFINITY;
    for (int j = a; j < b; j++) {
        const float sc = p[j] * scale + (mask_add ? mask_add[j] : 0.0f);
        p[j] = sc;
        mx = sc > mx ? sc : mx;
    }
    const float inv = 1.0f / bs_exp_shifted_sum(p + a, b - a, mx);
    for (int j = a; j < b; j++) p[j] *= inv;
    for (int j = c0; j < a; j++) p[j] = 0.0f;
    for (int j = b; j < c1; j++) p[j] = 0.0f;
}

static void band_head_generic(const float *q, const float *k, const float *v, int n, int ld, int dh, float scale,
                              int w, const float *mask_add, float *probs, float *ctx, int ldc) {
    float *row = probs ? NULL : grow(&generic_row_buf, (size_t)n);
    if (!probs && !row) return;
    for (int i = 0; i < n; i++) {
        float *p = probs ? probs + (size_t)i * n : row;
        const int a = i - w > 0 ? i - w : 0, b = i + w + 1 < n ? i + w + 1 : n;
        for (int j = a; j < b; j++) {
            float s = 0.0f;
            for (int t = 0; t < dh; t++) s += q[(size_t)i * ld + t] * k[(size_t)j * ld + t];
            p[j] = s;
        }
        band_softmax(p, a, b, a, b, scale, mask_add);
        if (probs) {
            for (int j = 0; j < a; j++) p[j] = 0.0f;
            for (int j = b; j < n; j++) p[j] = 0.0f;
        }
        float *c = ctx + (size_t)i * ldc;
        for (int t = 0; t < dh; t++) c[t] = 0.0f;
        for (int j = a; j < b; j++)
            for (int t = 0; t < dh; t++) c[t] += p[j] * v[(size_t)j * ld + t];
    }
}

#if defined(__x86_64__)
static AVX2 void band_head_avx2(const float *q, const float *k, const float *v, int n, int ld, int dh, float scale,
                                int w, const float *mask_add, float *probs, float *ctx, int ldc) {
    const int kp = (n + 15) / 16, vp = (dh + 15) / 16;
    float *kt = scratch((size_t)kp * 16 * dh), *vb = vscratch((size_t)vp * 16 * n);
    float *block = probs ? NULL : rowscratch((size_t)6 * n);
    if (!kt || !vb || (!probs && !block)) return;
    pack_panels(k, ld, dh, n, 1, kt);
    pack_panels(v, ld, n, dh, 0, vb);
    const int blocks = (n + 5) / 6;
    for (int b = 0, i = 0; b < blocks; b++) {
        const int rows = (n - i) / (blocks - b) + ((n - i) % (blocks - b) ? 1 : 0);
        // The keys any row of the block sees, widened to whole panels of 16.
        const int lo = i - w > 0 ? i - w : 0, hi = i + rows + w < n ? i + rows + w : n;
        const int p0 = lo / 16, p1 = (hi + 15) / 16, c0 = 16 * p0, c1 = 16 * p1 < n ? 16 * p1 : n;
        float *p = probs ? probs + (size_t)i * n : block;
        bs_packed_rows(q + (size_t)i * ld, ld, rows, dh, kt, p0, p1, n, p, n);
        for (int r = 0; r < rows; r++) {
            const int row = i + r, a = row - w > lo ? row - w : lo, e = row + w + 1 < hi ? row + w + 1 : hi;
            float *pr = p + (size_t)r * n;
            band_softmax(pr, a, e, c0, c1, scale, mask_add);
            if (probs) {
                memset(pr, 0, (size_t)c0 * sizeof(float));
                memset(pr + c1, 0, (size_t)(n - c1) * sizeof(float));
            }
        }
        // P·V over the block's keys, one panel of value columns at a time (its lines c0 … c1).
        for (int t = 0; t < vp; t++)
            bs_packed_rows(p + c0, n, rows, c1 - c0, vb + ((size_t)t * n + c0) * 16, 0, 1, dh - 16 * t,
                           ctx + (size_t)i * ldc + 16 * t, ldc);
        i += rows;
    }
}
#endif

static void band_range(void *c, int h0, int h1) {
    band_t *a = c;
    const int ld = 3 * a->d;
    const size_t nn = (size_t)a->n * a->n;
    for (int h = h0; h < h1; h++) {
        const float *q = a->qkv + h * a->dh, *k = a->qkv + a->d + h * a->dh, *v = a->qkv + 2 * a->d + h * a->dh;
        float *probs = a->probs ? a->probs + h * nn : NULL, *ctx = a->ctx + h * a->dh;
#if defined(__x86_64__)
        if (bs_uses_avx2()) {
            band_head_avx2(q, k, v, a->n, ld, a->dh, a->scale, a->window, a->mask, probs, ctx, a->d);
            continue;
        }
#endif
        band_head_generic(q, k, v, a->n, ld, a->dh, a->scale, a->window, a->mask, probs, ctx, a->d);
    }
}

void bs_attention_band(const float *qkv, int n, int d, int heads, float scale, int window, const float *mask_add,
                       float *probs, float *ctx) {
    band_t a = {qkv, mask_add, probs, ctx, n, d, d / heads, window, scale};
    const long band = (long)(2 * window + 1) < n ? (long)(2 * window + 1) : n;
    bs_parallel_for(heads, band_range, &a, (long)n * band * d >= 20000);
}
