#include "CKernels.h"
#include <stddef.h>

// DeBERTa-v2/v3 disentangled attention bias: content-to-position and
// position-to-content terms gathered at each pair's (bucketed) distance.
typedef struct {
    const float *qkv, *pos_key, *pos_query;
    const int *bucket;
    float *bias;
    int n, d, dh, span;
    float scale;
} relative_t;

static int clamp_index(int x, int hi) { return x < 0 ? 0 : (x > hi ? hi : x); }

static float dot_generic(const float *a, const float *b, int n) {
    float s = 0.0f;
    for (int t = 0; t < n; t++) s += a[t] * b[t];
    return s;
}

#if defined(__x86_64__)
#include <immintrin.h>
// Eight lanes of FMAs, summed at the end (head widths are multiples of 8).
__attribute__((target("avx2,fma"))) static float dot_avx2(const float *a, const float *b, int n) {
    __m256 acc = _mm256_setzero_ps();
    int t = 0;
    for (; t + 8 <= n; t += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + t), _mm256_loadu_ps(b + t), acc);
    __m128 lo = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    float s = _mm_cvtss_f32(lo);
    for (; t < n; t++) s += a[t] * b[t];
    return s;
}
#endif

static float (*pick_dot(void))(const float *, const float *, int) {
#if defined(__x86_64__)
    if (bs_uses_avx2()) return dot_avx2;
#endif
    return dot_generic;
}

static void relative_range(void *c, int h0, int h1) {
    relative_t *a = c;
    const int n = a->n, d = a->d, dh = a->dh, top = 2 * a->span - 1;
    float (*dot)(const float *, const float *, int) = pick_dot();
    for (int h = h0; h < h1; h++) {
        float *out = a->bias + (size_t)h * n * n;
        for (int i = 0; i < n; i++) {
            const float *q = a->qkv + (size_t)i * 3 * d + h * dh;
            for (int j = 0; j < n; j++) {
                const float *k = a->qkv + (size_t)j * 3 * d + d + h * dh;
                float s = 0.0f;
                if (a->pos_key) {
                    const float *pk = a->pos_key + (size_t)clamp_index(a->bucket[i - j] + a->span, top) * d + h * dh;
                    s += dot(q, pk, dh) / a->scale;
                }
                if (a->pos_query) {
                    const float *pq = a->pos_query + (size_t)clamp_index(a->span - a->bucket[j - i], top) * d + h * dh;
                    s += dot(k, pq, dh) / a->scale;
                }
                out[(size_t)i * n + j] = s;
            }
        }
    }
}

void bs_relative_bias(const float *qkv, int n, int d, int heads, const float *pos_key, const float *pos_query,
                      const int *bucket, int span, float scale, float *bias) {
    relative_t a = {qkv, pos_key, pos_query, bucket, bias, n, d, d / heads, span, scale};
    bs_parallel_for(heads, relative_range, &a, (long)n * n * d >= 20000);
}
