// See include/cprefetch.h.
#include "cprefetch.h"

void cprefetch_read_function(const void *address) { cprefetch_read(address); }
