// SHA-256 compression with the x86 SHA extensions (SHA-NI), for LedgerCore.
//
// This header declares only the block compression and a CPU feature check.
// Padding, length encoding, the portable compression and the choice between
// the two live in Swift (Sources/LedgerCore/Crypto/SHA256.swift).

#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Compresses `blockCount` consecutive 64-byte blocks into `state` with the
/// x86 SHA extensions.
///
/// `state` holds the eight 32-bit working words H0...H7 of FIPS 180-4 in
/// native byte order; `blocks` needs no alignment. Call this only when
/// `csha256_cpu_has_shani()` returned 1: on other CPUs the instructions fault.
/// On builds for other architectures this function stops the process
/// with a trap.
void csha256_compress_shani(uint32_t state[8], const uint8_t *blocks, size_t blockCount);

/// Returns 1 when the CPU supports the SHA extensions together with SSSE3 and
/// SSE4.1 (all three are used by `csha256_compress_shani`), else 0.
/// Always 0 on architectures other than x86-64.
int csha256_cpu_has_shani(void);

#ifdef __cplusplus
}
#endif

#endif // CSHA256_H
