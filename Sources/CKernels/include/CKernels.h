// Numeric kernels for the encoder: flat row-major float arrays, shapes in
// the comments (llm.c style). Every function is allocation-free.
#ifndef BERTSCOPE_CKERNELS_H
#define BERTSCOPE_CKERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

// y (M, ldy) [:, 0:N] = x (M, K) · W (N, K)ᵀ + bias (N) — a PyTorch Linear with
// its weight used in place. bias may be NULL.
void bs_linear(const float *x, int M, int K, const float *W, int N, const float *bias, float *y, int ldy);

// out (M, D) = LayerNorm(a + residual) with gamma/beta (D); residual may be NULL.
// out may alias a or residual.
void bs_add_layernorm(const float *a, const float *residual, float *out, int M, int D,
                      const float *gamma, const float *beta, float eps);

// In-place activations over n values.
void bs_gelu_erf(float *x, int n);
void bs_gelu_tanh(float *x, int n);
void bs_relu(float *x, int n);
void bs_silu(float *x, int n);

// One attention head. q, k, v: (n, ld) with the head's dh columns at the
// given pointers; mask_add (n) is added to every row of scores (NULL = none).
// probs (n, n) receives softmax(q·kᵀ·scale + mask); ctx (n, ldc) receives probs·v.
void bs_attention_head(const float *q, const float *k, const float *v, int n, int ld, int dh,
                       float scale, const float *mask_add, float *probs, float *ctx, int ldc);

// 1 when the AVX2+FMA paths are in use (for `bench` to report).
int bs_uses_avx2(void);

#ifdef __cplusplus
}
#endif
#endif
