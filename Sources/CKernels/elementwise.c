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

void bs_gelu_erf(float *x, int n) {
    for (int i = 0; i < n; i++) x[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
}

void bs_gelu_tanh(float *x, int n) {
    const float c = 0.7978845608028654f;  // sqrt(2/pi)
    for (int i = 0; i < n; i++) {
        float v = x[i];
        x[i] = 0.5f * v * (1.0f + tanhf(c * (v + 0.044715f * v * v * v)));
    }
}

void bs_relu(float *x, int n) {
    for (int i = 0; i < n; i++) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void bs_silu(float *x, int n) {
    for (int i = 0; i < n; i++) x[i] = x[i] / (1.0f + expf(-x[i]));
}
