#include "CKernels.h"
#include <stddef.h>
#include <stdlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

static AVX2 inline float hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}

// A 4x4 block of dot products between rows of x and rows of W, K-contiguous.
// Edge blocks repeat the last valid row and store only the valid part.
static AVX2 void linear_avx2(const float *x, int M, int K, const float *W, int N, const float *bias, float *y, int ldy) {
    const int K8 = K & ~7;
    for (int n0 = 0; n0 < N; n0 += 4) {
        const float *w[4];
        for (int j = 0; j < 4; j++) w[j] = W + (size_t)(n0 + j < N ? n0 + j : N - 1) * K;
        for (int m0 = 0; m0 < M; m0 += 4) {
            const float *a[4];
            for (int i = 0; i < 4; i++) a[i] = x + (size_t)(m0 + i < M ? m0 + i : M - 1) * K;
            __m256 acc[4][4];
            for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) acc[i][j] = _mm256_setzero_ps();
            for (int k = 0; k < K8; k += 8) {
                __m256 wv0 = _mm256_loadu_ps(w[0] + k), wv1 = _mm256_loadu_ps(w[1] + k);
                __m256 wv2 = _mm256_loadu_ps(w[2] + k), wv3 = _mm256_loadu_ps(w[3] + k);
                for (int i = 0; i < 4; i++) {
                    __m256 av = _mm256_loadu_ps(a[i] + k);
                    acc[i][0] = _mm256_fmadd_ps(av, wv0, acc[i][0]);
                    acc[i][1] = _mm256_fmadd_ps(av, wv1, acc[i][1]);
                    acc[i][2] = _mm256_fmadd_ps(av, wv2, acc[i][2]);
                    acc[i][3] = _mm256_fmadd_ps(av, wv3, acc[i][3]);
                }
            }
            for (int i = 0; i < 4 && m0 + i < M; i++) {
                for (int j = 0; j < 4 && n0 + j < N; j++) {
                    float s = hsum256(acc[i][j]);
                    for (int k = K8; k < K; k++) s += a[i][k] * w[j][k];
                    y[(size_t)(m0 + i) * ldy + n0 + j] = s + (bias ? bias[n0 + j] : 0.0f);
                }
            }
        }
    }
}

static int env_set(const char *name) {
    const char *v = getenv(name);
    return v && *v && *v != '0';
}

// BERTSCOPE_NO_AVX2=1 forces the portable kernels (tests check both agree).
int bs_uses_avx2(void) {
    static int cached = -1;
    if (cached < 0)
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && !env_set("BERTSCOPE_NO_AVX2");
    return cached;
}

// BERTSCOPE_NO_AVX512=1 keeps the packed GEMM on AVX2 (the same bits, for timing).
int bs_uses_avx512(void) {
    static int cached = -1;
    if (cached < 0) cached = bs_uses_avx2() && __builtin_cpu_supports("avx512f") && !env_set("BERTSCOPE_NO_AVX512");
    return cached;
}
#else
int bs_uses_avx2(void) { return 0; }
int bs_uses_avx512(void) { return 0; }
#endif

// Portable path: 8 partial sums per dot product so the compiler vectorizes.
static void linear_generic(const float *x, int M, int K, const float *W, int N, const float *bias, float *y, int ldy) {
    for (int n = 0; n < N; n++) {
        const float *w = W + (size_t)n * K;
        for (int m = 0; m < M; m++) {
            const float *a = x + (size_t)m * K;
            float part[8] = {0};
            int k = 0;
            for (; k + 8 <= K; k += 8)
                for (int l = 0; l < 8; l++) part[l] += a[k + l] * w[k + l];
            float s = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
            for (; k < K; k++) s += a[k] * w[k];
            y[(size_t)m * ldy + n] = s + (bias ? bias[n] : 0.0f);
        }
    }
}

void bs_linear(const float *x, int M, int K, const float *W, int N, const float *bias, float *y, int ldy) {
    if (M <= 0 || N <= 0) return;
#if defined(__x86_64__)
    if (bs_uses_avx2()) { linear_avx2(x, M, K, W, N, bias, y, ldy); return; }
#endif
    linear_generic(x, M, K, W, N, bias, y, ldy);
}
