/* Input files (see infile.h). A few calls per run, never per event. The containment check uses
 * realpath: a hostile scenario cannot name its way out; a user who can rename files in the
 * scenario's folder while vpcsim starts could, but could as well edit the scenario. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "vpcsim/infile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
    return S_ISDIR(m)    ? "a folder"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a plain file";
}

FILE *infile_open(const char *path, vs_error *err)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return error_set(err, "%s: cannot read: %s", path, strerror(errno)), NULL;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return error_set(err, "%s: cannot read: %s", path, strerror(e)), NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return error_set(err, "%s: not a regular file (%s): vpcsim reads only regular files", path,
                         kind_of(st.st_mode)),
               NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    FILE *f = flags >= 0 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        error_set(err, "%s: cannot read: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

/* The real path of the scenario's folder into dir (PATH_MAX bytes). Returns 0 or -1. */
static int scenario_dir(const char *scenario, char *dir, vs_error *err)
{
    char folder[PATH_MAX];
    const char *slash = strrchr(scenario, '/');
    if (!slash)
        snprintf(folder, sizeof folder, ".");
    else
        snprintf(folder, sizeof folder, "%.*s", (int)(slash - scenario) + 1, scenario);
    if (!realpath(folder, dir))
        return error_set(err, "%s: cannot resolve the scenario's folder: %s", folder,
                         strerror(errno));
    return 0;
}

int infile_resolve(const char *scenario, const char *name, bool allow_outside, char *buf, size_t n,
                   vs_error *err)
{
    const char *slash = scenario ? strrchr(scenario, '/') : NULL;
    int len = name[0] == '/' || !slash
                  ? snprintf(buf, n, "%s", name)
                  : snprintf(buf, n, "%.*s%s", (int)(slash - scenario + 1), scenario, name);
    if (len < 0 || (size_t)len >= n) return error_set(err, "%.80s...: the path is too long", name);
    if (allow_outside || !scenario) return 0;
    char dir[PATH_MAX], real[PATH_MAX];
    if (scenario_dir(scenario, dir, err)) return -1;
    if (!realpath(buf, real)) return error_set(err, "%s: cannot read: %s", buf, strerror(errno));
    size_t k = strlen(dir);
    bool inside = strncmp(real, dir, k) == 0 && (real[k] == '/' || (k == 1 && dir[0] == '/'));
    if (!inside)
        return error_set(err,
                         "%s leads outside the scenario's folder %s (an absolute path, '..' or a "
                         "link out): a scenario may name only files beside it or below "
                         "(--allow-outside-files lifts this)",
                         name, dir);
    return 0;
}
