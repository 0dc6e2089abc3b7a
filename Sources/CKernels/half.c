// Half-precision vectors for corpus indexes: conversion (round to nearest
// even, as numpy and Swift's Float16 do) and a scan that scores every row.
#include "CKernels.h"
#include <stddef.h>

static void to_half_generic(const float *x, uint16_t *h, size_t n) {
    for (size_t i = 0; i < n; i++) {
        _Float16 v = (_Float16)x[i];
        __builtin_memcpy(&h[i], &v, 2);
    }
}

static float half_value(uint16_t h) {
    _Float16 v;
    __builtin_memcpy(&v, &h, 2);
    return (float)v;
}

static void dot_norm_generic(const uint16_t *m, int d, const float *q, float *dot, float *norm2) {
    float s = 0, nn = 0;
    for (int k = 0; k < d; k++) {
        float v = half_value(m[k]);
        s += q[k] * v;
        nn += v * v;
    }
    *dot = s;
    *norm2 = nn;
}

#if defined(__x86_64__)
#include <immintrin.h>
#define F16C __attribute__((target("avx2,fma,f16c")))

F16C static void to_half_f16c(const float *x, uint16_t *h, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(h + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    to_half_generic(x + i, h + i, n - i);
}

F16C static float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

F16C static void dot_norm_f16c(const uint16_t *m, int d, const float *q, float *dot, float *norm2) {
    __m256 s = _mm256_setzero_ps(), nn = _mm256_setzero_ps();
    int k = 0;
    for (; k + 8 <= d; k += 8) {
        __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(m + k)));
        s = _mm256_fmadd_ps(_mm256_loadu_ps(q + k), v, s);
        nn = _mm256_fmadd_ps(v, v, nn);
    }
    float ts = hsum(s), tn = hsum(nn);
    for (; k < d; k++) {
        float v = half_value(m[k]);
        ts += q[k] * v;
        tn += v * v;
    }
    *dot = ts;
    *norm2 = tn;
}

static int uses_f16c(void) {
    static int cached = -1;
    if (cached < 0) cached = bs_uses_avx2() && __builtin_cpu_supports("f16c");
    return cached;
}
#else
static int uses_f16c(void) { return 0; }
#define to_half_f16c to_half_generic
#define dot_norm_f16c dot_norm_generic
#endif

void bs_to_half(const float *x, uint16_t *h, size_t n) {
    if (uses_f16c()) to_half_f16c(x, h, n); else to_half_generic(x, h, n);
}

void bs_from_half(const uint16_t *h, float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = half_value(h[i]);
}

typedef struct {
    const uint16_t *m;
    int stride, offset, width;
    const float *q;
    float *dot, *norm2;
} scan_t;

static void scan_range(void *ctx, int begin, int end) {
    scan_t *s = ctx;
    int f16c = uses_f16c();
    for (int r = begin; r < end; r++) {
        const uint16_t *row = s->m + (size_t)r * s->stride + s->offset;
        if (f16c) dot_norm_f16c(row, s->width, s->q, &s->dot[r], &s->norm2[r]);
        else dot_norm_generic(row, s->width, s->q, &s->dot[r], &s->norm2[r]);
    }
}

void bs_half_dot_rows(const uint16_t *m, int rows, int d, const float *q, float *dot, float *norm2) {
    bs_half_dot_rows_span(m, rows, d, 0, d, q, dot, norm2);
}

void bs_half_dot_rows_span(const uint16_t *m, int rows, int stride, int offset, int width, const float *q, float *dot,
                           float *norm2) {
    scan_t s = {m, stride, offset, width, q, dot, norm2};
    bs_parallel_for(rows, scan_range, &s, (long)rows * width >= 1 << 18);
}
