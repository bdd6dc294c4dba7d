/* The counting allocator behind faulty_malloc.h: __wrap_ functions that the linker puts in place
 * of malloc, calloc, realloc, aligned_alloc, strdup and strndup for the project's own objects
 * (-Wl,--wrap=...). The N-th call fails once; every call is otherwise passed on unchanged. Test
 * machinery: the counters are process-wide on purpose (atomics: jobs run on several threads). */
#include "faulty_malloc.h"

#include <execinfo.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t align, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static atomic_long count;        /* allocations so far */
static atomic_long fail_at = -1; /* the count that fails; -1 = read the environment first */
static atomic_int failed;        /* the failure happened */

static void report_count(void)
{
    fprintf(stderr, "vpcsim-faulty: %ld allocations\n", atomic_load(&count));
}

static long env_fail_at(void)
{
    const char *s = getenv("VPCSIM_FAIL_AT");
    if (getenv("VPCSIM_ALLOC_COUNT")) atexit(report_count);
    return s ? strtol(s, NULL, 10) : 0;
}

/* True when this allocation is the one to fail. */
static int should_fail(void)
{
    long target = atomic_load(&fail_at);
    if (target < 0) {
        long want = env_fail_at(), expect = -1;
        atomic_compare_exchange_strong(&fail_at, &expect, want);
        target = atomic_load(&fail_at);
    }
    long k = atomic_fetch_add(&count, 1) + 1;
    if (target <= 0 || k != target) return 0;
    atomic_store(&failed, 1);
    if (getenv("VPCSIM_FAIL_TRACE")) { /* where it failed, for a person reading a sweep */
        void *frames[16];
        backtrace_symbols_fd(frames, backtrace(frames, 16), 2);
    }
    return 1;
}

void faulty_malloc_fail_at(long n)
{
    atomic_store(&fail_at, n > 0 ? atomic_load(&count) + n : 0);
    atomic_store(&failed, 0);
}

long faulty_malloc_count(void)
{
    return atomic_load(&count);
}

int faulty_malloc_failed(void)
{
    return atomic_load(&failed);
}

void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
    return should_fail() ? NULL : __real_aligned_alloc(align, n);
}

char *__wrap_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = __wrap_malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

char *__wrap_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = __wrap_malloc(len + 1);
    if (!d) return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}
