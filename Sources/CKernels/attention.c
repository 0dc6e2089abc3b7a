#include "CKernels.h"
#include <math.h>
#include <stdlib.h>
#include <stddef.h>

// Per-thread scratch for a transposed key block (dh, n), grown as needed.
static __thread float *kt_buf;
static __thread size_t kt_cap;

static float *scratch(size_t n) {
    if (n > kt_cap) {
        free(kt_buf);
        kt_buf = malloc(n * sizeof(float));
        kt_cap = kt_buf ? n : 0;
    }
    return kt_buf;
}

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

// Accumulators stay in registers: 4 key blocks of 8 for QKᵀ, dh/8 (≤ 16) for P·V.
static AVX2 void head_avx2(const float *q, const float *k, const float *v, int n, int ld, int dh,
                           float scale, const float *bias, const float *mask_add, const unsigned char *query_ok,
                           float *probs, float *ctx, int ldc) {
    if (dh % 8 != 0 || dh > 128) { HEAD_BODY return; }
    float *kt = scratch((size_t)dh * (n + 8));
    if (!kt) return;
    for (int j = 0; j < n; j++)
        for (int d = 0; d < dh; d++) kt[(size_t)d * n + j] = k[(size_t)j * ld + d];
    const int vecs = dh / 8;
    for (int i = 0; i < n; i++) {
        float *p = probs + (size_t)i * n;
        const float *qi = q + (size_t)i * ld;
        int j0 = 0;
        while (j0 + 32 <= n) SCORE_CHUNK(4)
        while (j0 + 8 <= n) SCORE_CHUNK(1)
        for (; j0 < n; j0++) {
            float s = 0.0f;
            for (int d = 0; d < dh; d++) s += qi[d] * kt[(size_t)d * n + j0];
            p[j0] = s;
        }
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
        __m256 c[16];
        for (int t = 0; t < vecs; t++) c[t] = _mm256_setzero_ps();
        for (int j = 0; j < n; j++) {
            __m256 pj = _mm256_broadcast_ss(p + j);
            const float *vj = v + (size_t)j * ld;
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
