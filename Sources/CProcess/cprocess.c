// See include/cprocess.h.
#define _GNU_SOURCE
#include "cprocess.h"

#if defined(__linux__)
#include <sched.h>

int cprocess_allowed_processors(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    return CPU_COUNT(&set);
}
#else
int cprocess_allowed_processors(void) { return 0; }
#endif

#if defined(__GLIBC__)
#include <malloc.h>

int cprocess_tune_allocator(long mmap_threshold, long trim_threshold, long top_pad) {
    // mallopt takes an int; the callers' values fit (at most 1 GiB).
    if (mmap_threshold < 0 || mmap_threshold > 0x7fffffffL || trim_threshold < 0 || trim_threshold > 0x7fffffffL
        || top_pad < 0 || top_pad > 0x7fffffffL) return 0;
    int accepted = 0;
    accepted += mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) == 1;
    accepted += mallopt(M_TRIM_THRESHOLD, (int)trim_threshold) == 1;
    accepted += mallopt(M_TOP_PAD, (int)top_pad) == 1;
    return accepted;
}
#else
int cprocess_tune_allocator(long mmap_threshold, long trim_threshold, long top_pad) {
    (void)mmap_threshold; (void)trim_threshold; (void)top_pad;
    return 0;
}
#endif
