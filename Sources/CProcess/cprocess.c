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

#if defined(__linux__)
#include <link.h>
#include <string.h>

struct build_id_search { unsigned char *out; int capacity; int length; };

// Called for each loaded object; the first is the main program. Looks through its PT_NOTE
// segments for the GNU build-id note and stops after the main program either way.
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct build_id_search *search = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_NOTE) continue;
        const unsigned char *note = (const unsigned char *)(info->dlpi_addr + segment->p_vaddr);
        size_t left = segment->p_memsz;
        while (left >= sizeof(ElfW(Nhdr))) {
            const ElfW(Nhdr) *header = (const ElfW(Nhdr) *)note;
            size_t nameBytes = (header->n_namesz + 3) & ~(size_t)3;
            size_t descBytes = (header->n_descsz + 3) & ~(size_t)3;
            size_t total = sizeof(ElfW(Nhdr)) + nameBytes + descBytes;
            if (total > left) break;
            const char *name = (const char *)(note + sizeof(ElfW(Nhdr)));
            if (header->n_type == NT_GNU_BUILD_ID && header->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
                if ((int)header->n_descsz > 0 && (int)header->n_descsz <= search->capacity) {
                    memcpy(search->out, note + sizeof(ElfW(Nhdr)) + nameBytes, header->n_descsz);
                    search->length = (int)header->n_descsz;
                }
                return 1;
            }
            note += total;
            left -= total;
        }
    }
    return 1;
}

int cprocess_build_id(unsigned char *out, int capacity) {
    if (out == NULL || capacity <= 0) return 0;
    struct build_id_search search = { out, capacity, 0 };
    dl_iterate_phdr(find_build_id, &search);
    return search.length;
}
#else
int cprocess_build_id(unsigned char *out, int capacity) {
    (void)out; (void)capacity;
    return 0;
}
#endif
