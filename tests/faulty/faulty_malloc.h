/* Allocation-failure injection for tests (SQLite's manner): binaries linked with
 * -Wl,--wrap=malloc,... (CMake: vpcsim_faulty_malloc) count every allocation the project's own
 * code makes and fail the N-th one. Third-party libraries (HDF5, libyaml) are not wrapped. */
#ifndef VPCSIM_FAULTY_MALLOC_H
#define VPCSIM_FAULTY_MALLOC_H

/* Fails the n-th allocation from now on (1 = the next one); 0 fails none. Once only: later
 * allocations succeed again, so recovery paths are exercised too. VPCSIM_FAIL_AT=n in the
 * environment does the same from the first allocation of the process. */
void faulty_malloc_fail_at(long n);
/* Allocations counted so far (successful or failed). With VPCSIM_ALLOC_COUNT set in the
 * environment, the count is written to stderr at exit as "vpcsim-faulty: N allocations". */
long faulty_malloc_count(void);
/* VPCSIM_FAIL_TRACE set: the failing call's stack goes to stderr (link with -rdynamic to see
 * names, or read addresses with addr2line). */
/* True once the injected failure happened. */
int faulty_malloc_failed(void);

#endif
