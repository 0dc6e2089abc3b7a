// Numeric kernels for the encoder: flat row-major float arrays, shapes in
// the comments (llm.c style). Every function is allocation-free.
#ifndef BERTSCOPE_CKERNELS_H
#define BERTSCOPE_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

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
/* Index of the first NaN or infinity in x[0..n), or -1 when all are finite. */
long bs_first_nonfinite(const float *x, long n);

// x[i] = exp(x[i] - shift) for n values, vectorized; returns their sum.
float bs_exp_shifted_sum(float *x, int n, float shift);

// Packed weights: W (N, K) rearranged once into 16-column panels, k-major.
size_t bs_packed_size(int N, int K);
void bs_pack(const float *W, int N, int K, float *out);
// Activations a packed GEMM can apply in its epilogue.
enum { BS_ACT_NONE = 0, BS_ACT_GELU = 1, BS_ACT_GELU_TANH = 2, BS_ACT_RELU = 3, BS_ACT_SILU = 4 };
// y (M, ldy)[:, 0:N] = act(x (M, K) · Wᵀ + bias), W given packed; threaded over panels.
void bs_linear_packed(const float *x, int M, int K, const float *packed, int N, const float *bias, float *y, int ldy, int activation);
// The same over panels [p0, p1) on the calling thread.
void bs_linear_packed_range(const float *x, int M, int K, const float *packed, int N, const float *bias,
                            float *y, int ldy, int p0, int p1, int activation);
// One block of rows (at most 6) against panels [p0, p1) of a packed (N, K)
// matrix on the calling thread, no bias: y (rows, ldy)[:, 16·p0 : min(16·p1, N)]
// = x (rows, ldx)[:, 0:K] · Wᵀ. The attention kernel's QKᵀ and P·V blocks.
void bs_packed_rows(const float *x, int ldx, int rows, int K, const float *packed, int p0, int p1, int N, float *y,
                    int ldy);
// The instruction sets the packed GEMM runs on.
enum { BS_ISA_PORTABLE = 0, BS_ISA_AVX2 = 1, BS_ISA_AVX512 = 2 };
// The two above on a chosen path, whatever the dispatch picked (tests compare
// the paths): 0, with nothing computed, when the CPU lacks that path, else 1.
int bs_linear_packed_range_isa(const float *x, int M, int K, const float *packed, int N, const float *bias,
                               float *y, int ldy, int p0, int p1, int activation, int isa);
int bs_packed_rows_isa(const float *x, int ldx, int rows, int K, const float *packed, int p0, int p1, int N,
                       float *y, int ldy, int isa);
// bs_add_layernorm with rows split across the thread pool.
void bs_add_layernorm_parallel(const float *a, const float *residual, float *out, int M, int D,
                               const float *gamma, const float *beta, float eps);
// Threads used by bs_linear_packed (set before the first call; default 1).
void bs_set_threads(int n);
int bs_threads(void);

// Every head of one layer from a fused qkv (n, 3d) buffer: probs (H, n, n),
// ctx (n, d). Heads are split across the thread pool.
void bs_attention_heads(const float *qkv, int n, int d, int heads, float scale, const float *mask_add, float *probs, float *ctx);
// The same with a per-head score bias (H, n, n) added after scaling (NULL =
// none) and, when query_ok is given, rows of padded queries (query_ok[i] = 0)
// spread evenly over every key, as DeBERTa's masking leaves them.
void bs_attention_heads_biased(const float *qkv, int n, int d, int heads, float scale, const float *bias,
                               const float *mask_add, const unsigned char *query_ok, float *probs, float *ctx);
// The same with one (n, n) bias added to every head's scores (ModernBERT's
// local window and padding, 0 or the float32 minimum) and no other mask.
void bs_attention_heads_shared_bias(const float *qkv, int n, int d, int heads, float scale, const float *bias,
                                    float *probs, float *ctx);
// (Every attention kernel takes probs = NULL: the maps are not kept, and a
// block of rows of scratch replaces them.)
// ModernBERT's local attention: query i sees keys |i − j| ≤ window (and not
// masked ones), in O(n·window) per head; probs (heads, n, n) written whole
// (zeros outside the band) or NULL. A row whose whole window is masked comes
// out uniform over the window (transformers: over every key), so the encoder
// sends padded inputs through the full kernel with the window as a bias.
void bs_attention_band(const float *qkv, int n, int d, int heads, float scale, int window, const float *mask_add,
                       float *probs, float *ctx);

// DeBERTa's disentangled bias for every head: bias[h][i][j] =
//   q_i·posK[clamp(bucket(i−j) + span)] / scale + k_j·posQ[clamp(span − bucket(j−i))] / scale
// with q, k from the fused qkv (n, 3d) buffer and posK / posQ (2·span, d)
// (NULL = that term is off). bucket[r] is defined for r in (−n, n).
void bs_relative_bias(const float *qkv, int n, int d, int heads, const float *pos_key, const float *pos_query,
                      const int *bucket, int span, float scale, float *bias);

// keep = 1: buffers up to 32 MB come from the heap and up to 512 MB of freed
// heap stays mapped, so a pass's freed buffers serve the next without page
// faults; keep = 0: glibc's defaults, buffers above 128 KB mapped on their own
// and given back to the system when freed.
void bs_keep_freed_memory(int keep);
// With an address-space limit (ulimit -v), one malloc arena for every thread.
void bs_fit_address_limit(void);

// Runs fn(ctx, begin, end) over [0, count) on the pool, in chunks (serially
// when worth_splitting is 0, the pool has one thread or another loop holds it).
typedef void (*bs_range_fn)(void *ctx, int begin, int end);
void bs_parallel_for(int count, bs_range_fn fn, void *ctx, int worth_splitting);

// Backward pass (input gradients; backward.c).
enum { BS_ACT_TANH = 5 };
// y (M, N) (+)= x (M, ldx)[:, 0:K] · W (K, N): with a Linear's (out, in) weight, dX = dY · W.
void bs_matmul_nn(const float *x, int ldx, int M, int K, const float *W, int N, float *y, int accumulate);
// dx (M, D) (+)= ∂LayerNorm(pre)/∂pre applied to dy, statistics recomputed from pre.
void bs_layernorm_backward(const float *pre, const float *gamma, const float *dy, float *dx, int M, int D,
                           float eps, int accumulate);
// g[i] *= act'(u[i]) for one of the BS_ACT_* activations (or BS_ACT_TANH).
void bs_activation_backward(const float *u, float *g, int n, int activation);
// Softmax attention of every head, backward: from dctx (n, d) to dqkv (n, 3d)
// (accumulated); dscores (H, n, n) receives ∂/∂scores (before scaling);
// scratch holds d·n floats (each head's Vᵀ).
void bs_attention_backward(const float *qkv, const float *probs, const float *dctx, int n, int d, int heads,
                           float scale, float *dscores, float *scratch, float *dqkv);
// DeBERTa's position terms, backward: adds their q and k gradients to dqkv.
void bs_relative_backward(const float *dscores, int n, int d, int heads, const float *pos_key, const float *pos_query,
                          const int *bucket, int span, float scale, float *dqkv);

// Half precision (half.c): float → binary16 rounded to nearest even, and back.
void bs_to_half(const float *x, uint16_t *h, size_t n);
void bs_from_half(const uint16_t *h, float *x, size_t n);
// For each of `rows` binary16 rows m (rows, d): dot[r] = q · m[r], norm2[r] = m[r] · m[r].
void bs_half_dot_rows(const uint16_t *m, int rows, int d, const float *q, float *dot, float *norm2);
// The same over columns [offset, offset + width) of rows `stride` apart; q holds `width` values.
void bs_half_dot_rows_span(const uint16_t *m, int rows, int stride, int offset, int width, const float *q, float *dot,
                           float *norm2);

// 1 when the AVX2+FMA paths are in use (for `bench` to report).
int bs_uses_avx2(void);
// 1 when the packed GEMM runs its AVX-512 kernels (off with BERTSCOPE_NO_AVX512 or BERTSCOPE_NO_AVX2).
int bs_uses_avx512(void);

// Attention flow: the maximum flow from token `source` at level `layers` to
// token `sink` at level 0 of the layered graph whose edges (l+1, i) → (l, j)
// have capacity cap[(l * n + i) * n + j]. flow: layers·n·n doubles of
// scratch; scratch: 3·(layers+1)·n ints.
double bs_layered_max_flow(const double *cap, int layers, int n, int source, int sink, double *flow, int *scratch);

#ifdef __cplusplus
}
#endif
#endif
