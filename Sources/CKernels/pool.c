// A persistent pool of helper threads for data-parallel loops (GEMM panels,
// attention heads). Helpers spin briefly for the next job (a forward pass
// issues dozens back to back), then sleep on a condition variable so an idle
// UI costs no CPU.
#include "CKernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define PAUSE() _mm_pause()
#else
#define PAUSE() ((void)0)
#endif

#define MAX_THREADS 16

static bs_range_fn job_fn;
static void *job_ctx;
static int job_count;
static int pool_threads = 1;
static atomic_int generation = 0;
static atomic_int pending = 0;
static atomic_int sleepers = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_once_t started = PTHREAD_ONCE_INIT;
static atomic_int pool_running = 0;

static int job_chunk;
static atomic_int job_next = 0;

// Threads take chunks from a shared counter until none is left, so a core
// that runs slower (a busy neighbour on a shared host, the UI thread) takes
// fewer: with even shares the main thread's GEMM panels took 30% longer than
// the helper's at 128 tokens, which then waited. A chunk is a quarter of an
// even share, so a GEMM keeps runs of panels (each prefetches the next).
static void run_chunks(void) {
    for (;;) {
        int b = atomic_fetch_add_explicit(&job_next, job_chunk, memory_order_relaxed);
        if (b >= job_count) return;
        job_fn(job_ctx, b, b + job_chunk < job_count ? b + job_chunk : job_count);
    }
}

static void *worker(void *unused) {
    (void)unused;
    int seen = 0;
    for (;;) {
        int spins = 0;
        while (atomic_load_explicit(&generation, memory_order_acquire) == seen) {
            if (++spins < 20000) { PAUSE(); continue; }
            pthread_mutex_lock(&lock);
            atomic_fetch_add(&sleepers, 1);
            while (atomic_load_explicit(&generation, memory_order_acquire) == seen) pthread_cond_wait(&wake, &lock);
            atomic_fetch_sub(&sleepers, 1);
            pthread_mutex_unlock(&lock);
        }
        seen = atomic_load_explicit(&generation, memory_order_acquire);
        run_chunks();
        atomic_fetch_sub_explicit(&pending, 1, memory_order_acq_rel);
    }
    return NULL;
}

static void start_pool(void) {
    atomic_store(&pool_running, 1);
    for (int i = 1; i < pool_threads; i++) {
        pthread_t t;
        pthread_create(&t, NULL, worker, NULL);
        pthread_detach(t);
    }
}

void bs_set_threads(int n) {
    if (atomic_load(&pool_running)) return;  // the helpers exist already: keep their count
    if (n < 1) n = 1;
    if (n > MAX_THREADS) n = MAX_THREADS;
    pool_threads = n;  // takes effect once: the pool starts on first use
}

int bs_threads(void) { return pool_threads; }

// The pool runs one loop at a time (its job is a single set of globals); a
// loop started on another thread meanwhile (a test runner's parallel tests,
// two sessions on their own queues) or from inside a loop runs on its
// caller's thread instead of overwriting the job under the helpers.
static atomic_int busy = 0;

// Runs fn(ctx, b, e) over [0, count) in chunks shared by the pool and the caller.
void bs_parallel_for(int count, bs_range_fn fn, void *ctx, int worth_splitting) {
    if (pool_threads == 1 || !worth_splitting || count < 2
        || atomic_exchange_explicit(&busy, 1, memory_order_acquire)) {
        fn(ctx, 0, count);
        return;
    }
    pthread_once(&started, start_pool);
    job_fn = fn;
    job_ctx = ctx;
    job_count = count;
    job_chunk = count / (4 * pool_threads) > 0 ? count / (4 * pool_threads) : 1;
    atomic_store_explicit(&job_next, 0, memory_order_relaxed);
    atomic_store_explicit(&pending, pool_threads - 1, memory_order_release);
    atomic_fetch_add_explicit(&generation, 1, memory_order_acq_rel);
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&lock);
    }
    run_chunks();
    while (atomic_load_explicit(&pending, memory_order_acquire) > 0) PAUSE();
    atomic_store_explicit(&busy, 0, memory_order_release);
}

typedef struct {
    const float *x, *packed, *bias;
    float *y;
    int M, K, N, ldy, activation;
} gemm_t;

// Pairs [b, e) of 16-column panels: the AVX-512 kernels take two panels at a
// time, and a chunk of whole pairs leaves no odd panel (1-3% at 72 panels, 2 threads).
static void gemm_range(void *c, int b, int e) {
    gemm_t *g = c;
    const int panels = (g->N + 15) / 16, p1 = 2 * e < panels ? 2 * e : panels;
    bs_linear_packed_range(g->x, g->M, g->K, g->packed, g->N, g->bias, g->y, g->ldy, 2 * b, p1, g->activation);
}

void bs_linear_packed(const float *x, int M, int K, const float *packed, int N, const float *bias, float *y, int ldy, int activation) {
    gemm_t g = {x, packed, bias, y, M, K, N, ldy, activation};
    bs_parallel_for((N + 31) / 32, gemm_range, &g, (long)M * N * K >= 200000);
}

typedef struct {
    const float *a, *residual, *gamma, *beta;
    float *out;
    int D;
    float eps;
} ln_t;

static void ln_range(void *c, int r0, int r1) {
    ln_t *l = c;
    bs_add_layernorm(l->a + (size_t)r0 * l->D, l->residual ? l->residual + (size_t)r0 * l->D : NULL,
                     l->out + (size_t)r0 * l->D, r1 - r0, l->D, l->gamma, l->beta, l->eps);
}

void bs_add_layernorm_parallel(const float *a, const float *residual, float *out, int M, int D,
                               const float *gamma, const float *beta, float eps) {
    ln_t l = {a, residual, gamma, beta, out, D, eps};
    bs_parallel_for(M, ln_range, &l, (long)M * D >= 8192);
}
