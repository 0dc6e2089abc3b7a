// The packed GEMM's paths side by side, one thread: GFLOP/s of AVX2 and
// AVX-512 and whether their results are bitwise equal.
//   S=Sources/CKernels; clang -O3 -ffp-contract=off -I$S/include -o gemm Tests/Bench/packed_gemm.c \
//     $S/packed.c $S/linear.c $S/elementwise.c $S/pool.c -lpthread -lm
//   ./gemm 512 384 1152 32 384 1152        (M K N triples: bs_linear_packed_range)
//   ./gemm rows 6 32 512 6 512 32          (rows K N triples: bs_packed_rows, ldx = K + 5)
#include "CKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *random_floats(size_t n) {
    float *v = malloc(sizeof(float) * n);
    for (size_t i = 0; i < n; i++) v[i] = rand() / (float)RAND_MAX - 0.5f;
    return v;
}

// Best of 7 timings of ~1e10 flops (rows: 3e9) through one path; y receives its result.
static double rate(int rows_mode, int isa, const float *x, int M, int K, const float *pk, int N, const float *b,
                   float *y) {
    const double flops = 2.0 * M * N * K;
    const int reps = (int)((rows_mode ? 3e9 : 1e10) / flops) + 1, P = (N + 15) / 16;
    double best = 1e9;
    for (int t = 0; t < 7; t++) {
        double s = now();
        for (int r = 0; r < reps; r++) {
            if (rows_mode) bs_packed_rows_isa(x, K + 5, M, K, pk, 0, P, N, y, N, isa);
            else bs_linear_packed_range_isa(x, M, K, pk, N, b, y, N, 0, P, 0, isa);
        }
        double e = (now() - s) / reps;
        if (e < best) best = e;
    }
    return flops / best / 1e9;
}

int main(int argc, char **argv) {
    const int rows_mode = argc > 1 && strcmp(argv[1], "rows") == 0;
    for (int a = 1 + rows_mode; a + 2 < argc; a += 3) {
        const int M = atoi(argv[a]), K = atoi(argv[a + 1]), N = atoi(argv[a + 2]);
        float *x = random_floats((size_t)M * (K + 5)), *W = random_floats((size_t)N * K), *b = random_floats(N);
        float *pk = malloc(sizeof(float) * bs_packed_size(N, K));
        float *y2 = calloc((size_t)M * N, sizeof(float)), *y5 = calloc((size_t)M * N, sizeof(float));
        bs_pack(W, N, K, pk);
        const double r2 = rate(rows_mode, BS_ISA_AVX2, x, M, K, pk, N, b, y2);
        const double r5 = rate(rows_mode, BS_ISA_AVX512, x, M, K, pk, N, b, y5);
        printf("%s=%4d K=%4d N=%4d  AVX2 %6.1f  AVX-512 %6.1f GFLOP/s  x%.2f  %s\n", rows_mode ? "rows" : "M", M, K, N,
               r2, r5, r5 / r2, memcmp(y2, y5, sizeof(float) * M * N) ? "DIFFERENT" : "bitwise equal");
        free(x); free(W); free(b); free(pk); free(y2); free(y5);
    }
    return 0;
}
