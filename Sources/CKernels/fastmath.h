// Shared scalar approximations of the kernels (internal header).
#ifndef BERTSCOPE_FASTMATH_H
#define BERTSCOPE_FASTMATH_H

// e^a for a in [-87, 0]: Cephes-style range reduction and polynomial
// (relative error ~1e-7). The AVX2 paths use the same constants.
static inline float exp_poly(float a) {
    float k = (a * 1.44269504f + 12582912.0f) - 12582912.0f;
    float r = (a - k * 0.693359375f) + k * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = (p * r) * r + r + 1.0f;
    union { int i; float f; } scale = { .i = ((int)k + 127) << 23 };
    return p * scale.f;
}

// 1 + erf(v / √2) = 2Φ(v): erfc by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7) times e^(−z²),
// erfc itself for v < 0 (no cancellation in 1 + erf).
static inline float two_phi(float v) {
    float z = (v < 0 ? -v : v) * 0.70710678118654752f;
    float t = 1.0f / (1.0f + 0.3275911f * z);
    float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    float a = -z * z;
    float erfc_z = poly * exp_poly(a < -87.0f ? -87.0f : a);
    return v < 0.0f ? erfc_z : 2.0f - erfc_z;
}

#if defined(__x86_64__)
#include <immintrin.h>
#ifndef AVX2
#define AVX2 __attribute__((target("avx2,fma")))
#endif

// e^a for a in [-87, 0] (callers clamp), the same polynomial as the scalar code.
static AVX2 inline __m256 exp256(__m256 a) {
    const __m256 k = _mm256_sub_ps(_mm256_fmadd_ps(a, _mm256_set1_ps(1.44269504f), _mm256_set1_ps(12582912.0f)), _mm256_set1_ps(12582912.0f));
    __m256 r = _mm256_add_ps(_mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), a), _mm256_mul_ps(k, _mm256_set1_ps(2.12194440e-4f)));
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(p, r), r, r), _mm256_set1_ps(1.0f));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

// 2Φ(v) = 1 + erf(v / √2), 8 at a time, as `two_phi`; `*gauss` gets e^(−v²/2), which GELU's
// derivative reuses for the density φ.
static AVX2 inline __m256 two_phi256(__m256 v, __m256 *gauss) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 z = _mm256_mul_ps(_mm256_andnot_ps(sign, v), _mm256_set1_ps(0.70710678118654752f));
    __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(z, _mm256_set1_ps(0.3275911f), _mm256_set1_ps(1.0f)));
    __m256 poly = _mm256_fmadd_ps(t, _mm256_set1_ps(1.061405429f), _mm256_set1_ps(-1.453152027f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(1.421413741f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(-0.284496736f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(0.254829592f));
    poly = _mm256_mul_ps(poly, t);
    __m256 e = exp256(_mm256_max_ps(_mm256_mul_ps(_mm256_xor_ps(z, sign), z), _mm256_set1_ps(-87.0f)));
    *gauss = e;
    __m256 erfc = _mm256_mul_ps(poly, e);
    __m256 neg = _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ);
    return _mm256_blendv_ps(_mm256_sub_ps(_mm256_set1_ps(2.0f), erfc), erfc, neg);
}
#endif

#endif
