// SHA-256 block compression with the x86 SHA extensions (SHA-NI).
//
// The round structure follows Intel's published reference ("Intel SHA
// Extensions", Gulley et al., 2013): the eight working words are kept in two
// registers as ABEF and CDGH, each `sha256rnds2` performs two rounds, and
// `sha256msg1`/`sha256msg2` compute the message schedule four words at a time.
//
// Only this function carries the `target` attribute, so the rest of the
// package is compiled for the baseline CPU and the instructions are used only
// after `csha256_cpu_has_shani()` said they exist.

#include "csha256.h"

#if defined(__x86_64__)

#include <cpuid.h>
#include <immintrin.h>

/// The 64 round constants of FIPS 180-4, section 4.2.2, in round order.
static const uint32_t csha256_round_constants[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// Four rounds, `group` 0...15, using the message words in `words`
// (W[4*group] ... W[4*group+3]). Each sha256rnds2 takes the round inputs
// (W + K) in the low 64 bits of its third operand.
#define CSHA256_ROUNDS4(words, group)                                                        \
    do {                                                                                     \
        __m128i input = _mm_add_epi32(                                                       \
            (words), _mm_load_si128((const __m128i *)&csha256_round_constants[4 * (group)])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, input);                                     \
        input = _mm_shuffle_epi32(input, 0x0E);                                              \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, input);                                     \
    } while (0)

// Finishes the four message words `next` (which already went through
// sha256msg1) from the two groups before it.
#define CSHA256_SCHEDULE_FINISH(next, current, previous)                                     \
    (next) = _mm_sha256msg2_epu32(_mm_add_epi32((next), _mm_alignr_epi8((current), (previous), 4)), \
                                  (current))

// Starts the message words four groups ahead of `previous`.
#define CSHA256_SCHEDULE_START(previous, current) \
    (previous) = _mm_sha256msg1_epu32((previous), (current))

__attribute__((target("sha,sse4.1,ssse3")))
void csha256_compress_shani(uint32_t state[8], const uint8_t *blocks, size_t blockCount) {
    // Reverses the bytes within each 32-bit word: the message is big-endian.
    const __m128i byteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

    // Rearrange H0...H7 (A...H) into the ABEF / CDGH layout the instructions use.
    __m128i low = _mm_loadu_si128((const __m128i *)&state[0]);  // D C B A
    __m128i high = _mm_loadu_si128((const __m128i *)&state[4]); // H G F E
    low = _mm_shuffle_epi32(low, 0xB1);                         // C D A B
    high = _mm_shuffle_epi32(high, 0x1B);                       // E F G H
    __m128i abef = _mm_alignr_epi8(low, high, 8);               // A B E F
    __m128i cdgh = _mm_blend_epi16(high, low, 0xF0);            // C D G H

    for (size_t blockIndex = 0; blockIndex < blockCount; blockIndex += 1) {
        const uint8_t *block = blocks + 64 * blockIndex;
        const __m128i abefSaved = abef;
        const __m128i cdghSaved = cdgh;

        __m128i words0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 0)), byteSwap);
        __m128i words1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16)), byteSwap);
        __m128i words2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 32)), byteSwap);
        __m128i words3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 48)), byteSwap);

        // Rounds 0...15 use the message itself; the schedule for 16...63 is
        // computed alongside, four groups ahead.
        CSHA256_ROUNDS4(words0, 0);
        CSHA256_ROUNDS4(words1, 1);
        CSHA256_SCHEDULE_START(words0, words1);
        CSHA256_ROUNDS4(words2, 2);
        CSHA256_SCHEDULE_START(words1, words2);
        CSHA256_ROUNDS4(words3, 3);
        CSHA256_SCHEDULE_FINISH(words0, words3, words2);
        CSHA256_SCHEDULE_START(words2, words3);

        // Rounds 16...51: the four registers rotate roles every group.
        CSHA256_ROUNDS4(words0, 4);
        CSHA256_SCHEDULE_FINISH(words1, words0, words3);
        CSHA256_SCHEDULE_START(words3, words0);
        CSHA256_ROUNDS4(words1, 5);
        CSHA256_SCHEDULE_FINISH(words2, words1, words0);
        CSHA256_SCHEDULE_START(words0, words1);
        CSHA256_ROUNDS4(words2, 6);
        CSHA256_SCHEDULE_FINISH(words3, words2, words1);
        CSHA256_SCHEDULE_START(words1, words2);
        CSHA256_ROUNDS4(words3, 7);
        CSHA256_SCHEDULE_FINISH(words0, words3, words2);
        CSHA256_SCHEDULE_START(words2, words3);

        CSHA256_ROUNDS4(words0, 8);
        CSHA256_SCHEDULE_FINISH(words1, words0, words3);
        CSHA256_SCHEDULE_START(words3, words0);
        CSHA256_ROUNDS4(words1, 9);
        CSHA256_SCHEDULE_FINISH(words2, words1, words0);
        CSHA256_SCHEDULE_START(words0, words1);
        CSHA256_ROUNDS4(words2, 10);
        CSHA256_SCHEDULE_FINISH(words3, words2, words1);
        CSHA256_SCHEDULE_START(words1, words2);
        CSHA256_ROUNDS4(words3, 11);
        CSHA256_SCHEDULE_FINISH(words0, words3, words2);
        CSHA256_SCHEDULE_START(words2, words3);

        CSHA256_ROUNDS4(words0, 12);
        CSHA256_SCHEDULE_FINISH(words1, words0, words3);
        CSHA256_SCHEDULE_START(words3, words0);

        // Rounds 52...63: the last schedule words are finished, none started.
        CSHA256_ROUNDS4(words1, 13);
        CSHA256_SCHEDULE_FINISH(words2, words1, words0);
        CSHA256_ROUNDS4(words2, 14);
        CSHA256_SCHEDULE_FINISH(words3, words2, words1);
        CSHA256_ROUNDS4(words3, 15);

        abef = _mm_add_epi32(abef, abefSaved);
        cdgh = _mm_add_epi32(cdgh, cdghSaved);
    }

    // Back from ABEF / CDGH to H0...H7.
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);      // F E B A
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);      // D C H G
    low = _mm_blend_epi16(feba, dchg, 0xF0);           // D C B A
    high = _mm_alignr_epi8(dchg, feba, 8);             // H G F E
    _mm_storeu_si128((__m128i *)&state[0], low);
    _mm_storeu_si128((__m128i *)&state[4], high);
}

int csha256_cpu_has_shani(void) {
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    const int hasSSSE3 = (ecx & bit_SSSE3) != 0;
    const int hasSSE41 = (ecx & bit_SSE4_1) != 0;
    // __get_cpuid_count returns 0 when leaf 7 is beyond the CPU's maximum leaf.
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    const int hasSHA = (ebx & (1u << 29)) != 0;
    return hasSSSE3 && hasSSE41 && hasSHA;
}

#else // Not x86-64: the SHA extensions do not exist; the Swift code uses its portable path.

void csha256_compress_shani(uint32_t state[8], const uint8_t *blocks, size_t blockCount) {
    (void)state;
    (void)blocks;
    (void)blockCount;
    // Reaching this is a defect in the caller, which must check
    // csha256_cpu_has_shani() first. Stop rather than return a wrong digest.
    __builtin_trap();
}

int csha256_cpu_has_shani(void) {
    return 0;
}

#endif
