// GEMM on weights packed once at load: panels of 16 output columns, each
// stored k-major ([K][16]), so the micro-kernel broadcasts one input value
// and does two 8-wide FMAs per k with no horizontal sums.
#include "CKernels.h"
#include <stddef.h>
#include <string.h>

#define NR 16

// The activation epilogue: applied to a finished 16-column panel while it is in L1.
static void activate_panel(float *y, int M, int ldy, int n0, int N, int activation) {
    int w = n0 + NR <= N ? NR : N - n0;
    for (int m = 0; m < M; m++) {
        float *row = y + (size_t)m * ldy + n0;
        switch (activation) {
        case BS_ACT_GELU: bs_gelu_erf(row, w); break;
        case BS_ACT_GELU_TANH: bs_gelu_tanh(row, w); break;
        case BS_ACT_RELU: bs_relu(row, w); break;
        case BS_ACT_SILU: bs_silu(row, w); break;
        default: break;
        }
    }
}

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

// An R x 16 block: y[m0..m0+R, n0..n0+16) = x · panel (+ bias), R = 1..6,
// one specialized function per R so short edge blocks do no wasted work.
// `next` (or NULL) is the panel to prefetch while this one is computed.
#define KERNEL(R)                                                                                   \
    static AVX2 void kernel##R##x16(const float *x, int ldx, int K, const float *panel,             \
                                    const float *next, const float *bias, int n0, int N,            \
                                    float *y, int ldy) {                                            \
        __m256 c[R][2];                                                                             \
        for (int i = 0; i < R; i++) { c[i][0] = _mm256_setzero_ps(); c[i][1] = _mm256_setzero_ps(); } \
        for (int k = 0; k < K; k++) {                                                               \
            if (next) _mm_prefetch((const char *)(next + (size_t)k * NR), _MM_HINT_T0);             \
            __m256 b0 = _mm256_loadu_ps(panel + (size_t)k * NR);                                    \
            __m256 b1 = _mm256_loadu_ps(panel + (size_t)k * NR + 8);                                \
            for (int i = 0; i < R; i++) {                                                           \
                __m256 a = _mm256_broadcast_ss(x + (size_t)i * ldx + k);                            \
                c[i][0] = _mm256_fmadd_ps(a, b0, c[i][0]);                                          \
                c[i][1] = _mm256_fmadd_ps(a, b1, c[i][1]);                                          \
            }                                                                                       \
        }                                                                                           \
        store_block(&c[0][0], R, bias, n0, N, y, ldy);                                              \
    }

static AVX2 inline void store_block(const __m256 *c, int rows, const float *bias, int n0, int N, float *y, int ldy) {
    float bb[16] = {0}, tmp[16];
    if (bias) for (int j = 0; j < NR && n0 + j < N; j++) bb[j] = bias[n0 + j];
    __m256 bias0 = _mm256_loadu_ps(bb), bias1 = _mm256_loadu_ps(bb + 8);
    for (int i = 0; i < rows; i++) {
        __m256 v0 = _mm256_add_ps(c[2 * i], bias0), v1 = _mm256_add_ps(c[2 * i + 1], bias1);
        float *out = y + (size_t)i * ldy + n0;
        if (n0 + NR <= N) {
            _mm256_storeu_ps(out, v0);
            _mm256_storeu_ps(out + 8, v1);
        } else {
            _mm256_storeu_ps(tmp, v0);
            _mm256_storeu_ps(tmp + 8, v1);
            memcpy(out, tmp, sizeof(float) * (size_t)(N - n0));
        }
    }
}

KERNEL(1)
KERNEL(2)
KERNEL(3)
KERNEL(4)
KERNEL(5)
KERNEL(6)

typedef void (*kernel_fn)(const float *, int, int, const float *, const float *, const float *, int, int, float *, int);
static const kernel_fn kernels[7] = {NULL, kernel1x16, kernel2x16, kernel3x16, kernel4x16, kernel5x16, kernel6x16};

static AVX2 void packed_avx2(const float *x, int M, int K, const float *packed, int N, const float *bias,
                             float *y, int ldy, int p0, int p1, int activation) {
    for (int p = p0; p < p1; p++) {
        const float *panel = packed + (size_t)p * K * NR;
        const float *next = p + 1 < p1 ? panel + (size_t)K * NR : NULL;
        // Rows in blocks of at most 6, balanced (32 = 6+6+5+5+5+5): a short
        // block has too few accumulator chains to hide the FMA latency.
        int blocks = (M + 5) / 6;
        for (int b = 0, m0 = 0; b < blocks; b++) {
            int rows = (M - m0) / (blocks - b) + ((M - m0) % (blocks - b) ? 1 : 0);
            kernels[rows](x + (size_t)m0 * K, K, K, panel, m0 == 0 ? next : NULL, bias, p * NR, N, y + (size_t)m0 * ldy, ldy);
            m0 += rows;
        }
        if (activation) activate_panel(y, M, ldy, p * NR, N, activation);
    }
}

static AVX2 void rows_avx2(const float *x, int ldx, int rows, int K, const float *packed, int p0, int p1, int N,
                           float *y, int ldy) {
    for (int p = p0; p < p1; p++) {
        const float *panel = packed + (size_t)p * K * NR;
        kernels[rows](x, ldx, K, panel, p + 1 < p1 ? panel + (size_t)K * NR : NULL, NULL, p * NR, N, y, ldy);
    }
}
#endif

// The portable product, x rows ldx apart.
static void packed_generic(const float *x, int ldx, int M, int K, const float *packed, int N, const float *bias,
                           float *y, int ldy, int p0, int p1, int activation) {
    for (int p = p0; p < p1; p++) {
        const float *panel = packed + (size_t)p * K * NR;
        for (int m = 0; m < M; m++) {
            float acc[NR] = {0};
            const float *xr = x + (size_t)m * ldx;
            for (int k = 0; k < K; k++)
                for (int j = 0; j < NR; j++) acc[j] += xr[k] * panel[(size_t)k * NR + j];
            for (int j = 0; j < NR && p * NR + j < N; j++)
                y[(size_t)m * ldy + p * NR + j] = acc[j] + (bias ? bias[p * NR + j] : 0.0f);
        }
        if (activation) activate_panel(y, M, ldy, p * NR, N, activation);
    }
}

void bs_packed_rows(const float *x, int ldx, int rows, int K, const float *packed, int p0, int p1, int N, float *y,
                    int ldy) {
#if defined(__x86_64__)
    if (bs_uses_avx2() && rows >= 1 && rows <= 6) { rows_avx2(x, ldx, rows, K, packed, p0, p1, N, y, ldy); return; }
#endif
    packed_generic(x, ldx, rows, K, packed, N, NULL, y, ldy, p0, p1, 0);
}

void bs_linear_packed_range(const float *x, int M, int K, const float *packed, int N, const float *bias,
                            float *y, int ldy, int p0, int p1, int activation) {
#if defined(__x86_64__)
    if (bs_uses_avx2()) { packed_avx2(x, M, K, packed, N, bias, y, ldy, p0, p1, activation); return; }
#endif
    packed_generic(x, K, M, K, packed, N, bias, y, ldy, p0, p1, activation);
}
