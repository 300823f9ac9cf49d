// A cache prefetch hint, for the replay's fold (Sources/Projections/Replay).
//
// Swift has no prefetch instruction of its own. The fold of a large ledger waits on memory: each
// event touches a random citizen's history. Asking for the memory a few events ahead lets those
// waits overlap. A prefetch is only a hint: it never faults and changes no value, whatever the
// address.

#ifndef CPREFETCH_H
#define CPREFETCH_H

#ifdef __cplusplus
extern "C" {
#endif

/// Asks the CPU to bring the cache line holding `address` into the cache, for reading.
static inline void cprefetch_read(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 3);
#else
    (void)address;
#endif
}

/// The same, as a function with an address (for tests that check it can be called on any address).
void cprefetch_read_function(const void *address);

#ifdef __cplusplus
}
#endif

#endif
