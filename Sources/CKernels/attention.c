#include "CKernels.h"
#include <math.h>
#include <stddef.h>

static float dot(const float *a, const float *b, int n) {
    float part[8] = {0};
    int k = 0;
    for (; k + 8 <= n; k += 8)
        for (int l = 0; l < 8; l++) part[l] += a[k + l] * b[k + l];
    float s = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
    for (; k < n; k++) s += a[k] * b[k];
    return s;
}

void bs_attention_head(const float *q, const float *k, const float *v, int n, int ld, int dh,
                       float scale, const float *mask_add, float *probs, float *ctx, int ldc) {
    for (int i = 0; i < n; i++) {
        float *p = probs + (size_t)i * n;
        const float *qi = q + (size_t)i * ld;
        float mx = -INFINITY;
        for (int j = 0; j < n; j++) {
            float s = dot(qi, k + (size_t)j * ld, dh) * scale;
            if (mask_add) s += mask_add[j];
            p[j] = s;
            if (s > mx) mx = s;
        }
        float sum = 0;
        for (int j = 0; j < n; j++) { p[j] = expf(p[j] - mx); sum += p[j]; }
        float inv = 1.0f / sum;
        for (int j = 0; j < n; j++) p[j] *= inv;
        float *c = ctx + (size_t)i * ldc;
        for (int d = 0; d < dh; d++) c[d] = 0.0f;
        for (int j = 0; j < n; j++) {
            const float pj = p[j], *vj = v + (size_t)j * ld;
            for (int d = 0; d < dh; d++) c[d] += pj * vj[d];
        }
    }
}
