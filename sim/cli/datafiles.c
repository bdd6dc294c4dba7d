/* Finding the shipped data files (see datafiles.h): a handful of access() calls per command, so
 * the candidates are simply tried in order. */
#include "cli/datafiles.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef VPCSIM_DATA_REL
#define VPCSIM_DATA_REL "../share/vpcsim" /* CMake's bin -> share/vpcsim, relative */
#endif

/* The folders below the binary's where the data folder may be, in order. */
static const char *const below_bin[] = {VPCSIM_DATA_REL, "vpcsim-data", "../experiments"};

/* dir/rel into buf if that file is readable. Returns 0 if so, -1 if not (or too long). */
static int try_path(const char *dir, const char *rel, char *buf, size_t n)
{
    int len = snprintf(buf, n, "%s/%s", dir, rel);
    return len > 0 && (size_t)len < n && access(buf, R_OK) == 0 ? 0 : -1;
}

/* The folder of the running binary into buf (from /proc/self/exe). Returns 0 or -1. */
static int bin_dir(char *buf, size_t n)
{
    ssize_t len = readlink("/proc/self/exe", buf, n - 1);
    if (len <= 0 || (size_t)len >= n - 1) return -1;
    buf[len] = 0;
    char *slash = strrchr(buf, '/');
    if (!slash) return -1;
    *slash = 0;
    return 0;
}

int datafiles_find(const char *rel, char *buf, size_t n, vs_error *err)
{
    const char *env = getenv("VPCSIM_DATA_DIR");
    char bin[PATH_MAX], dir[PATH_MAX + 32];
    if (env && *env) {
        if (try_path(env, rel, buf, n) == 0) return 0;
        return error_set(err, "no %s in $VPCSIM_DATA_DIR (%s)", rel, env);
    }
    if (bin_dir(bin, sizeof bin))
        return error_set(err,
                         "cannot tell where the vpcsim binary is, to find %s in its data "
                         "folder: set VPCSIM_DATA_DIR",
                         rel);
    for (size_t i = 0; i < sizeof below_bin / sizeof *below_bin; i++) {
        snprintf(dir, sizeof dir, "%s/%s", bin, below_bin[i]);
        if (try_path(dir, rel, buf, n) == 0) return 0;
    }
    return error_set(err,
                     "no %s in %s/%s, %s/vpcsim-data or %s/../experiments (set "
                     "VPCSIM_DATA_DIR to the folder that holds it)",
                     rel, bin, VPCSIM_DATA_REL, bin, bin);
}

int datafiles_default(const char **path, const char *rel, char *buf, size_t n, vs_error *err)
{
    if (*path) return 0;
    if (datafiles_find(rel, buf, n, err)) return -1;
    *path = buf;
    return 0;
}
