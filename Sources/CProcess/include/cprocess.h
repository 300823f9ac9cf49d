// Process-wide facts and settings whose C declarations Swift's Glibc module lacks
// (Sources/LedgerCore/System/SystemCalls.swift calls them).
//
// sched_getaffinity and CPU_COUNT need _GNU_SOURCE, which Swift's Glibc module does not define;
// mallopt and its M_* settings are in <malloc.h>, which it does not include.

#ifndef CPROCESS_H
#define CPROCESS_H

#ifdef __cplusplus
extern "C" {
#endif

/// The number of processors in this process's affinity mask (`taskset`, a container's cpuset),
/// or 0 when the mask cannot be read (then the caller counts the processors online).
int cprocess_allowed_processors(void);

/// Sets glibc's allocator: allocations below `mmap_threshold` bytes come from the heaps, a heap
/// keeps up to `trim_threshold` bytes freed at its top, and grows by `top_pad` bytes more than
/// asked. Returns the number of settings glibc accepted (3 for all; 0 where there is no glibc).
int cprocess_tune_allocator(long mmap_threshold, long trim_threshold, long top_pad);

/// Copies the running program's build id (the linker's NT_GNU_BUILD_ID note of the main
/// executable) into `out`, at most `capacity` bytes. Returns its length, or 0 when the program has
/// none or it does not fit (then the caller identifies the program another way).
int cprocess_build_id(unsigned char *out, int capacity);

#ifdef __cplusplus
}
#endif

#endif
