// The processors this process may run on (Sources/LedgerCore/System/SystemCalls.swift).
//
// sched_getaffinity and CPU_COUNT need _GNU_SOURCE, which Swift's Glibc module does not define,
// so this one call is made from C.

#ifndef CAFFINITY_H
#define CAFFINITY_H

#ifdef __cplusplus
extern "C" {
#endif

/// The number of processors in this process's affinity mask (`taskset`, a container's cpuset),
/// or 0 when the mask cannot be read (then the caller counts the processors online).
int caffinity_allowed_processors(void);

#ifdef __cplusplus
}
#endif

#endif
