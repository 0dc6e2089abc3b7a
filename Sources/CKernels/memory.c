// The allocator's policy for the large buffers a pass frees (glibc only).
#include "CKernels.h"
#include <stdlib.h>  // defines __GLIBC__ on glibc
#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/resource.h>
#endif

void bs_keep_freed_memory(int keep) {
#if defined(__GLIBC__)
    if (keep) {
        mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest allowed value
        mallopt(M_TRIM_THRESHOLD, 512 << 20);
    } else {
        // glibc's defaults: buffers above 128 KB mapped on their own and unmapped on
        // free (only the heap's top was trimmed again before, so buffers up to 32 MB
        // freed in the heap's middle stayed resident under --lean).
        mallopt(M_MMAP_THRESHOLD, 128 << 10);
        mallopt(M_TRIM_THRESHOLD, 128 << 10);
    }
#else
    (void)keep;
#endif
}

void bs_fit_address_limit(void) {
#if defined(__GLIBC__)
    struct rlimit r;
    if (getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur != RLIM_INFINITY) {
        // Under `ulimit -v` every extra malloc arena (one per contended thread)
        // reserves 64 MB of address space: how many a run made depended on
        // scheduling, so a run that fitted could fail on a loaded machine.
        mallopt(M_ARENA_MAX, 1);
    }
#endif
}
