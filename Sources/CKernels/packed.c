// GEMM on weights packed once at load: panels of 16 output columns, each
// stored k-major ([K][16]), so the micro-kernel broadcasts one input value
// and does two 8-wide FMAs per k with no horizontal sums.
#include "CKernels.h"
#include <stddef.h>
#include <string.h>

#define NR 16

size_t bs_packed_size(int N, int K) { return (size_t)((N + NR - 1) / NR) * NR * (size_t)K; }

void bs_pack(const float *W, int N, int K, float *out) {
    int panels = (N + NR - 1) / NR;
    for (int p = 0; p < panels; p++) {
        float *dst = out + (size_t)p * K * NR;
        for (int k = 0; k < K; k++) {
            for (int j = 0; j < NR; j++) {
                int n = p * NR + j;
                dst[(size_t)k * NR + j] = n < N ? W[(size_t)n * K + k] : 0.0f;
            }
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

// rows x 16 block: y[m0..m0+rows, n0..n0+16) = x · panel (+ bias), rows <= 6.
static AVX2 inline void kernel6x16(const float *x, int ldx, int rows, int K, const float *panel,
                                   const float *bias, int n0, int N, float *y, int ldy) {
    __m256 c[6][2];
    for (int i = 0; i < 6; i++) { c[i][0] = _mm256_setzero_ps(); c[i][1] = _mm256_setzero_ps(); }
    const float *xr[6];
    for (int i = 0; i < 6; i++) xr[i] = x + (size_t)(i < rows ? i : rows - 1) * ldx;
    for (int k = 0; k < K; k++) {
        __m256 b0 = _mm256_loadu_ps(panel + (size_t)k * NR), b1 = _mm256_loadu_ps(panel + (size_t)k * NR + 8);
        __m256 a;
        a = _mm256_broadcast_ss(xr[0] + k); c[0][0] = _mm256_fmadd_ps(a, b0, c[0][0]); c[0][1] = _mm256_fmadd_ps(a, b1, c[0][1]);
        a = _mm256_broadcast_ss(xr[1] + k); c[1][0] = _mm256_fmadd_ps(a, b0, c[1][0]); c[1][1] = _mm256_fmadd_ps(a, b1, c[1][1]);
        a = _mm256_broadcast_ss(xr[2] + k); c[2][0] = _mm256_fmadd_ps(a, b0, c[2][0]); c[2][1] = _mm256_fmadd_ps(a, b1, c[2][1]);
        a = _mm256_broadcast_ss(xr[3] + k); c[3][0] = _mm256_fmadd_ps(a, b0, c[3][0]); c[3][1] = _mm256_fmadd_ps(a, b1, c[3][1]);
        a = _mm256_broadcast_ss(xr[4] + k); c[4][0] = _mm256_fmadd_ps(a, b0, c[4][0]); c[4][1] = _mm256_fmadd_ps(a, b1, c[4][1]);
        a = _mm256_broadcast_ss(xr[5] + k); c[5][0] = _mm256_fmadd_ps(a, b0, c[5][0]); c[5][1] = _mm256_fmadd_ps(a, b1, c[5][1]);
    }
    float tmp[16];
    for (int i = 0; i < rows; i++) {
        if (bias) {
            float bb[16] = {0};
            for (int j = 0; j < NR && n0 + j < N; j++) bb[j] = bias[n0 + j];
            c[i][0] = _mm256_add_ps(c[i][0], _mm256_loadu_ps(bb));
            c[i][1] = _mm256_add_ps(c[i][1], _mm256_loadu_ps(bb + 8));
        }
        float *out = y + (size_t)i * ldy + n0;
        if (n0 + NR <= N) {
            _mm256_storeu_ps(out, c[i][0]);
            _mm256_storeu_ps(out + 8, c[i][1]);
        } else {
            _mm256_storeu_ps(tmp, c[i][0]);
            _mm256_storeu_ps(tmp + 8, c[i][1]);
            memcpy(out, tmp, sizeof(float) * (size_t)(N - n0));
        }
    }
}

static AVX2 void packed_avx2(const float *x, int M, int K, const float *packed, int N, const float *bias,
                             float *y, int ldy, int p0, int p1) {
    for (int p = p0; p < p1; p++) {
        const float *panel = packed + (size_t)p * K * NR;
        for (int m0 = 0; m0 < M; m0 += 6) {
            int rows = M - m0 < 6 ? M - m0 : 6;
            kernel6x16(x + (size_t)m0 * K, K, rows, K, panel, bias, p * NR, N, y + (size_t)m0 * ldy, ldy);
        }
    }
}
#endif

static void packed_generic(const float *x, int M, int K, const float *packed, int N, const float *bias,
                           float *y, int ldy, int p0, int p1) {
    for (int p = p0; p < p1; p++) {
        const float *panel = packed + (size_t)p * K * NR;
        for (int m = 0; m < M; m++) {
            float acc[NR] = {0};
            const float *xr = x + (size_t)m * K;
            for (int k = 0; k < K; k++)
                for (int j = 0; j < NR; j++) acc[j] += xr[k] * panel[(size_t)k * NR + j];
            for (int j = 0; j < NR && p * NR + j < N; j++)
                y[(size_t)m * ldy + p * NR + j] = acc[j] + (bias ? bias[p * NR + j] : 0.0f);
        }
    }
}

void bs_linear_packed_range(const float *x, int M, int K, const float *packed, int N, const float *bias,
                            float *y, int ldy, int p0, int p1) {
#if defined(__x86_64__)
    if (bs_uses_avx2()) { packed_avx2(x, M, K, packed, N, bias, y, ldy, p0, p1); return; }
#endif
    packed_generic(x, M, K, packed, N, bias, y, ldy, p0, p1);
}
