// GEMM on weights packed once at load: panels of 16 output columns, each
// stored k-major ([K][16]), so the micro-kernel broadcasts one input value
// and does two 8-wide FMAs (AVX2) or one 16-wide FMA (AVX-512) per panel and
// k with no horizontal sums.
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

// AVX-512 on the same packed layout: a panel line of 16 floats is one zmm.
// Blocks of R rows x two adjacent panels (2R accumulators of 32 registers;
// P = 1 for a chunk's odd last panel), each lane summed over k in order with
// one FMA per term, then the bias added once: the AVX2 path's bits exactly.
// One thread, GFLOP/s (AVX2 → AVX-512): M=512 K=384 N=1152 126 → 248,
// K=768 N=3072 120 → 235; M=32 K=384 N=1152 118 → 239; M=1 34 → 44; 6 rows of
// attention 133 → 257. Faster at every shape tried but one row at K = 32
// (N = 512: 64 → 58; K = 64: 54 → 59), which the attention kernel never asks
// for (one-row blocks only at n = 1, so N = 1), so no shape falls back.
#define AVX512 __attribute__((target("avx512f")))
// Rows per block: 12 (24 accumulators) beat 6 and 8 by 5-15% at M ≤ 128 (one
// pass over the panels instead of several) and match them within noise at
// M = 512 (6 rows: 2-4% ahead at K=768 N=3072 only).
#define MR512 12

// y[m0..m0+R, n0..n0+16P) = x · P panels (+ bias); `next` (or NULL) is the
// next P panels, prefetched a line of each per k.
#define KERNEL512(R, P)                                                                                              \
    static AVX512 void kernel##R##x##P##zmm(const float *x, int ldx, int K, const float *panel, const float *next,   \
                                            const float *bias, int n0, int N, float *y, int ldy) {                   \
        __m512 c[R][P];                                                                                              \
        for (int i = 0; i < R; i++) for (int q = 0; q < P; q++) c[i][q] = _mm512_setzero_ps();                      \
        for (int k = 0; k < K; k++) {                                                                                \
            __m512 b[P];                                                                                             \
            for (int q = 0; q < P; q++) {                                                                            \
                if (next) _mm_prefetch((const char *)(next + ((size_t)q * K + k) * NR), _MM_HINT_T0);               \
                b[q] = _mm512_loadu_ps(panel + ((size_t)q * K + k) * NR);                                            \
            }                                                                                                        \
            for (int i = 0; i < R; i++) {                                                                            \
                __m512 a = _mm512_set1_ps(x[(size_t)i * ldx + k]);                                                   \
                for (int q = 0; q < P; q++) c[i][q] = _mm512_fmadd_ps(a, b[q], c[i][q]);                             \
            }                                                                                                        \
        }                                                                                                            \
        store_block512(&c[0][0], R, P, bias, n0, N, y, ldy);                                                         \
    }

// c[i·P + q] + bias into row i, panel q; lanes past N masked off (zero bias, no store).
static AVX512 inline void store_block512(const __m512 *c, int rows, int P, const float *bias, int n0, int N, float *y,
                                         int ldy) {
    for (int q = 0; q < P && n0 + q * NR < N; q++) {
        const int c0 = n0 + q * NR, w = N - c0 < NR ? N - c0 : NR;
        const __mmask16 valid = (__mmask16)((1u << w) - 1);
        const __m512 b = bias ? _mm512_maskz_loadu_ps(valid, bias + c0) : _mm512_setzero_ps();
        for (int i = 0; i < rows; i++)
            _mm512_mask_storeu_ps(y + (size_t)i * ldy + c0, valid, _mm512_add_ps(c[i * P + q], b));
    }
}

KERNEL512(1, 1) KERNEL512(2, 1) KERNEL512(3, 1) KERNEL512(4, 1) KERNEL512(5, 1) KERNEL512(6, 1)
KERNEL512(7, 1) KERNEL512(8, 1) KERNEL512(9, 1) KERNEL512(10, 1) KERNEL512(11, 1) KERNEL512(12, 1)
KERNEL512(1, 2) KERNEL512(2, 2) KERNEL512(3, 2) KERNEL512(4, 2) KERNEL512(5, 2) KERNEL512(6, 2)
KERNEL512(7, 2) KERNEL512(8, 2) KERNEL512(9, 2) KERNEL512(10, 2) KERNEL512(11, 2) KERNEL512(12, 2)

// kernels512[P][R]: R rows x P panels.
static const kernel_fn kernels512[3][MR512 + 1] = {
    {NULL},
    {NULL, kernel1x1zmm, kernel2x1zmm, kernel3x1zmm, kernel4x1zmm, kernel5x1zmm, kernel6x1zmm, kernel7x1zmm,
     kernel8x1zmm, kernel9x1zmm, kernel10x1zmm, kernel11x1zmm, kernel12x1zmm},
    {NULL, kernel1x2zmm, kernel2x2zmm, kernel3x2zmm, kernel4x2zmm, kernel5x2zmm, kernel6x2zmm, kernel7x2zmm,
     kernel8x2zmm, kernel9x2zmm, kernel10x2zmm, kernel11x2zmm, kernel12x2zmm},
};

// Panels [p, p + P) of the chunk [p0, p1) from p: two, or one when it is the last.
static inline int panels_at(int p, int p1) { return p + 1 < p1 ? 2 : 1; }

// The next group's panels to prefetch: only a group of the same width (a
// pair followed by the chunk's odd last panel goes without).
static inline const float *next_group(const float *panel, int p, int P, int p1, int K) {
    return p + P < p1 && panels_at(p + P, p1) == P ? panel + (size_t)P * K * NR : NULL;
}

static AVX512 void packed_avx512(const float *x, int M, int K, const float *packed, int N, const float *bias, float *y,
                                 int ldy, int p0, int p1, int activation) {
    for (int p = p0, P; p < p1; p += P) {
        P = panels_at(p, p1);
        const float *panel = packed + (size_t)p * K * NR, *next = next_group(panel, p, P, p1, K);
        // Rows in balanced blocks of at most MR512 (11 + 11 + 10 for 32).
        const int blocks = (M + MR512 - 1) / MR512;
        for (int b = 0, m0 = 0; b < blocks; b++) {
            const int rows = (M - m0) / (blocks - b) + ((M - m0) % (blocks - b) ? 1 : 0);
            kernels512[P][rows](x + (size_t)m0 * K, K, K, panel, m0 == 0 ? next : NULL, bias, p * NR, N,
                                y + (size_t)m0 * ldy, ldy);
            m0 += rows;
        }
        for (int q = 0; activation && q < P; q++) activate_panel(y, M, ldy, (p + q) * NR, N, activation);
    }
}

static AVX512 void rows_avx512(const float *x, int ldx, int rows, int K, const float *packed, int p0, int p1, int N,
                               float *y, int ldy) {
    for (int p = p0, P; p < p1; p += P) {
        P = panels_at(p, p1);
        const float *panel = packed + (size_t)p * K * NR;
        kernels512[P][rows](x, ldx, K, panel, next_group(panel, p, P, p1, K), NULL, p * NR, N, y, ldy);
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

// Whether this CPU can run a path, whatever the environment asks.
static int cpu_has(int isa) {
    switch (isa) {
    case BS_ISA_PORTABLE: return 1;
#if defined(__x86_64__)
    case BS_ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case BS_ISA_AVX512: return cpu_has(BS_ISA_AVX2) && __builtin_cpu_supports("avx512f");
#endif
    default: return 0;
    }
}

static int chosen_isa(void) { return bs_uses_avx512() ? BS_ISA_AVX512 : bs_uses_avx2() ? BS_ISA_AVX2 : BS_ISA_PORTABLE; }

static void rows_on(int isa, const float *x, int ldx, int rows, int K, const float *packed, int p0, int p1, int N,
                    float *y, int ldy) {
#if defined(__x86_64__)
    if (rows >= 1 && rows <= 6 && isa == BS_ISA_AVX512) { rows_avx512(x, ldx, rows, K, packed, p0, p1, N, y, ldy); return; }
    if (rows >= 1 && rows <= 6 && isa == BS_ISA_AVX2) { rows_avx2(x, ldx, rows, K, packed, p0, p1, N, y, ldy); return; }
#endif
    packed_generic(x, ldx, rows, K, packed, N, NULL, y, ldy, p0, p1, 0);
}

static void range_on(int isa, const float *x, int M, int K, const float *packed, int N, const float *bias, float *y,
                     int ldy, int p0, int p1, int activation) {
#if defined(__x86_64__)
    if (isa == BS_ISA_AVX512) { packed_avx512(x, M, K, packed, N, bias, y, ldy, p0, p1, activation); return; }
    if (isa == BS_ISA_AVX2) { packed_avx2(x, M, K, packed, N, bias, y, ldy, p0, p1, activation); return; }
#endif
    packed_generic(x, K, M, K, packed, N, bias, y, ldy, p0, p1, activation);
}

void bs_packed_rows(const float *x, int ldx, int rows, int K, const float *packed, int p0, int p1, int N, float *y,
                    int ldy) {
    rows_on(chosen_isa(), x, ldx, rows, K, packed, p0, p1, N, y, ldy);
}

void bs_linear_packed_range(const float *x, int M, int K, const float *packed, int N, const float *bias, float *y,
                            int ldy, int p0, int p1, int activation) {
    range_on(chosen_isa(), x, M, K, packed, N, bias, y, ldy, p0, p1, activation);
}

int bs_packed_rows_isa(const float *x, int ldx, int rows, int K, const float *packed, int p0, int p1, int N, float *y,
                       int ldy, int isa) {
    if (!cpu_has(isa)) return 0;
    rows_on(isa, x, ldx, rows, K, packed, p0, p1, N, y, ldy);
    return 1;
}

int bs_linear_packed_range_isa(const float *x, int M, int K, const float *packed, int N, const float *bias, float *y,
                               int ldy, int p0, int p1, int activation, int isa) {
    if (!cpu_has(isa)) return 0;
    range_on(isa, x, M, K, packed, N, bias, y, ldy, p0, p1, activation);
    return 1;
}
