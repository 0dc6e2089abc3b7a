#include "CKernels.h"
#include <math.h>
#include <stddef.h>

// Statistics in double: LayerNorm over 384-1024 values is where float32
// summation order would otherwise show up against PyTorch.
void bs_add_layernorm(const float *a, const float *residual, float *out, int M, int D,
                      const float *gamma, const float *beta, float eps) {
    for (int m = 0; m < M; m++) {
        const float *ar = a + (size_t)m * D;
        const float *rr = residual ? residual + (size_t)m * D : NULL;
        float *o = out + (size_t)m * D;
        double sum = 0;
        for (int d = 0; d < D; d++) {
            float v = rr ? ar[d] + rr[d] : ar[d];
            o[d] = v;
            sum += v;
        }
        double mean = sum / D, var = 0;
        for (int d = 0; d < D; d++) { double c = o[d] - mean; var += c * c; }
        var /= D;
        float inv = (float)(1.0 / sqrt(var + (double)eps));
        float fmean = (float)mean;
        for (int d = 0; d < D; d++) o[d] = (o[d] - fmean) * inv * gamma[d] + beta[d];
    }
}

#include "fastmath.h"

// GELU with exact erf (glibc erff costs ~25 ns a call): erfc(z) for z >= 0 is
// Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7) times e^(-z^2); using erfc
// directly for x < 0 avoids the cancellation of 1 + erf(x).
static void gelu_erf_generic(float *x, int n) {
    for (int i = 0; i < n; i++) x[i] = 0.5f * x[i] * two_phi(x[i]);
}

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

static AVX2 void gelu_erf_avx2(float *x, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i), gauss;
        __m256 cdf2 = two_phi256(v, &gauss);
        _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), cdf2));
    }
    if (i < n) gelu_erf_generic(x + i, n - i);
}
#endif

void bs_gelu_erf(float *x, int n) {
#if defined(__x86_64__)
    if (bs_uses_avx2()) { gelu_erf_avx2(x, n); return; }
#endif
    gelu_erf_generic(x, n);
}

// GELU with the tanh approximation (gelu_new): 0.5·(1 + tanh u) is the
// logistic σ(2u), computed from e^(-2|u|) so exp only sees [-87, 0]
// (tanhf costs ~8 ns a call; this is the erf path's polynomial).
static void gelu_tanh_generic(float *x, int n) {
    const float c = 0.7978845608028654f;  // sqrt(2/pi)
    for (int i = 0; i < n; i++) {
        float v = x[i];
        float u = c * (v + 0.044715f * v * v * v);
        float a = -2.0f * fabsf(u);
        float e = exp_poly(a < -87.0f ? -87.0f : a);
        float sigma = u >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
        x[i] = v * sigma;
    }
}

#if defined(__x86_64__)
static AVX2 void gelu_tanh_avx2(float *x, int n) {
    int i = 0;
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 v3 = _mm256_mul_ps(_mm256_mul_ps(v, v), v);
        __m256 u = _mm256_mul_ps(_mm256_set1_ps(0.7978845608028654f), _mm256_fmadd_ps(v3, _mm256_set1_ps(0.044715f), v));
        __m256 a = _mm256_max_ps(_mm256_mul_ps(_mm256_set1_ps(-2.0f), _mm256_andnot_ps(sign, u)), _mm256_set1_ps(-87.0f));
        __m256 e = exp256(a);
        __m256 inv = _mm256_div_ps(one, _mm256_add_ps(one, e));
        __m256 sigma = _mm256_blendv_ps(inv, _mm256_mul_ps(e, inv), _mm256_cmp_ps(u, _mm256_setzero_ps(), _CMP_LT_OQ));
        _mm256_storeu_ps(x + i, _mm256_mul_ps(v, sigma));
    }
    if (i < n) gelu_tanh_generic(x + i, n - i);
}
#endif

void bs_gelu_tanh(float *x, int n) {
#if defined(__x86_64__)
    if (bs_uses_avx2()) { gelu_tanh_avx2(x, n); return; }
#endif
    gelu_tanh_generic(x, n);
}

void bs_relu(float *x, int n) {
    for (int i = 0; i < n; i++) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void bs_silu(float *x, int n) {
    for (int i = 0; i < n; i++) x[i] = x[i] / (1.0f + expf(-x[i]));
}

// exp(x - shift) over n values (inputs <= 0 after the shift, as in a
// max-shifted softmax); values below -87 underflow to 0, as expf does.
static float exp_generic(float *x, int n, float shift) {
    float sum = 0.0f;
    for (int i = 0; i < n; i++) {
        float a = x[i] - shift;
        float e = a < -87.0f ? 0.0f : exp_poly(a > 0.0f ? 0.0f : a);
        x[i] = e;
        sum += e;
    }
    return sum;
}
#if defined(__x86_64__)
static AVX2 float exp_avx2(float *x, int n, float shift) {
    int i = 0;
    __m256 acc = _mm256_setzero_ps();
    const __m256 s = _mm256_set1_ps(shift), lo = _mm256_set1_ps(-87.0f), zero = _mm256_setzero_ps();
    for (; i + 8 <= n; i += 8) {
        __m256 a0 = _mm256_sub_ps(_mm256_loadu_ps(x + i), s);
        __m256 a = _mm256_min_ps(_mm256_max_ps(a0, lo), zero);
        __m256 e = _mm256_and_ps(exp256(a), _mm256_cmp_ps(a0, lo, _CMP_GE_OQ));  // underflow to 0, as expf
        _mm256_storeu_ps(x + i, e);
        acc = _mm256_add_ps(acc, e);
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, acc);
    float sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    if (i < n) sum += exp_generic(x + i, n - i, shift);
    return sum;
}
#endif

float bs_exp_shifted_sum(float *x, int n, float shift) {
#if defined(__x86_64__)
    if (bs_uses_avx2()) return exp_avx2(x, n, shift);
#endif
    return exp_generic(x, n, shift);
}

/* Scans in blocks with a branch-free test (x - x is 0 only for finite x), so
   the common all-finite case vectorizes; the block holding a bad value is
   then searched element by element. */
long bs_first_nonfinite(const float *x, long n) {
    const long block = 256;
    for (long start = 0; start < n; start += block) {
        long end = start + block < n ? start + block : n;
        float acc = 0.0f;
        for (long i = start; i < end; i++) acc += (x[i] - x[i]);
        if (acc != 0.0f || acc != acc) {
            for (long i = start; i < end; i++) if (!(x[i] - x[i] == 0.0f)) return i;
        }
    }
    return -1;
}
